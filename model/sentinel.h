// A simulated redis-sentinel 7.0: it monitors masters, their replicas and the other
// Sentinels, detects failures (SDOWN, ODOWN), elects a leader and fails over, behind the
// kernel's Process interface. Specification: shared/spec/sentinel.md.
//
// It reads "sentinel.conf" from the node's disk and rewrites it on every state change, so a
// restarted Sentinel resumes where it was. Its times are its wall clock in milliseconds, as
// Redis's mstime(); its tick (sentinelTimer) runs every 1000/hz ms with hz redrawn in 10..19
// after each tick. Events go to the trace as kind "sentinel" with Redis's text
// ("+sdown master mymaster 127.0.0.1 6379"); its other log lines as kind "server".
//
// Files by job: sentinel.cpp (lifecycle, config, events, the tick), sentinel_link.cpp
// (connections and commands to instances), sentinel_monitor.cpp (PING / INFO / hello, SDOWN,
// ODOWN, TILT), sentinel_failover.cpp (votes, the failover state machine),
// sentinel_commands.cpp (its own clients: SENTINEL, INFO, ROLE, PUBLISH, SUBSCRIBE).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/client.h"
#include "model/config.h"
#include "model/config_rewrite.h"
#include "model/sentinel_state.h"
#include "sim/world.h"

namespace model {

class Sentinel final : public sim::Process {
 public:
  static constexpr std::string_view kConfigFile = "sentinel.conf";

  explicit Sentinel(sim::Env& env);
  ~Sentinel() override;

  void start() override;
  void on_connected(sim::SocketId socket) override;
  void on_accepted(sim::SocketId socket) override;
  void on_readable(sim::SocketId socket) override;
  void on_closed(sim::SocketId socket, sim::CloseReason reason) override;
  void on_terminate() override;

  // Introspection for expectations and checks (never change anything).
  const SentinelState& state() const { return state_; }
  // INFO's text for `section` ("" = default), as the INFO command would reply it.
  std::string info(std::string_view section) const;

 private:
  // A connection of a link, as on_readable finds it.
  struct LinkSocket {
    std::shared_ptr<InstanceLink> link;  // kept alive while a reply handler runs
    bool pubsub;
  };
  enum : int { kAskForced = 1 };  // SENTINEL_ASK_FORCED

  // --- sentinel.cpp ------------------------------------------------------------------------
  int64_t mstime() const { return env().unix_us() / 1000; }
  bool load_config();
  void flush_config();
  void log(char level, std::string_view event, std::string_view text) const;
  // sentinelEvent about `ri` (or about nothing): with `identity` the text starts with the
  // record's "%@" identity ("slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster ...").
  void event(char level, std::string_view type, const SentinelInstance* ri,
             std::string_view rest = {}, bool identity = true);
  // The client-reconfig-script's invocation (a trace record: scripts never run here).
  void client_reconfig_script(const SentinelInstance& master, std::string_view role,
                              const sim::Address& from, const sim::Address& to);
  void timer();
  void handle_dict(const InstanceDict& instances);
  void handle_instance(SentinelInstance& ri);
  void release_instance(std::unique_ptr<SentinelInstance> ri);

  // --- sentinel_link.cpp ---------------------------------------------------------------------
  void reconnect(SentinelInstance& ri);
  std::unique_ptr<LinkConnection> open_connection(SentinelInstance& ri, bool pubsub);
  void close_connection(InstanceLink& link, bool pubsub);
  void release_link(SentinelInstance& ri);
  bool try_connection_sharing(SentinelInstance& ri);
  // redisAsyncCommand on the cc: false when there is no command connection.
  bool send_command(SentinelInstance& ri, ReplyHandler handler,
                    std::initializer_list<std::string_view> argv);
  void send_on(SentinelInstance& ri, LinkConnection& conn, ReplyHandler handler,
               std::initializer_list<std::string_view> argv);
  void send_auth_if_needed(SentinelInstance& ri, LinkConnection& conn);
  void read_link(std::shared_ptr<InstanceLink> link, bool pubsub);
  void dispatch_reply(InstanceLink& link, const PendingReply& pending, const RespValue& reply);
  std::string_view map_command(const SentinelInstance& ri, std::string_view command) const;

  // --- sentinel_monitor.cpp ------------------------------------------------------------------
  void send_periodic_commands(SentinelInstance& ri);
  bool send_ping(SentinelInstance& ri);
  bool send_hello(SentinelInstance& ri);
  void ping_reply(SentinelInstance& ri, InstanceLink& link, const RespValue& reply);
  void refresh_instance_info(SentinelInstance& ri, std::string_view info);
  void hello_message(SentinelInstance& ri, const RespValue& reply);
  void process_hello(std::string_view hello);
  int remove_matching_sentinel(SentinelInstance& master, const std::string& runid);
  void update_sentinel_address_in_all_masters(SentinelInstance& si);
  void check_subjectively_down(SentinelInstance& ri);
  void check_objectively_down(SentinelInstance& master);
  void ask_master_state(SentinelInstance& master, int flags);
  void is_master_down_reply(SentinelInstance& ri, const RespValue& reply);
  void check_tilt();
  bool master_looks_sane(const SentinelInstance& master) const;
  bool no_down_for(const SentinelInstance& ri, int64_t ms) const;
  void force_hello_update(SentinelInstance& master);
  const sim::Address& current_master_address(const SentinelInstance& master) const;
  bool address_matches(const sim::Address& addr, std::string_view host) const;

  // --- sentinel_failover.cpp -----------------------------------------------------------------
  std::optional<std::string> vote_leader(SentinelInstance& master, uint64_t req_epoch,
                                         std::string_view req_runid, uint64_t& leader_epoch);
  std::optional<std::string> get_leader(SentinelInstance& master, uint64_t epoch);
  bool start_failover_if_needed(SentinelInstance& master);
  void start_failover(SentinelInstance& master);
  void failover_state_machine(SentinelInstance& master);
  void failover_wait_start(SentinelInstance& master);
  void failover_select_slave(SentinelInstance& master);
  void failover_send_slaveof_noone(SentinelInstance& master);
  void failover_wait_promotion(SentinelInstance& master);
  void failover_reconf_next_slave(SentinelInstance& master);
  void failover_detect_end(SentinelInstance& master);
  void switch_to_promoted_slave(SentinelInstance& master);
  void abort_failover(SentinelInstance& master);
  SentinelInstance* select_slave(SentinelInstance& master);
  bool send_slaveof(SentinelInstance& ri, const sim::Address* addr);
  void reset_master(SentinelInstance& master, bool keep_sentinels, bool generate_event);
  void reset_master_and_change_address(SentinelInstance& master, const sim::Address& addr);
  void simulate_failure_crash();

  // --- sentinel_commands.cpp -----------------------------------------------------------------
  void process_input(Client& c);
  void process_command(Client& c);
  void reply(Client& c, const RespValue& value);
  void cmd_sentinel(Client& c, std::span<const std::string> argv);
  void cmd_sentinel_set(Client& c, std::span<const std::string> argv);
  void cmd_sentinel_debug(Client& c, std::span<const std::string> argv);
  void cmd_publish(Client& c, std::span<const std::string> argv);
  void cmd_subscribe(Client& c, std::span<const std::string> argv, bool pattern);
  void cmd_unsubscribe(Client& c, std::span<const std::string> argv, bool pattern);
  void cmd_client(Client& c, std::span<const std::string> argv);
  void publish_event(std::string_view channel, std::string_view message);
  void append_instance_reply(std::string& out, const SentinelInstance& ri) const;
  void append_dict_reply(std::string& out, const InstanceDict& instances) const;
  // Sends what `write` appends to a cleared scratch_out_.
  void reply_with(Client& c, const std::function<void(std::string&)>& write);
  void free_client(Client& c);

  Config config_;
  ConfigLayout config_layout_;  // of our last save of sentinel.conf
  uint64_t config_layout_disk_writes_ = 0;  // the disk's writes() after it
  sim::Rng& hz_rng_;  // kept: env().rng() finds a stream by name, and the timer runs 10+ Hz
  SentinelState state_;
  int pid_ = 0;
  std::string run_id_;
  sim::Time start_time_;

  // Sockets: our links' connections, and our clients.
  std::unordered_map<sim::SocketId, LinkSocket, sim::SocketIdHash> link_sockets_;  // never iterated
  std::map<sim::SocketId, std::unique_ptr<Client>> clients_;
  uint64_t next_client_id_ = 1;
  RespValue scratch_reply_;
  // Reused for every reply and command sent (sent bytes are copied into the socket).
  std::string scratch_out_;
  std::vector<std::string_view> scratch_argv_;
  std::string scratch_hello_;
  std::vector<std::string_view> scratch_lines_;   // an INFO reply's lines
  std::vector<std::string_view> scratch_fields_;  // a hello's fields
};

}  // namespace model
