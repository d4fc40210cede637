// Expiry (expire.c): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, and the active expire
// cycle a master runs from serverCron.
#include <algorithm>
#include <climits>

#include "model/keyspace.h"
#include "model/keyspace_util.h"
#include "sim/rng.h"

namespace model {
namespace {

enum ExpireFlag : uint32_t { kNx = 1u << 0, kXx = 1u << 1, kGt = 1u << 2, kLt = 1u << 3 };

// parseExtendedExpireArgumentsOrReply. Returns false with the error in `reply`.
bool parse_expire_flags(std::span<const std::string> argv, uint32_t& flags, RespValue& reply) {
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string_view opt = as_c_string(argv[j]);
    if (equals_ignore_case(opt, "nx")) {
      flags |= kNx;
    } else if (equals_ignore_case(opt, "xx")) {
      flags |= kXx;
    } else if (equals_ignore_case(opt, "gt")) {
      flags |= kGt;
    } else if (equals_ignore_case(opt, "lt")) {
      flags |= kLt;
    } else {
      reply_error(reply, sanitize_error("ERR Unsupported option " + std::string(opt)));
      return false;
    }
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt))) {
    reply_error(reply, "ERR NX and XX, GT or LT options at the same time are not compatible");
    return false;
  }
  if ((flags & kGt) && (flags & kLt)) {
    reply_error(reply, "ERR GT and LT options at the same time are not compatible");
    return false;
  }
  return true;
}

// expireGenericCommand's NX / XX / GT / LT gate: true if the new TTL may be set.
bool expire_allowed(uint32_t flags, int64_t current_ms, int64_t when_ms) {
  if ((flags & kNx) && current_ms != -1) return false;
  if ((flags & kXx) && current_ms == -1) return false;
  // No TTL counts as infinite: GT never beats it, LT always does.
  if ((flags & kGt) && (when_ms <= current_ms || current_ms == -1)) return false;
  if ((flags & kLt) && current_ms != -1 && when_ms >= current_ms) return false;
  return true;
}

// activeExpireCycle's knobs at active-expire-effort 1.
constexpr size_t kKeysPerLoop = 20;        // ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
constexpr int64_t kAcceptableStale = 10;   // ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE, percent
// The 25 ms slow-cycle time limit, as work units: a sampled key costs 1, an expired one 10
// (deleting and propagating is the slow part), about 0.1 us each.
constexpr int64_t kCycleBudget = 250'000;
constexpr int64_t kExpiredCost = 10;

int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

}  // namespace

void Keyspace::cmd_expire(std::span<const std::string> argv, CommandId id, ExecContext& ctx,
                          KeyspaceResult& out) {
  const bool seconds = id == CommandId::kExpire || id == CommandId::kExpireat;
  const bool relative = id == CommandId::kExpire || id == CommandId::kPexpire;
  auto invalid_time = [id, &out] {  // addReplyErrorExpireTime
    reply_error(out.reply, "ERR invalid expire time in '" +
                               std::string(command_spec(id).fullname) + "' command");
  };
  uint32_t flags = 0;
  if (!parse_expire_flags(argv, flags, out.reply)) return;
  std::optional<int64_t> when = parse_ll(argv[2]);
  if (!when) return reply_error(out.reply, kNotIntegerError);
  if (seconds) {
    if (*when > LLONG_MAX / 1000 || *when < LLONG_MIN / 1000) return invalid_time();
    *when *= 1000;
  }
  const int64_t basetime = relative ? ctx.now_ms : 0;
  if (*when > LLONG_MAX - basetime) return invalid_time();
  *when += basetime;

  Node* node = lookup_write(argv[1], ctx, out);
  if (node == nullptr) return reply_integer(out.reply, 0);
  if (flags != 0 && !expire_allowed(flags, node->second.get_expire(), *when)) {
    return reply_integer(out.reply, 0);
  }
  Db& db = dbs_[static_cast<size_t>(ctx.db)];
  ++out.dirty;
  reply_integer(out.reply, 1);
  // checkAlreadyExpired: a master deletes at once (replicated as DEL); a replica stores the
  // past TTL and waits for its master's DEL.
  if (*when <= ctx.now_ms && ctx.is_master) {
    out.propagate.add(ctx.db, {"DEL", argv[1]});
    delete_node(db, node);
    return;
  }
  set_expire(db, node, *when);
  // Replicated as PEXPIREAT <absolute ms>, the options kept as typed.
  std::vector<std::string>& slot = out.propagate.add_slot(ctx.db, argv.size());
  for (size_t j = 0; j < argv.size(); ++j) slot[j] = argv[j];
  if (id != CommandId::kPexpireat) {
    slot[0] = "PEXPIREAT";
    slot[2] = format_ll(*when);
  }
}

void Keyspace::cmd_ttl(std::span<const std::string> argv, bool millis, ExecContext& ctx,
                       KeyspaceResult& out) {
  // ttlGenericCommand
  const Node* node = lookup_read(argv[1], ctx, out);
  if (node == nullptr) return reply_integer(out.reply, -2);
  const int64_t expire = node->second.get_expire();
  if (expire == -1) return reply_integer(out.reply, -1);
  const int64_t ttl = std::max<int64_t>(expire - ctx.now_ms, 0);
  reply_integer(out.reply, millis ? ttl : (ttl + 500) / 1000);
}

size_t Keyspace::active_expire(int64_t now_ms, sim::Rng& rng, PropagateList& out) {
  int64_t budget = kCycleBudget;
  size_t expired = 0;
  // Every db once (CRON_DBS_PER_CALL is 16), starting where the last call stopped.
  for (int j = 0; j < kDbCount && budget > 0; ++j) {
    const int db = active_expire_next_db_;
    active_expire_next_db_ = (active_expire_next_db_ + 1) % kDbCount;
    expired += active_expire_db(db, now_ms, rng, budget, out);
  }
  return expired;
}

size_t Keyspace::active_expire_db(int db_index, int64_t now_ms, sim::Rng& rng,
                                  int64_t& budget, PropagateList& out) {
  Db& db = dbs_[static_cast<size_t>(db_index)];
  size_t total_expired = 0;
  size_t sampled = 0;
  size_t expired = 0;
  do {
    if (db.expires.empty()) {
      db.avg_ttl_ms = 0;
      break;
    }
    const size_t num = std::min(db.expires.size(), kKeysPerLoop);
    sampled = 0;
    expired = 0;
    int64_t ttl_sum = 0;
    int64_t ttl_samples = 0;
    // Redis scans the expires table from a cursor; we draw random keys from it instead.
    for (size_t i = 0; i < num && !db.expires.empty(); ++i) {
      Node* node = db.expires[rng.uniform(0, db.expires.size() - 1)];
      const int64_t ttl = wrapping_add(node->second.expire_ms, -now_ms);
      if (now_ms > node->second.expire_ms) {  // activeExpireCycleTryExpire
        out.add(db_index, {"DEL", node->first});
        ++stats_.expired_keys;
        delete_node(db, node);
        ++expired;
      }
      if (ttl > 0) {
        ttl_sum = wrapping_add(ttl_sum, ttl);
        ++ttl_samples;
      }
      ++sampled;
    }
    total_expired += expired;
    if (ttl_samples > 0) {
      // A running average: 2% the new sample, 98% the old estimate.
      const int64_t avg_ttl = ttl_sum / ttl_samples;
      if (db.avg_ttl_ms == 0) db.avg_ttl_ms = avg_ttl;
      db.avg_ttl_ms = (db.avg_ttl_ms / 50) * 49 + (avg_ttl / 50);
    }
    budget -= static_cast<int64_t>(sampled) + static_cast<int64_t>(expired) * (kExpiredCost - 1);
    if (budget <= 0) break;
  } while (sampled == 0 || static_cast<int64_t>(expired * 100 / sampled) > kAcceptableStale);
  return total_expired;
}

}  // namespace model
