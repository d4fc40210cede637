// One connection to a simulated redis-server, as server.h's `client` struct keeps it: who it is,
// what it is parsing, its MULTI queue and subscriptions, and, when the peer is a replica of this
// server, the replica's link state (server.h SLAVE_STATE_*) and its acknowledgements.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "model/command_table.h"
#include "model/resp.h"
#include "sim/network.h"
#include "sim/time.h"

namespace model {

// A replica's link as its master sees it (server.h SLAVE_STATE_*).
enum class ReplicaLinkState : uint8_t {
  kWaitBgsaveStart,  // waiting for the next RDB fork
  kWaitBgsaveEnd,    // its RDB is being produced; the stream accumulates for it
  kSendBulk,         // a disk RDB is being sent
  kOnline,           // streaming
};

namespace client_flags {
enum : uint32_t {
  kMaster = 1u << 0,            // CLIENT_MASTER: the link to this replica's master
  kReplica = 1u << 1,           // CLIENT_SLAVE: a replica of this server
  kMulti = 1u << 2,             // inside MULTI
  kDirtyExec = 1u << 3,         // a queued command was refused: EXEC aborts
  kCloseAfterReply = 1u << 4,   // QUIT, or a protocol error with a reply
  kPubsub = 1u << 5,            // subscribed to something
  kBlocked = 1u << 6,           // waiting in WAIT
  kPrePsync = 1u << 7,          // CLIENT_PRE_PSYNC: a replica that used SYNC
  kBlockedShutdown = 1u << 8,   // SHUTDOWN waiting for the replicas (BLOCKED_SHUTDOWN)
  kPostponed = 1u << 9,         // a write held while writes are paused (BLOCKED_POSTPONE)
  kAnyBlocked = kBlocked | kBlockedShutdown | kPostponed,  // CLIENT_BLOCKED
};
}  // namespace client_flags

// replstateToString: INFO's and the logs' name for a replica's state.
std::string_view replica_state_name(ReplicaLinkState state);

// What a replica asked the RDB to leave out (server.h SLAVE_REQ_*).
namespace slave_req {
enum : uint32_t { kExcludeData = 1u << 0, kExcludeFunctions = 1u << 1 };
}  // namespace slave_req

struct QueuedCommand {  // a command queued by MULTI
  const CommandSpec* spec;
  std::vector<std::string> argv;
};

struct Client {
  uint64_t id = 0;
  sim::SocketId socket;
  std::string addr;   // the peer, "ip:port"
  std::string laddr;  // our end, "ip:port"
  std::string name;   // CLIENT SETNAME
  int db = 0;
  bool authenticated = false;
  uint32_t flags = 0;
  sim::Time ctime;
  sim::Time last_interaction;  // for idle= in CLIENT LIST and repl-timeout
  int64_t last_interaction_unix_s = 0;  // c->lastinteraction (wall clock, as Redis keeps it)
  std::string last_command = "NULL";    // cmd= in CLIENT LIST

  RequestParser parser;
  // c->querybuf: the bytes of an incomplete command, moved out of the socket so that a command
  // larger than the socket buffers (a 1 MiB SET) can arrive whole. Empty between commands.
  std::string querybuf;
  std::vector<std::string> argv;
  std::vector<QueuedCommand> multi_queue;
  std::set<std::string> channels;
  std::set<std::string> patterns;
  int64_t woff = 0;  // the stream offset after this client's last command (WAIT's target)

  // WAIT numreplicas timeout
  int64_t wait_numreplicas = 0;
  int64_t wait_offset = 0;
  sim::TimerId wait_timer;

  // When the peer is a replica of ours.
  ReplicaLinkState repl_state = ReplicaLinkState::kWaitBgsaveStart;
  int64_t repl_ack_off = 0;
  int64_t repl_ack_time_unix_s = 0;     // repl_ack_time, wall-clock seconds
  int listening_port = 0;               // REPLCONF listening-port
  std::string announced_ip;             // REPLCONF ip-address
  bool capa_eof = false, capa_psync2 = false;
  uint32_t slave_req = 0;               // slave_req::* (REPLCONF rdb-filter-only)
  bool start_stream_on_ack = false;     // repl_start_cmd_stream_on_ack (socket RDB)
  std::string held_stream;              // stream bytes waiting until it is online
  int64_t psync_initial_offset = 0;

  // When this client is the link to our master (replica side).
  std::string master_replid;   // the replid of the history it streams
  int64_t reploff = 0;         // processed offset
  int64_t read_reploff = 0;    // offset read (parsed or not)
  std::string pending_bytes;   // bytes of the command being parsed, proxied when complete

  bool has(uint32_t f) const { return (flags & f) != 0; }
  std::string ip() const { return addr.substr(0, addr.rfind(':')); }
};

}  // namespace model
