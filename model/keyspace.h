// The data layer of a simulated redis-server: 16 databases of string, list and set keys with
// expiry in unix milliseconds, and the data commands Redis 7.0.15 runs against them.
//
// Invariants:
// - execute() replies, counts dirty changes and lists what to propagate exactly as 7.0.15's
//   command implementations and call() do: a command is propagated only if it changed the
//   dataset (or always, for FLUSHALL / FLUSHDB), in its rewritten form where Redis rewrites it
//   (SET/SETEX with a TTL -> SET k v PXAT <ms>; EXPIRE family -> PEXPIREAT; INCRBYFLOAT ->
//   SET k <value> KEEPTTL; SET ... GET -> without GET; expiring in the past -> DEL).
// - Lazy expiry (db.c expireIfNeeded): a master deletes a key it finds logically expired and
//   lists `DEL key` BEFORE the command's own propagation. A replica never deletes on reads; it
//   reports such keys as missing, except to commands from its master, which see them; a
//   writable replica deletes them on writes (lookupKey's EXPIRE_FORCE_DELETE_EXPIRED).
// - Nothing here iterates an unordered container in a way that shows: KEYS and SMEMBERS of
//   hashtable sets order by a hash keyed with `order_seed` (Redis's per-process dict seed);
//   intsets are ascending; lists keep their order; serialize() sorts keys by bytes.
// - Every key with a TTL sits in its db's `expires` vector exactly once, at `expire_slot`.
//
// The server wraps a command's propagation in MULTI ... EXEC when it lists more than one
// entry (server.c propagatePendingCommands), except for active expiry's DELs; a replica feeds
// none of it to its own replicas (replicationFeedSlaves returns early there).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "model/command_table.h"
#include "model/resp.h"

namespace sim {
class Rng;
}

namespace model {

// A set: an intset (sorted integers) while every member is a strict integer and there are at
// most 512 of them (set-max-intset-entries), else a hashtable for good (t_set.c setTypeAdd).
struct SetValue {
  bool is_intset = true;
  std::vector<int64_t> ints;                // ascending, when is_intset
  std::unordered_set<std::string> members;  // when !is_intset

  size_t size() const { return is_intset ? ints.size() : members.size(); }
  bool operator==(const SetValue&) const = default;
};

using ListValue = std::deque<std::string>;

// A list or set lives behind a pointer, so that a key holding a string (nearly every key a
// workload writes) costs a dict node of 104 bytes rather than 160: smaller than the allocator's
// fast bins' limit, and its hash code on the node's first two cache lines. Values are moved,
// never copied.
template <typename T>
class Boxed {
 public:
  Boxed(T value) : ptr_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit, as T
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(Boxed&&) noexcept = default;

  T& operator*() { return *ptr_; }
  const T& operator*() const { return *ptr_; }
  bool operator==(const Boxed& other) const { return *ptr_ == *other.ptr_; }

 private:
  std::unique_ptr<T> ptr_;  // never null, except in a moved-from Boxed
};

// The alternatives' order is the value's type (value.index(): 0 string, 1 list, 2 set).
using Value = std::variant<std::string, Boxed<ListValue>, Boxed<SetValue>>;

// The list or set `value` holds, or nullptr when it holds another type.
template <typename T>
T* value_if(Value& value) {
  auto* boxed = std::get_if<Boxed<T>>(&value);
  return boxed != nullptr ? &**boxed : nullptr;
}
template <typename T>
const T* value_if(const Value& value) {
  const auto* boxed = std::get_if<Boxed<T>>(&value);
  return boxed != nullptr ? &**boxed : nullptr;
}

struct Entry {
  static constexpr uint32_t kNoSlot = UINT32_MAX;

  Value value;
  int64_t expire_ms = 0;           // with a TTL: unix ms after which the key is expired
  uint32_t expire_slot = kNoSlot;  // index in the db's expires vector; kNoSlot: no TTL

  bool has_expire() const { return expire_slot != kNoSlot; }
  // getExpire: the TTL's unix ms, or -1 without one.
  int64_t get_expire() const { return has_expire() ? expire_ms : -1; }
};
static_assert(sizeof(Entry) <= 56, "a dict node should stay within 104 bytes (see Boxed)");

// One command for the replication stream and AOF, with the db it must run in.
struct Propagation {
  int db = 0;
  std::vector<std::string> argv;
};

// An ordered list of propagations that keeps its storage across clear(): a server reusing
// one KeyspaceResult allocates nothing per command once warm.
class PropagateList {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Propagation& operator[](size_t i) const { return items_[i]; }
  const Propagation* begin() const { return items_.data(); }
  const Propagation* end() const { return items_.data() + size_; }
  void clear() { size_ = 0; }
  void swap(PropagateList& other) noexcept {
    items_.swap(other.items_);
    std::swap(size_, other.size_);
  }

  void add(int db, std::initializer_list<std::string_view> argv);
  void add(int db, std::span<const std::string> argv);
  // Appends an entry of `argc` arguments for the caller to fill.
  std::vector<std::string>& add_slot(int db, size_t argc);

 private:
  std::vector<Propagation> items_;
  size_t size_ = 0;
};

// Who runs the command, and when.
struct ExecContext {
  int db = 0;                     // the client's selected db; SELECT changes it
  int64_t now_ms = 0;             // the node's wall clock, unix ms (Redis expires by it)
  bool is_master = true;          // !server.masterhost
  bool replica_read_only = true;  // replica-read-only (matters on replicas only)
  bool from_master = false;       // the command came on the link from this replica's master
  bool writes_paused = false;     // clients paused for writes: expired keys are not deleted
};

struct KeyspaceResult {
  RespValue reply;
  int64_t dirty = 0;        // server.dirty increase (rdb_changes_since_last_save)
  PropagateList propagate;  // in order: expired keys' DELs, then the command as rewritten
};

struct KeyspaceStats {
  int64_t expired_keys = 0;     // INFO stats expired_keys
  int64_t keyspace_hits = 0;    // INFO stats keyspace_hits
  int64_t keyspace_misses = 0;  // INFO stats keyspace_misses
};

// What a load does with keys whose TTL has passed (rdb.c rdbLoadRio: a master skips them).
struct LoadOptions {
  bool skip_expired = false;
  int64_t now_ms = 0;
};

class Keyspace {
 public:
  static constexpr int kDbCount = 16;
  static constexpr size_t kSetMaxIntsetEntries = 512;

  explicit Keyspace(uint64_t order_seed = 0) : order_seed_(order_seed) {}
  Keyspace(Keyspace&&) = default;
  Keyspace& operator=(Keyspace&&) = default;
  Keyspace(const Keyspace&) = delete;  // `expires` points into the dicts; see serialize()
  Keyspace& operator=(const Keyspace&) = delete;

  // True for the commands execute() implements.
  static bool handles(CommandId id);

  // Runs a data command. REQUIRES: handles(id), argv passed check_command (argv[0] is the
  // name), 0 <= ctx.db < kDbCount. `out` is overwritten; reusing it avoids allocations.
  void execute(CommandId id, std::span<const std::string> argv, ExecContext& ctx,
               KeyspaceResult& out);
  KeyspaceResult execute(CommandId id, std::span<const std::string> argv, ExecContext& ctx);

  // One slow activeExpireCycle (expire.c), as serverCron runs it on a master: every db in
  // turn, 20 random keys with a TTL per loop, again while more than 10% of a sample had
  // expired, until a work budget standing in for the 25 ms time limit runs out
  // (the next call then resumes at the next db). Appends the DELs to `out` (no MULTI) and
  // updates each db's avg_ttl. Returns the number of keys expired.
  size_t active_expire(int64_t now_ms, sim::Rng& rng, PropagateList& out);

  // FLUSHALL without a client: every db emptied, avg_ttl reset (emptyData). Returns the keys
  // removed.
  int64_t flush_all();

  int64_t key_count(int db) const;      // dictSize(db->dict): logically expired keys count
  int64_t expires_count(int db) const;  // dictSize(db->expires)
  int64_t avg_ttl_ms(int db) const;     // activeExpireCycle's running estimate
  // The db lines of INFO keyspace: "db0:keys=1,expires=0,avg_ttl=0\r\n" per non-empty db.
  void append_info_keyspace(std::string& out) const;
  // A rough, monotone size of the data in bytes (keys, values, per-key overheads).
  size_t dataset_bytes() const;
  const KeyspaceStats& stats() const { return stats_; }
  uint64_t order_seed() const { return order_seed_; }

  // The entry of `key` as stored, expired or not, with no side effect; nullptr if absent.
  const Entry* peek(int db, std::string_view key) const;
  // An order-independent digest of every db's keys, values and TTLs (like DEBUG DIGEST).
  uint64_t digest() const;
  // Same keys, values and TTLs in every db (encodings, seeds and stats aside).
  bool same_data(const Keyspace& other) const;

  // The whole dataset in our own format (the RDB payload a replica downloads, or the node's
  // dump file): keys sorted by bytes, TTLs exact.
  std::string serialize() const;
  // The keyspace `bytes` (from serialize()) describe, with this process's `order_seed`;
  // nullopt if they are truncated or malformed. Sets are re-encoded as rdb.c's loader does.
  static std::optional<Keyspace> deserialize(std::string_view bytes, uint64_t order_seed,
                                             LoadOptions options = {});

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Dict = std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>;
  using Node = Dict::value_type;

  struct Db {
    Dict dict;
    std::vector<Node*> expires;  // keys with a TTL, in no meaningful order
    int64_t avg_ttl_ms = 0;
    // This db's share of dataset_bytes(), kept by every change to `dict`, so INFO (asked
    // every second by each Sentinel during a failover) need not walk the keys.
    size_t bytes = 0;
  };

  // The command implementations (keyspace_*.cpp). Each replies into out.reply.
  void cmd_get(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_set(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_setex(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_incr_by(std::span<const std::string> argv, int64_t incr, ExecContext& ctx,
                   KeyspaceResult& out);
  void cmd_incrby(std::span<const std::string> argv, bool negate, ExecContext& ctx,
                  KeyspaceResult& out);
  void cmd_incrbyfloat(std::span<const std::string> argv, ExecContext& ctx,
                       KeyspaceResult& out);
  void cmd_mget(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_del(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_exists(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_expire(std::span<const std::string> argv, CommandId id, ExecContext& ctx,
                  KeyspaceResult& out);
  void cmd_ttl(std::span<const std::string> argv, bool millis, ExecContext& ctx,
               KeyspaceResult& out);
  void cmd_keys(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_flush(std::span<const std::string> argv, bool all, ExecContext& ctx,
                 KeyspaceResult& out);
  void cmd_select(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_sadd(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_smembers(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_scard(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);
  void cmd_push(std::span<const std::string> argv, bool head, ExecContext& ctx,
                KeyspaceResult& out);
  void cmd_lrange(std::span<const std::string> argv, ExecContext& ctx, KeyspaceResult& out);

  // db.c: lookupKeyRead / lookupKeyWrite (with expireIfNeeded). nullptr when missing.
  Node* lookup_read(std::string_view key, ExecContext& ctx, KeyspaceResult& out,
                    bool count_stats = true);
  Node* lookup_write(std::string_view key, ExecContext& ctx, KeyspaceResult& out);
  // expireIfNeeded: true if the key counts as expired (deleted when Redis would delete it).
  bool expire_if_needed(Db& db, Node* node, bool force_delete, ExecContext& ctx,
                        KeyspaceResult& out);
  // setKey: stores a string in `node` (the key's node, or nullptr to add one), dropping any
  // TTL unless keep_ttl. Returns the node.
  Node* set_string(Db& db, Node* node, std::string_view key, std::string_view value,
                   bool keep_ttl);
  Node* add_node(Db& db, std::string_view key, Value value);
  void delete_node(Db& db, Node* node);
  // Empties a db (FLUSHDB, and each db of FLUSHALL). Returns the keys removed.
  static int64_t clear_db(Db& db);

  // The rough size model behind dataset_bytes(), after Redis's dictEntry / robj / sds /
  // quicklist / intset overheads.
  static constexpr size_t kExpireBytes = 24;       // a key's TTL
  static constexpr size_t kListElementBytes = 11;  // per list element, plus its length
  static constexpr size_t kSetMemberBytes = 32;    // per hashtable set member, plus its length
  static size_t key_bytes(std::string_view key) { return 48 + key.size(); }
  static size_t value_bytes(const Value& value);
  static void set_expire(Db& db, Node* node, int64_t when_ms);
  static void remove_expire(Db& db, Node* node);
  // One db's part of active_expire; `budget` is the keys it may still sample.
  size_t active_expire_db(int db_index, int64_t now_ms, sim::Rng& rng, int64_t& budget,
                          PropagateList& out);

  uint64_t order_seed_ = 0;
  std::array<Db, kDbCount> dbs_;
  KeyspaceStats stats_;
  int active_expire_next_db_ = 0;  // activeExpireCycle's current_db
};

}  // namespace model
