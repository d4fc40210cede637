// String commands (t_string.c): GET, SET, SETEX, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT,
// MGET, with the propagated forms setGenericCommand and incrbyfloatCommand rewrite to.
#include <climits>
#include <cmath>

#include "model/keyspace.h"
#include "model/keyspace_util.h"

namespace model {
namespace {

// setGenericCommand's OBJ_* flags.
enum SetFlag : uint32_t {
  kSetNx = 1u << 0,
  kSetXx = 1u << 1,
  kSetEx = 1u << 2,
  kSetPx = 1u << 3,
  kSetKeepTtl = 1u << 4,
  kSetGet = 1u << 5,
  kSetExat = 1u << 6,
  kSetPxat = 1u << 7,
};
constexpr uint32_t kAnyExpire = kSetEx | kSetPx | kSetExat | kSetPxat;

struct SetArgs {
  uint32_t flags = 0;
  const std::string* expire = nullptr;  // the EX/PX/EXAT/PXAT argument
};

// parseExtendedStringArgumentsOrReply(COMMAND_SET). Options compare as C strings, so a NUL
// ends them. Returns false on a syntax error.
bool parse_set_args(std::span<const std::string> argv, SetArgs& args) {
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string_view opt = as_c_string(argv[j]);
    const bool has_next = j + 1 < argv.size();
    uint32_t& f = args.flags;
    uint32_t expire_flag = 0;
    if (equals_ignore_case(opt, "nx") && !(f & kSetXx)) {
      f |= kSetNx;
    } else if (equals_ignore_case(opt, "xx") && !(f & kSetNx)) {
      f |= kSetXx;
    } else if (equals_ignore_case(opt, "get")) {
      f |= kSetGet;
    } else if (equals_ignore_case(opt, "keepttl") && !(f & kAnyExpire)) {
      f |= kSetKeepTtl;
    } else if (equals_ignore_case(opt, "ex")) {
      expire_flag = kSetEx;
    } else if (equals_ignore_case(opt, "px")) {
      expire_flag = kSetPx;
    } else if (equals_ignore_case(opt, "exat")) {
      expire_flag = kSetExat;
    } else if (equals_ignore_case(opt, "pxat")) {
      expire_flag = kSetPxat;
    } else {
      return false;
    }
    if (expire_flag == 0) continue;
    // The same unit may repeat (the last wins); another unit, KEEPTTL or no value may not.
    if ((f & kSetKeepTtl) || (f & kAnyExpire & ~expire_flag) || !has_next) return false;
    f |= expire_flag;
    args.expire = &argv[++j];
  }
  return true;
}

std::string invalid_expire_error(std::string_view command) {
  return "ERR invalid expire time in '" + std::string(command) + "' command";
}

// getExpireMillisecondsOrReply: the absolute unix ms of the TTL argument, or an error reply.
std::optional<int64_t> expire_at_ms(std::string_view arg, uint32_t flags, int64_t now_ms,
                                    std::string_view command, RespValue& reply) {
  std::optional<int64_t> ms = parse_ll(arg);
  if (!ms) {
    reply_error(reply, kNotIntegerError);
    return std::nullopt;
  }
  const bool seconds = (flags & (kSetEx | kSetExat)) != 0;
  if (*ms <= 0 || (seconds && *ms > LLONG_MAX / 1000)) {
    reply_error(reply, invalid_expire_error(command));
    return std::nullopt;
  }
  if (seconds) *ms *= 1000;
  // Relative units add the clock; an overflow is an invalid time, as the wrap is in Redis.
  if ((flags & (kSetEx | kSetPx)) && __builtin_add_overflow(*ms, now_ms, &*ms)) *ms = -1;
  if (*ms <= 0) {
    reply_error(reply, invalid_expire_error(command));
    return std::nullopt;
  }
  return ms;
}

}  // namespace

void Keyspace::cmd_get(std::span<const std::string> argv, ExecContext& ctx,
                       KeyspaceResult& out) {
  const Node* node = lookup_read(argv[1], ctx, out);
  if (node == nullptr) return reply_null(out.reply);
  const auto* str = std::get_if<std::string>(&node->second.value);
  if (str == nullptr) return reply_error(out.reply, kWrongTypeError);
  reply_bulk(out.reply, *str);
}

void Keyspace::cmd_set(std::span<const std::string> argv, ExecContext& ctx,
                       KeyspaceResult& out) {
  SetArgs args;
  if (!parse_set_args(argv, args)) return reply_error(out.reply, kSyntaxError);
  const std::string& key = argv[1];
  const std::string& value = argv[2];
  int64_t when_ms = 0;
  if (args.expire != nullptr) {
    const std::optional<int64_t> at = expire_at_ms(*args.expire, args.flags, ctx.now_ms, "set",
                                                   out.reply);
    if (!at) return;
    when_ms = *at;
  }
  if (args.flags & kSetGet) {
    // getGenericCommand: the old value is the reply, whatever happens next.
    const Node* old = lookup_read(key, ctx, out);
    if (old == nullptr) {
      reply_null(out.reply);
    } else if (const auto* str = std::get_if<std::string>(&old->second.value)) {
      reply_bulk(out.reply, *str);
    } else {
      return reply_error(out.reply, kWrongTypeError);
    }
  }
  Node* node = lookup_write(key, ctx, out);
  const bool found = node != nullptr;
  if (((args.flags & kSetNx) && found) || ((args.flags & kSetXx) && !found)) {
    if (!(args.flags & kSetGet)) reply_null(out.reply);
    return;
  }
  Db& db = dbs_[static_cast<size_t>(ctx.db)];
  node = set_string(db, node, key, value, (args.flags & kSetKeepTtl) != 0);
  ++out.dirty;
  if (!(args.flags & kSetGet)) reply_ok(out.reply);
  if (args.expire != nullptr) {
    set_expire(db, node, when_ms);
    out.propagate.add(ctx.db, {"SET", key, value, "PXAT", format_ll(when_ms)});
  } else if (args.flags & kSetGet) {
    // Propagated without its GET arguments.
    size_t kept = 0;
    for (size_t j = 0; j < argv.size(); ++j) {
      if (j < 3 || !equals_ignore_case(as_c_string(argv[j]), "get")) ++kept;
    }
    std::vector<std::string>& slot = out.propagate.add_slot(ctx.db, kept);
    size_t k = 0;
    for (size_t j = 0; j < argv.size(); ++j) {
      if (j < 3 || !equals_ignore_case(as_c_string(argv[j]), "get")) slot[k++] = argv[j];
    }
  } else {
    out.propagate.add(ctx.db, argv);
  }
}

void Keyspace::cmd_setex(std::span<const std::string> argv, ExecContext& ctx,
                         KeyspaceResult& out) {
  // setexCommand = setGenericCommand(OBJ_EX): propagated as SET key value PXAT <ms>.
  const std::optional<int64_t> at = expire_at_ms(argv[2], kSetEx, ctx.now_ms, "setex",
                                                 out.reply);
  if (!at) return;
  Db& db = dbs_[static_cast<size_t>(ctx.db)];
  Node* node = set_string(db, lookup_write(argv[1], ctx, out), argv[1], argv[3], false);
  set_expire(db, node, *at);
  ++out.dirty;
  reply_ok(out.reply);
  out.propagate.add(ctx.db, {"SET", argv[1], argv[3], "PXAT", format_ll(*at)});
}

void Keyspace::cmd_incr_by(std::span<const std::string> argv, int64_t incr, ExecContext& ctx,
                           KeyspaceResult& out) {
  // incrDecrCommand
  Node* node = lookup_write(argv[1], ctx, out);
  std::string* str = nullptr;
  if (node != nullptr) {
    str = std::get_if<std::string>(&node->second.value);
    if (str == nullptr) return reply_error(out.reply, kWrongTypeError);
  }
  const std::optional<int64_t> old = str != nullptr ? parse_ll(*str) : std::optional<int64_t>(0);
  if (!old) return reply_error(out.reply, kNotIntegerError);
  if ((incr < 0 && *old < 0 && incr < LLONG_MIN - *old) ||
      (incr > 0 && *old > 0 && incr > LLONG_MAX - *old)) {
    return reply_error(out.reply, "ERR increment or decrement would overflow");
  }
  const int64_t value = *old + incr;
  // dbOverwrite keeps the TTL.
  set_string(dbs_[static_cast<size_t>(ctx.db)], node, argv[1], format_ll(value), true);
  ++out.dirty;
  reply_integer(out.reply, value);
  out.propagate.add(ctx.db, argv);
}

void Keyspace::cmd_incrby(std::span<const std::string> argv, bool negate, ExecContext& ctx,
                          KeyspaceResult& out) {
  const std::optional<int64_t> incr = parse_ll(argv[2]);
  if (!incr) return reply_error(out.reply, kNotIntegerError);
  if (negate && *incr == LLONG_MIN) {
    return reply_error(out.reply, "ERR decrement would overflow");
  }
  cmd_incr_by(argv, negate ? -*incr : *incr, ctx, out);
}

void Keyspace::cmd_incrbyfloat(std::span<const std::string> argv, ExecContext& ctx,
                               KeyspaceResult& out) {
  Node* node = lookup_write(argv[1], ctx, out);
  std::string* str = nullptr;
  if (node != nullptr) {
    str = std::get_if<std::string>(&node->second.value);
    if (str == nullptr) return reply_error(out.reply, kWrongTypeError);
  }
  const std::optional<long double> old =
      str != nullptr ? parse_ld(*str) : std::optional<long double>(0.0L);
  const std::optional<long double> incr = parse_ld(argv[2]);
  if (!old || !incr) return reply_error(out.reply, kNotFloatError);
  const long double value = *old + *incr;
  if (std::isnan(value) || std::isinf(value)) {
    return reply_error(out.reply, "ERR increment would produce NaN or Infinity");
  }
  std::string text = format_ld_human(value);
  reply_bulk(out.reply, text);
  // Always replicated as SET with the final value, so float formatting cannot diverge.
  out.propagate.add(ctx.db, {"SET", argv[1], text, "KEEPTTL"});
  set_string(dbs_[static_cast<size_t>(ctx.db)], node, argv[1], text, true);
  ++out.dirty;
}

void Keyspace::cmd_mget(std::span<const std::string> argv, ExecContext& ctx,
                        KeyspaceResult& out) {
  std::vector<RespValue> items;
  items.reserve(argv.size() - 1);
  for (size_t j = 1; j < argv.size(); ++j) {
    const Node* node = lookup_read(argv[j], ctx, out);
    const auto* str = node != nullptr ? std::get_if<std::string>(&node->second.value) : nullptr;
    items.push_back(str != nullptr ? RespValue::bulk(*str) : RespValue::null_bulk());
  }
  out.reply = RespValue::array(std::move(items));
}

}  // namespace model
