// What a Sentinel knows about each monitored master, its replicas and the other Sentinels
// (sentinel.c `sentinelRedisInstance`), and the link it keeps to each (`instanceLink`).
//
// Invariants:
// - Times are the Sentinel's wall clock in milliseconds (mstime()), as in Redis: a clock jump
//   moves them all, which is what TILT watches for.
// - A master owns its replica and Sentinel records; they point back at it (`master`).
// - Links of replicas and masters are never shared (refcount 1). A Sentinel's record under
//   several masters shares one link to that Sentinel (sentinelTryConnectionSharing).
// - InstanceDict iterates in this process's hash order of the names, the stand-in for dict's
//   seeded hash order, so two Sentinels visit the same records in different orders.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/resp.h"
#include "sim/address.h"
#include "sim/network.h"

namespace model {

// SRI_* flags (sentinel.c).
namespace sri {
enum : uint32_t {
  kMaster = 1u << 0,
  kSlave = 1u << 1,
  kSentinel = 1u << 2,
  kSDown = 1u << 3,               // subjectively down
  kODown = 1u << 4,               // objectively down (masters only)
  kMasterDown = 1u << 5,          // on a Sentinel record: that peer says the master is down
  kFailoverInProgress = 1u << 6,  // on a master
  kPromoted = 1u << 7,            // on the replica chosen for promotion
  kReconfSent = 1u << 8,          // SLAVEOF <new master> sent to this replica
  kReconfInprog = 1u << 9,        // it is syncing with the new master
  kReconfDone = 1u << 10,         // it is in sync with the new master
  kForceFailover = 1u << 11,      // SENTINEL FAILOVER: no election needed
  kScriptKillSent = 1u << 12,     // SCRIPT KILL sent to a BUSY instance
  kMasterReboot = 1u << 13,       // master-reboot-down-after-period is running
};
}  // namespace sri

// SENTINEL_FAILOVER_STATE_* in order: the state machine only moves forward, or back to kNone
// on an abort (allowed up to kWaitPromotion).
enum class FailoverState : uint8_t {
  kNone,
  kWaitStart,         // waiting to be elected leader
  kSelectSlave,       // choosing the replica to promote
  kSendSlaveofNoone,  // sending it SLAVEOF NO ONE
  kWaitPromotion,     // waiting for its INFO to say role:master
  kReconfSlaves,      // pointing the other replicas at it, parallel-syncs at a time
  kUpdateConfig,      // done: switch the master's address at the end of this tick
};
std::string_view failover_state_name(FailoverState state);  // "wait_start", ...

// Which callback a pending command's reply goes to (the hiredis callbacks of sentinel.c).
enum class ReplyHandler : uint8_t {
  kDiscard,       // sentinelDiscardReplyCallback
  kPing,          // sentinelPingReplyCallback
  kInfo,          // sentinelInfoReplyCallback
  kPublish,       // sentinelPublishReplyCallback
  kIsMasterDown,  // sentinelReceiveIsMasterDownReply
  kHello,         // sentinelReceiveHelloMessages: SUBSCRIBE's reply and every message after
};

struct SentinelInstance;

struct PendingReply {
  ReplyHandler handler;
  SentinelInstance* instance;  // nullptr once the record is gone: the reply is discarded
};

// One hiredis async connection of a link.
struct LinkConnection {
  sim::SocketId socket;
  ReplyParser parser;
  std::deque<PendingReply> replies;  // commands sent, oldest first
};

// A link: the command connection (cc) and, for masters and replicas, the pub/sub connection
// (pc) subscribed to __sentinel__:hello.
struct InstanceLink {
  int refcount = 1;
  bool disconnected = true;  // cc missing, or pc missing for a master or replica
  std::unique_ptr<LinkConnection> cc, pc;
  SentinelInstance* pc_owner = nullptr;  // the record whose hello subscription pc carries
  int64_t pending_commands = 0;
  int64_t cc_conn_time = 0;
  int64_t pc_conn_time = 0;
  int64_t pc_last_activity = 0;
  int64_t last_avail_time = 0;  // last acceptable PING reply
  int64_t act_ping_time = 0;    // oldest unanswered PING; 0 when answered
  int64_t last_ping_time = 0;
  int64_t last_pong_time = 0;  // any PING reply
  int64_t last_reconn_time = 0;

  explicit InstanceLink(int64_t now)
      : last_avail_time(now), act_ping_time(now), last_pong_time(now) {}
};

// Records iterated in hash order of their names (see the invariants).
class InstanceDict {
 public:
  explicit InstanceDict(uint64_t seed = 0) : seed_(seed) {}

  SentinelInstance* find(std::string_view name) const;
  SentinelInstance& insert(std::unique_ptr<SentinelInstance> instance);
  // Removes and returns the record (the caller releases its link).
  std::unique_ptr<SentinelInstance> take(const SentinelInstance& instance);
  std::vector<std::unique_ptr<SentinelInstance>> take_all();
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // Iterates the records in order; the dict must not change meanwhile.
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  uint64_t seed_;
  std::vector<std::unique_ptr<SentinelInstance>> entries_;
  std::vector<uint64_t> order_;  // order_[i] ranks entries_[i]
  // Records by name, for find(): a Sentinel watching a thousand masters looks one up per hello.
  // Never iterated, so its order cannot leak into behaviour; keys view the records' names.
  std::unordered_map<std::string_view, SentinelInstance*> by_name_;
};

struct SentinelInstance {
  uint32_t flags = 0;
  std::string name;  // master: its name; replica: "ip:port"; Sentinel: its run id
  sim::Address addr;
  std::optional<std::string> runid;
  std::shared_ptr<InstanceLink> link;
  SentinelInstance* master = nullptr;  // replicas and Sentinels

  // Timers shared by every kind of record.
  int64_t last_pub_time = 0;
  int64_t last_hello_time = 0;
  int64_t last_master_down_reply_time = 0;
  int64_t s_down_since_time = 0;
  int64_t o_down_since_time = 0;
  int64_t down_after_period = 30000;
  int64_t info_refresh = 0;  // when the last INFO reply came; 0: never
  std::optional<std::string> info;
  uint32_t role_reported = 0;  // sri::kMaster or sri::kSlave
  int64_t role_reported_time = 0;
  int64_t slave_conf_change_time = 0;

  // Masters.
  InstanceDict sentinels;
  InstanceDict slaves;
  unsigned quorum = 0;
  int parallel_syncs = 1;
  std::optional<std::string> auth_pass, auth_user;
  std::optional<std::string> notification_script, client_reconfig_script;
  std::map<std::string, std::string> renamed_commands;  // lower-case command -> new name
  uint64_t config_epoch = 0;
  int64_t master_reboot_down_after_period = 0;
  int64_t master_reboot_since_time = 0;

  // Replicas.
  int64_t master_link_down_time = 0;
  int slave_priority = 100;
  std::optional<std::string> slave_master_host;
  int slave_master_port = 0;
  bool slave_master_link_up = false;
  int64_t slave_repl_offset = 0;
  int replica_announced = 1;
  int64_t slave_reconf_sent_time = 0;

  // Leader election and failover: on a master, this Sentinel's vote and its failover; on a
  // Sentinel record, the vote that peer reported.
  std::optional<std::string> leader;
  uint64_t leader_epoch = 0;
  uint64_t failover_epoch = 0;
  FailoverState failover_state = FailoverState::kNone;
  int64_t failover_state_change_time = 0;
  int64_t failover_start_time = 0;
  int64_t failover_timeout = 180000;
  int64_t failover_delay_logged = 0;
  SentinelInstance* promoted_slave = nullptr;

  bool is(uint32_t flag) const { return (flags & flag) != 0; }
  // The record's kind word in events: "master", "slave" or "sentinel".
  std::string_view type_name() const;
};

}  // namespace model
