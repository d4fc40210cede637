// A simulated redis-server 7.0: its clients and command processing, its dataset, and both sides
// of replication, behind the kernel's Process interface.
//
// The server reads its config from the node's disk ("redis.conf", as `redis-server redis.conf`
// would), keeps its RDB snapshot there ("dump.rdb"), and speaks RESP over the simulated network.
// Everything it does at a moment is one event: a command costs no virtual time; only network
// transfers, RDB loading and DEBUG SLEEP take time. Log lines go to the trace (kind "server")
// with Redis's text and level.
//
// The code is split by job: server.cpp (lifecycle, clients, crons), server_dispatch.cpp
// (processCommand), server_commands.cpp (connection and server commands), server_shutdown.cpp
// (SHUTDOWN, SIGTERM), server_info.cpp (INFO, ROLE, CLIENT LIST), replication_master.cpp
// (SYNC/PSYNC, feeding replicas), replication_wait.cpp (WAIT), replication_replica.cpp
// (REPLICAOF and the link to a master), replication_transfer.cpp (a full resync's RDB).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/backlog.h"
#include "model/client.h"
#include "model/command_table.h"
#include "model/config.h"
#include "model/keyspace.h"
#include "model/resp.h"
#include "sim/world.h"

namespace model {

// The replica's side of the link to its master (server.h REPL_STATE_*).
enum class ReplState : uint8_t {
  kNone,               // not a replica
  kConnect,            // must (re)connect
  kConnecting,         // the TCP connect is in progress
  kReceivePingReply,   // PING sent
  kReceiveHandshake,   // AUTH / REPLCONF sent, reading their replies (RECEIVE_*_REPLY)
  kReceivePsyncReply,  // PSYNC sent
  kTransfer,           // downloading the RDB
  kConnected,          // streaming
};

struct RdbFile;

// SHUTDOWN's options (server.h SHUTDOWN_*).
namespace shutdown_flags {
enum : uint32_t { kSave = 1u << 0, kNoSave = 1u << 1, kNow = 1u << 2, kForce = 1u << 3 };
}  // namespace shutdown_flags

// What the scenario engine and the checkers may read (never change).
struct ServerView {
  bool is_master = true;
  std::string master_host;
  int master_port = 0;
  ReplState repl_state = ReplState::kNone;
  bool loading = false;
  std::string replid, replid2;
  int64_t master_repl_offset = 0;
  int64_t second_replid_offset = -1;
};

class RedisServer final : public sim::Process {
 public:
  static constexpr std::string_view kConfigFile = "redis.conf";
  static constexpr std::string_view kDumpFile = "dump.rdb";

  explicit RedisServer(sim::Env& env);
  ~RedisServer() override;

  void start() override;
  void on_connected(sim::SocketId socket) override;
  void on_accepted(sim::SocketId socket) override;
  void on_readable(sim::SocketId socket) override;
  void on_closed(sim::SocketId socket, sim::CloseReason reason) override;
  void on_terminate() override;

  // Introspection for expectations and checks.
  ServerView view() const;
  const Keyspace& keyspace() const { return keyspace_; }
  const Config& config() const { return config_; }
  // The full INFO text for `section` ("" = default sections), as INFO would reply it.
  std::string info(std::string_view section) const;

 private:
  static uint64_t socket_key(sim::SocketId s) { return (uint64_t{s.index} << 32) | s.generation; }

  // --- server.cpp: lifecycle, clients, crons -------------------------------------------
  bool load_config();
  void load_dump();
  void save_dump();
  bool populate_save_info(RdbFile& rdb) const;
  void server_cron();
  void replication_cron();
  Client& add_client(sim::SocketId socket);
  Client* client_of(sim::SocketId socket);
  void free_client(Client& client);
  void process_input(Client& client);
  std::string_view query_input(Client& client);
  void consume_query(Client& client, size_t n, bool incomplete);
  void reply(Client& client, const RespValue& value);
  void reply_raw(Client& client, std::string_view bytes);
  void log(char level, std::string_view event, std::string_view text) const;
  std::string new_replication_id();
  int64_t unixtime() const { return env().unix_us() / 1000000; }
  int64_t mstime() const { return env().unix_us() / 1000; }
  bool is_master() const { return !master_host_.has_value(); }

  // --- server_dispatch.cpp: processCommand, call, MULTI/EXEC ------------------------------
  void process_command(Client& client);
  std::string reject_reason(Client& client, const CommandSpec& spec) const;
  static bool allowed_in_pubsub(CommandId id);
  static bool may_replicate(const Client& client, const CommandSpec& spec);
  bool debug_allowed(const Client& client) const;
  void reject(Client& client, std::string_view error);
  void call(Client& client, const CommandSpec& spec, std::span<const std::string> argv);
  ExecContext exec_context(const Client& client) const;
  void run_keyspace_command(Client& client, const CommandSpec& spec,
                            std::span<const std::string> argv);
  void flush_propagation();
  void cmd_multi(Client& client);
  void cmd_exec(Client& client);
  void discard_transaction(Client& client);

  // --- server_commands.cpp -------------------------------------------------------------------
  void command_generic(Client& c, const CommandSpec& spec, std::span<const std::string> argv);
  void cmd_auth(Client& c, std::span<const std::string> argv);
  void cmd_client_setname(Client& c, std::span<const std::string> argv);
  void cmd_client_kill(Client& c, std::span<const std::string> argv);
  std::string client_type(const Client& c) const;
  void cmd_config_set(Client& c, std::span<const std::string> argv);
  std::string apply_config(ConfigApply what);
  void cmd_config_rewrite(Client& c);
  void cmd_debug(Client& c, std::span<const std::string> argv);
  int64_t publish(std::string_view channel, std::string_view message);
  void cmd_subscribe(Client& c, std::span<const std::string> argv, bool pattern);
  void cmd_unsubscribe(Client& c, std::span<const std::string> argv, bool pattern);
  void remove_subscription(Client& c, const std::string& name, bool pattern);
  void unsubscribe_all(Client& c);

  // --- server_shutdown.cpp: prepareForShutdown and friends -------------------------------------
  void cmd_shutdown(Client& c, std::span<const std::string> argv);
  bool prepare_for_shutdown(uint32_t flags);
  bool ready_to_shutdown() const;
  void shutdown_cron();
  void finish_shutdown();
  bool abort_shutdown();

  // --- server_info.cpp -------------------------------------------------------------------------
  void append_info_section(std::string& out, std::string_view name) const;
  void append_info_replication(std::string& out) const;
  int64_t blocked_clients(bool with_timeout) const;
  RespValue role_reply() const;
  std::string client_info(const Client& c) const;
  std::string client_list(std::span<const std::string> argv) const;
  std::string replica_name(const Client& replica) const;

  // --- replication_master.cpp, replication_wait.cpp ----------------------------------------------
  void change_replication_id();
  void clear_replication_id2();
  void shift_replication_id();
  void create_backlog();
  void propagate(int db, std::span<const std::string> argv);
  void feed_stream(std::string_view bytes);
  int64_t min_unsent_offset() const;
  void cmd_sync(Client& c, std::span<const std::string> argv);
  bool try_partial_resync(Client& c, std::string_view replid, int64_t offset);
  void start_bgsave_for_replication(uint32_t req);
  sim::Duration rdb_write_time(size_t bytes) const;
  void poll_rdb_child(uint64_t child);
  void rdb_transfer_done();
  void replica_online(Client& replica);
  void cmd_replconf(Client& c, std::span<const std::string> argv);
  void replconf_ack(Client& c, std::string_view value);
  bool replconf_rdb_filter_only(Client& c, std::string_view value);
  void refresh_good_replicas();
  void master_cron();
  void start_pending_fork();
  int64_t replicas_acked(int64_t offset) const;
  void cmd_wait(Client& c, std::span<const std::string> argv);
  void unblock_wait(Client& c);
  void check_waiting_clients();

  // --- replication_replica.cpp -----------------------------------------------------------------
  void cmd_replicaof(Client& c, std::span<const std::string> argv);
  void set_master(std::string host, int port);
  void unset_master();
  void disconnect_replicas();
  void discard_cached_master();
  void cache_master_using_myself();
  std::unique_ptr<Client> create_master_client(const std::string& replid, int64_t offset,
                                               int db);
  void master_lost(Client& master);
  void connect_to_master();
  void cancel_handshake(bool reconnect);
  void master_link_connected();
  void master_link_broken(sim::CloseReason reason);
  void send_handshake_command(std::initializer_list<std::string_view> argv);
  void master_link_readable();
  void handshake_step(std::string_view line);
  void send_psync();
  void handle_psync_reply(std::string_view line);
  void continue_partial_resync(const std::string& new_replid);
  void become_connected(std::unique_ptr<Client> master);
  void read_transfer();
  void finish_full_sync();
  void append_info_transfer(std::string& out) const;
  void apply_master_stream(Client& master);
  void master_command_done(Client& master);
  void send_ack();
  void replica_cron();

  // Process-wide state
  Config config_;
  Keyspace keyspace_;
  sim::Rng& expire_rng_;  // kept: env().rng() finds a stream by name, and the cron runs 10 Hz
  KeyspaceResult scratch_result_;
  std::string scratch_out_;
  std::string scratch_stream_;
  std::string run_id_;
  int pid_ = 0;
  sim::Time start_time_;
  int64_t dirty_ = 0;
  int64_t lastsave_unix_s_ = 0;
  uint64_t next_client_id_ = 1;
  int64_t cronloops_ = 0;
  bool loading_ = false;
  bool initialized_ = false;  // past "Configuration loaded"
  int call_depth_ = 0;
  PropagateList pending_propagation_;  // server.also_propagate (its slots keep their buffers)
  int64_t stat_numcommands_ = 0;
  int64_t stat_numconnections_ = 0;
  int64_t stat_sync_full_ = 0, stat_sync_partial_ok_ = 0, stat_sync_partial_err_ = 0;
  std::map<uint64_t, std::unique_ptr<Client>> clients_;  // by id: CLIENT LIST order
  std::unordered_map<uint64_t, Client*> by_socket_;      // looked up, never iterated
  // Subscribers in subscription order. Patterns are visited in name order; Redis walks its
  // pattern dict in hash order (a per-process seed), which only changes message order.
  std::map<std::string, std::vector<Client*>, std::less<>> channels_;
  std::map<std::string, std::vector<Client*>, std::less<>> patterns_;

  // Replication, both roles (server.replid, ...)
  std::string replid_, replid2_;
  int64_t master_repl_offset_ = 0;
  int64_t second_replid_offset_ = -1;
  std::optional<ReplicationBacklog> backlog_;
  int replication_seldb_ = -1;
  std::vector<Client*> replicas_;  // server.slaves, in attach order
  int64_t good_replicas_ = 0;
  int64_t repl_no_slaves_since_unix_s_ = 0;
  int64_t replication_cron_loops_ = 0;
  bool rdb_child_active_ = false;
  bool rdb_child_socket_ = false;
  uint64_t rdb_child_id_ = 0;
  std::string rdb_payload_;  // a disk RDB, sent to replicas when the child is done
  bool get_ack_pending_ = false;
  int64_t blocked_on_wait_ = 0;

  // Shutdown (server.shutdown_asap, shutdown_flags, shutdown_mstime)
  bool shutdown_asap_ = false;   // SIGTERM seen; the next serverCron acts on it
  uint32_t shutdown_flags_ = 0;  // shutdown_flags::*
  int64_t shutdown_mstime_ = 0;  // waiting for replicas until then; 0: no shutdown under way
  bool writes_paused_ = false;   // PAUSE_DURING_SHUTDOWN with CLIENT_PAUSE_WRITE

  // Replica side
  std::optional<std::string> master_host_;
  int master_port_ = 0;
  ReplState repl_state_ = ReplState::kNone;
  sim::SocketId repl_socket_;  // the link while connecting, handshaking, transferring
  int handshake_replies_left_ = 0;
  bool handshake_auth_pending_ = false;
  Client* master_ = nullptr;  // server.master once connected
  std::unique_ptr<Client> cached_master_;
  std::string master_initial_replid_;
  int64_t master_initial_offset_ = -1;
  int64_t repl_transfer_size_ = -1;  // -1 while the $ header is unread; 0: EOF-marked
  std::string repl_transfer_eofmark_;
  std::string repl_transfer_buffer_;
  int64_t repl_transfer_lastio_unix_s_ = 0;
  int64_t repl_down_since_unix_s_ = 0;  // 0: never connected
};

}  // namespace model
