// The keyspace's core: dispatch, key lookup with lazy expiry (db.c), adding and deleting keys,
// and the type-agnostic commands DEL, EXISTS, KEYS, DBSIZE, FLUSHALL, FLUSHDB, SELECT.
#include <algorithm>
#include <climits>
#include <tuple>

#include "model/keyspace.h"
#include "model/keyspace_util.h"

namespace model {

void PropagateList::add(int db, std::initializer_list<std::string_view> argv) {
  std::vector<std::string>& slot = add_slot(db, argv.size());
  size_t i = 0;
  for (std::string_view arg : argv) slot[i++].assign(arg);
}

void PropagateList::add(int db, std::span<const std::string> argv) {
  std::vector<std::string>& slot = add_slot(db, argv.size());
  for (size_t i = 0; i < argv.size(); ++i) slot[i].assign(argv[i]);
}

std::vector<std::string>& PropagateList::add_slot(int db, size_t argc) {
  if (size_ == items_.size()) items_.emplace_back();
  Propagation& item = items_[size_++];
  item.db = db;
  item.argv.resize(argc);
  return item.argv;
}

bool Keyspace::handles(CommandId id) {
  // The data commands come first in CommandId, SELECT last among them.
  return static_cast<int>(id) <= static_cast<int>(CommandId::kSelect);
}

KeyspaceResult Keyspace::execute(CommandId id, std::span<const std::string> argv,
                                 ExecContext& ctx) {
  KeyspaceResult out;
  execute(id, argv, ctx, out);
  return out;
}

void Keyspace::execute(CommandId id, std::span<const std::string> argv, ExecContext& ctx,
                       KeyspaceResult& out) {
  out.dirty = 0;
  out.propagate.clear();
  reply_null(out.reply);
  using Id = CommandId;
  switch (id) {
    case Id::kGet: return cmd_get(argv, ctx, out);
    case Id::kSet: return cmd_set(argv, ctx, out);
    case Id::kSetex: return cmd_setex(argv, ctx, out);
    case Id::kIncr: return cmd_incr_by(argv, 1, ctx, out);
    case Id::kDecr: return cmd_incr_by(argv, -1, ctx, out);
    case Id::kIncrby: return cmd_incrby(argv, false, ctx, out);
    case Id::kDecrby: return cmd_incrby(argv, true, ctx, out);
    case Id::kIncrbyfloat: return cmd_incrbyfloat(argv, ctx, out);
    case Id::kMget: return cmd_mget(argv, ctx, out);
    case Id::kDel: return cmd_del(argv, ctx, out);
    case Id::kExists: return cmd_exists(argv, ctx, out);
    case Id::kExpire:
    case Id::kPexpire:
    case Id::kExpireat:
    case Id::kPexpireat: return cmd_expire(argv, id, ctx, out);
    case Id::kTtl: return cmd_ttl(argv, false, ctx, out);
    case Id::kPttl: return cmd_ttl(argv, true, ctx, out);
    case Id::kKeys: return cmd_keys(argv, ctx, out);
    case Id::kDbsize: return reply_integer(out.reply, key_count(ctx.db));
    case Id::kSadd: return cmd_sadd(argv, ctx, out);
    case Id::kSmembers: return cmd_smembers(argv, ctx, out);
    case Id::kScard: return cmd_scard(argv, ctx, out);
    case Id::kLpush: return cmd_push(argv, true, ctx, out);
    case Id::kRpush: return cmd_push(argv, false, ctx, out);
    case Id::kLrange: return cmd_lrange(argv, ctx, out);
    case Id::kFlushall: return cmd_flush(argv, true, ctx, out);
    case Id::kFlushdb: return cmd_flush(argv, false, ctx, out);
    case Id::kSelect: return cmd_select(argv, ctx, out);
    default: return reply_error(out.reply, "ERR not a keyspace command");
  }
}

// --- Lookup and lazy expiry (db.c lookupKey, expireIfNeeded, keyIsExpired) ---

namespace {

// keyIsExpired: a TTL that is not negative and lies before now.
bool is_expired(const Entry& entry, int64_t now_ms) {
  return entry.has_expire() && entry.expire_ms >= 0 && now_ms > entry.expire_ms;
}

}  // namespace

bool Keyspace::expire_if_needed(Db& db, Node* node, bool force_delete, ExecContext& ctx,
                                KeyspaceResult& out) {
  if (!is_expired(node->second, ctx.now_ms)) return false;
  if (!ctx.is_master) {
    // Replicas wait for the master's DEL; the master's own commands see the key.
    if (ctx.from_master) return false;
    if (!force_delete) return true;
  }
  // Paused writes keep the dataset constant: the key reads as gone but stays
  // (expireIfNeeded's checkClientPauseTimeoutAndReturnIfPaused).
  if (ctx.writes_paused) return true;
  // deleteExpiredKeyAndPropagate: DEL goes out even though server.dirty does not move.
  const auto db_index = static_cast<int>(&db - dbs_.data());
  out.propagate.add(db_index, {"DEL", node->first});
  ++stats_.expired_keys;
  delete_node(db, node);
  return true;
}

Keyspace::Node* Keyspace::lookup_read(std::string_view key, ExecContext& ctx,
                                      KeyspaceResult& out, bool count_stats) {
  Db& db = dbs_[static_cast<size_t>(ctx.db)];
  auto it = db.dict.find(key);
  Node* node = it == db.dict.end() ? nullptr : &*it;
  if (node != nullptr && expire_if_needed(db, node, false, ctx, out)) node = nullptr;
  if (count_stats) ++(node != nullptr ? stats_.keyspace_hits : stats_.keyspace_misses);
  return node;
}

Keyspace::Node* Keyspace::lookup_write(std::string_view key, ExecContext& ctx,
                                       KeyspaceResult& out) {
  Db& db = dbs_[static_cast<size_t>(ctx.db)];
  auto it = db.dict.find(key);
  if (it == db.dict.end()) return nullptr;
  // A read-only replica never deletes; a writable one does, to keep writes consistent.
  const bool force_delete = ctx.is_master || !ctx.replica_read_only;
  return expire_if_needed(db, &*it, force_delete, ctx, out) ? nullptr : &*it;
}

// --- Adding and deleting keys ---

size_t Keyspace::value_bytes(const Value& value) {
  if (const auto* str = std::get_if<std::string>(&value)) return str->size() + 16;
  size_t n = 32;
  if (const auto* list = value_if<ListValue>(value)) {
    for (const std::string& e : *list) n += e.size() + kListElementBytes;
    return n;
  }
  const auto& set = *value_if<SetValue>(value);
  n += set.ints.size() * 8;
  for (const std::string& m : set.members) n += m.size() + kSetMemberBytes;
  return n;
}

Keyspace::Node* Keyspace::add_node(Db& db, std::string_view key, Value value) {
  auto [it, inserted] = db.dict.try_emplace(std::string(key));
  if (inserted) {
    db.bytes += key_bytes(key);
  } else {
    db.bytes -= value_bytes(it->second.value);
  }
  db.bytes += value_bytes(value);
  it->second.value = std::move(value);
  return &*it;
}

Keyspace::Node* Keyspace::set_string(Db& db, Node* node, std::string_view key,
                                     std::string_view value, bool keep_ttl) {
  if (node == nullptr) return add_node(db, key, std::string(value));
  db.bytes -= value_bytes(node->second.value);
  if (auto* str = std::get_if<std::string>(&node->second.value)) {
    str->assign(value);
  } else {
    node->second.value = std::string(value);
  }
  db.bytes += value_bytes(node->second.value);
  if (!keep_ttl) remove_expire(db, node);
  return node;
}

void Keyspace::delete_node(Db& db, Node* node) {
  remove_expire(db, node);
  db.bytes -= key_bytes(node->first) + value_bytes(node->second.value);
  db.dict.erase(db.dict.find(node->first));
}

void Keyspace::set_expire(Db& db, Node* node, int64_t when_ms) {
  Entry& entry = node->second;
  if (!entry.has_expire()) {
    entry.expire_slot = static_cast<uint32_t>(db.expires.size());
    db.expires.push_back(node);
    db.bytes += kExpireBytes;
  }
  entry.expire_ms = when_ms;
}

void Keyspace::remove_expire(Db& db, Node* node) {
  Entry& entry = node->second;
  if (!entry.has_expire()) return;
  Node* last = db.expires.back();
  db.expires[entry.expire_slot] = last;
  last->second.expire_slot = entry.expire_slot;
  db.expires.pop_back();
  entry.expire_slot = Entry::kNoSlot;
  db.bytes -= kExpireBytes;
}

int64_t Keyspace::clear_db(Db& db) {
  const auto removed = static_cast<int64_t>(db.dict.size());
  db.expires.clear();
  db.dict.clear();
  db.avg_ttl_ms = 0;
  db.bytes = 0;
  return removed;
}

int64_t Keyspace::flush_all() {
  int64_t removed = 0;
  for (Db& db : dbs_) removed += clear_db(db);
  return removed;
}

// --- Type-agnostic commands ---

void Keyspace::cmd_del(std::span<const std::string> argv, ExecContext& ctx,
                       KeyspaceResult& out) {
  // delGenericCommand: expireIfNeeded first, then delete whatever is still stored, so on a
  // replica a logically expired key still counts as deleted.
  Db& db = dbs_[static_cast<size_t>(ctx.db)];
  int64_t deleted = 0;
  for (size_t i = 1; i < argv.size(); ++i) {
    auto it = db.dict.find(argv[i]);
    if (it == db.dict.end()) continue;
    if (expire_if_needed(db, &*it, false, ctx, out)) {
      it = db.dict.find(argv[i]);
      if (it == db.dict.end()) continue;
    }
    delete_node(db, &*it);
    ++deleted;
  }
  out.dirty += deleted;
  reply_integer(out.reply, deleted);
  if (deleted > 0) out.propagate.add(ctx.db, argv);
}

void Keyspace::cmd_exists(std::span<const std::string> argv, ExecContext& ctx,
                          KeyspaceResult& out) {
  int64_t count = 0;
  for (size_t i = 1; i < argv.size(); ++i) {
    if (lookup_read(argv[i], ctx, out) != nullptr) ++count;
  }
  reply_integer(out.reply, count);
}

void Keyspace::cmd_keys(std::span<const std::string> argv, ExecContext& ctx,
                        KeyspaceResult& out) {
  // keysCommand: logically expired keys are skipped but not deleted, on any role.
  const Db& db = dbs_[static_cast<size_t>(ctx.db)];
  const std::string& pattern = argv[1];
  const bool all_keys = pattern == "*";
  std::vector<std::pair<uint64_t, const std::string*>> keys;
  for (const Node& node : db.dict) {
    if (!all_keys && !glob_match(pattern, node.first)) continue;
    if (is_expired(node.second, ctx.now_ms)) continue;
    keys.emplace_back(order_hash(node.first, order_seed_), &node.first);
  }
  // The dict's seeded order: by keyed hash, bytes breaking ties.
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, *a.second) < std::tie(b.first, *b.second);
  });
  reply_array(out.reply, keys.size());
  for (const auto& [hash, key] : keys) out.reply.elements.push_back(RespValue::bulk(*key));
}

void Keyspace::cmd_flush(std::span<const std::string> argv, bool all, ExecContext& ctx,
                         KeyspaceResult& out) {
  // getFlushCommandFlags: nothing, SYNC or ASYNC (the same to us).
  if (argv.size() > 2 ||
      (argv.size() == 2 && !equals_ignore_case(argv[1], "sync") &&
       !equals_ignore_case(argv[1], "async"))) {
    return reply_error(out.reply, kSyntaxError);
  }
  int64_t removed = 0;
  if (all) {
    removed = flush_all();
  } else {
    removed = clear_db(dbs_[static_cast<size_t>(ctx.db)]);
  }
  out.dirty += removed;
  // forceCommandPropagation: replicated even when there was nothing to flush.
  out.propagate.add(ctx.db, argv);
  reply_ok(out.reply);
}

void Keyspace::cmd_select(std::span<const std::string> argv, ExecContext& ctx,
                          KeyspaceResult& out) {
  // getIntFromObjectOrReply, then selectDb.
  const std::optional<int64_t> id = parse_ll(argv[1]);
  if (!id) return reply_error(out.reply, kNotIntegerError);
  if (*id < INT_MIN || *id > INT_MAX) {
    return reply_error(out.reply,
                       "ERR value is out of range, value must between -2147483648 and "
                       "2147483647");
  }
  if (*id < 0 || *id >= kDbCount) return reply_error(out.reply, "ERR DB index is out of range");
  ctx.db = static_cast<int>(*id);
  reply_ok(out.reply);
}

// --- Introspection ---

int64_t Keyspace::key_count(int db) const {
  return static_cast<int64_t>(dbs_[static_cast<size_t>(db)].dict.size());
}

int64_t Keyspace::expires_count(int db) const {
  return static_cast<int64_t>(dbs_[static_cast<size_t>(db)].expires.size());
}

int64_t Keyspace::avg_ttl_ms(int db) const { return dbs_[static_cast<size_t>(db)].avg_ttl_ms; }

void Keyspace::append_info_keyspace(std::string& out) const {
  for (int j = 0; j < kDbCount; ++j) {
    const int64_t keys = key_count(j);
    const int64_t expires = expires_count(j);
    if (keys == 0 && expires == 0) continue;
    out += "db" + std::to_string(j) + ":keys=" + std::to_string(keys) +
           ",expires=" + std::to_string(expires) + ",avg_ttl=" + std::to_string(avg_ttl_ms(j)) +
           "\r\n";
  }
}

const Entry* Keyspace::peek(int db, std::string_view key) const {
  const Dict& dict = dbs_[static_cast<size_t>(db)].dict;
  auto it = dict.find(key);
  return it == dict.end() ? nullptr : &it->second;
}

}  // namespace model
