// Set and list commands (t_set.c, t_list.c): SADD, SMEMBERS, SCARD, LPUSH, RPUSH, LRANGE.
#include <algorithm>
#include <tuple>

#include "model/keyspace.h"
#include "model/keyspace_util.h"

namespace model {
namespace {

void convert_to_hashtable(SetValue& set) {
  for (int64_t v : set.ints) set.members.insert(format_ll(v));
  set.ints.clear();
  set.ints.shrink_to_fit();
  set.is_intset = false;
}

// setTypeAdd: true if `member` was new. An intset takes strict integers only, and becomes a
// hashtable for good when it would hold anything else or more than 512 entries.
bool set_add(SetValue& set, std::string_view member) {
  if (!set.is_intset) return set.members.emplace(member).second;
  const std::optional<int64_t> v = parse_ll(member);
  if (!v) {
    convert_to_hashtable(set);
    set.members.emplace(member);
    return true;
  }
  auto it = std::lower_bound(set.ints.begin(), set.ints.end(), *v);
  if (it != set.ints.end() && *it == *v) return false;
  set.ints.insert(it, *v);
  if (set.ints.size() > Keyspace::kSetMaxIntsetEntries) convert_to_hashtable(set);
  return true;
}

}  // namespace

void Keyspace::cmd_sadd(std::span<const std::string> argv, ExecContext& ctx,
                        KeyspaceResult& out) {
  Node* node = lookup_write(argv[1], ctx, out);
  SetValue* set = nullptr;
  if (node != nullptr) {
    set = value_if<SetValue>(node->second.value);
    if (set == nullptr) return reply_error(out.reply, kWrongTypeError);
  } else {
    // setTypeCreate: the first member alone decides whether it starts as an intset.
    SetValue created;
    created.is_intset = parse_ll(argv[2]).has_value();
    node = add_node(dbs_[static_cast<size_t>(ctx.db)], argv[1], std::move(created));
    set = value_if<SetValue>(node->second.value);
  }
  Db& db = dbs_[static_cast<size_t>(ctx.db)];
  int64_t added = 0;
  for (size_t j = 2; j < argv.size(); ++j) {
    // An intset's bytes are cheap to recount (and a conversion rewrites them all); a
    // hashtable grows by its new member.
    const bool was_intset = set->is_intset;
    const size_t intset_bytes = was_intset ? value_bytes(node->second.value) : 0;
    if (!set_add(*set, argv[j])) continue;
    ++added;
    if (was_intset) {
      db.bytes += value_bytes(node->second.value) - intset_bytes;
    } else {
      db.bytes += argv[j].size() + kSetMemberBytes;
    }
  }
  out.dirty += added;
  reply_integer(out.reply, added);
  if (added > 0) out.propagate.add(ctx.db, argv);
}

void Keyspace::cmd_smembers(std::span<const std::string> argv, ExecContext& ctx,
                            KeyspaceResult& out) {
  const Node* node = lookup_read(argv[1], ctx, out);
  if (node == nullptr) return reply_array(out.reply, 0);
  const auto* set = value_if<SetValue>(node->second.value);
  if (set == nullptr) return reply_error(out.reply, kWrongTypeError);
  reply_array(out.reply, set->size());
  if (set->is_intset) {
    for (int64_t v : set->ints) out.reply.elements.push_back(RespValue::bulk(format_ll(v)));
    return;
  }
  // A hashtable set iterates in its seeded hash order.
  std::vector<std::pair<uint64_t, const std::string*>> members;
  members.reserve(set->members.size());
  for (const std::string& m : set->members) members.emplace_back(order_hash(m, order_seed_), &m);
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, *a.second) < std::tie(b.first, *b.second);
  });
  for (const auto& [hash, m] : members) out.reply.elements.push_back(RespValue::bulk(*m));
}

void Keyspace::cmd_scard(std::span<const std::string> argv, ExecContext& ctx,
                         KeyspaceResult& out) {
  const Node* node = lookup_read(argv[1], ctx, out);
  if (node == nullptr) return reply_integer(out.reply, 0);
  const auto* set = value_if<SetValue>(node->second.value);
  if (set == nullptr) return reply_error(out.reply, kWrongTypeError);
  reply_integer(out.reply, static_cast<int64_t>(set->size()));
}

void Keyspace::cmd_push(std::span<const std::string> argv, bool head, ExecContext& ctx,
                        KeyspaceResult& out) {
  // pushGenericCommand
  Node* node = lookup_write(argv[1], ctx, out);
  ListValue* list = nullptr;
  if (node != nullptr) {
    list = value_if<ListValue>(node->second.value);
    if (list == nullptr) return reply_error(out.reply, kWrongTypeError);
  } else {
    node = add_node(dbs_[static_cast<size_t>(ctx.db)], argv[1], ListValue());
    list = value_if<ListValue>(node->second.value);
  }
  Db& db = dbs_[static_cast<size_t>(ctx.db)];
  for (size_t j = 2; j < argv.size(); ++j) {
    if (head) {
      list->push_front(argv[j]);
    } else {
      list->push_back(argv[j]);
    }
    db.bytes += argv[j].size() + kListElementBytes;
  }
  out.dirty += static_cast<int64_t>(argv.size() - 2);
  reply_integer(out.reply, static_cast<int64_t>(list->size()));
  out.propagate.add(ctx.db, argv);
}

void Keyspace::cmd_lrange(std::span<const std::string> argv, ExecContext& ctx,
                          KeyspaceResult& out) {
  // lrangeCommand: the indexes are parsed before the key is looked up.
  const std::optional<int64_t> first = parse_ll(argv[2]);
  const std::optional<int64_t> last = parse_ll(argv[3]);
  if (!first || !last) return reply_error(out.reply, kNotIntegerError);
  const Node* node = lookup_read(argv[1], ctx, out);
  if (node == nullptr) return reply_array(out.reply, 0);
  const auto* list = value_if<ListValue>(node->second.value);
  if (list == nullptr) return reply_error(out.reply, kWrongTypeError);
  // addListRangeReply
  const auto len = static_cast<int64_t>(list->size());
  int64_t start = *first < 0 ? len + *first : *first;
  int64_t end = *last < 0 ? len + *last : *last;
  if (start < 0) start = 0;
  if (start > end || start >= len) return reply_array(out.reply, 0);
  if (end >= len) end = len - 1;
  reply_array(out.reply, static_cast<size_t>(end - start + 1));
  for (int64_t i = start; i <= end; ++i) {
    out.reply.elements.push_back(RespValue::bulk((*list)[static_cast<size_t>(i)]));
  }
}

}  // namespace model
