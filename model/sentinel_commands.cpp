// Sentinel's own clients and commands: SENTINEL and its subcommands, INFO, ROLE, PING, AUTH,
// CLIENT, the hello-only PUBLISH, and SUBSCRIBE to its event channels (sentinel.c
// sentinelCommand, sentinelInfoCommand, sentinelRoleCommand, sentinelSetCommand,
// sentinelPublishCommand, addReplySentinelRedisInstance; server.c for the rest).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "model/command_table.h"
#include "model/config_syntax.h"
#include "model/info_server.h"
#include "model/sentinel.h"

namespace model {
namespace {

RespValue bulk(std::string s) { return RespValue::bulk(std::move(s)); }
RespValue bulk_number(int64_t n) { return RespValue::bulk(std::to_string(n)); }

// The flags field of SENTINEL MASTER / REPLICAS / SENTINELS, in Redis's order.
std::string flags_text(const SentinelInstance& ri) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {sri::kSDown, "s_down"}, {sri::kODown, "o_down"}, {sri::kMaster, "master"},
      {sri::kSlave, "slave"},  {sri::kSentinel, "sentinel"}};
  static constexpr std::pair<uint32_t, std::string_view> kLater[] = {
      {sri::kMasterDown, "master_down"},
      {sri::kFailoverInProgress, "failover_in_progress"},
      {sri::kPromoted, "promoted"},
      {sri::kReconfSent, "reconf_sent"},
      {sri::kReconfInprog, "reconf_inprog"},
      {sri::kReconfDone, "reconf_done"},
      {sri::kForceFailover, "force_failover"},
      {sri::kScriptKillSent, "script_kill_sent"}};
  std::string out;
  auto add = [&out](std::string_view name) {
    if (!out.empty()) out += ',';
    out += name;
  };
  for (const auto& [flag, name] : kNames) {
    if (ri.is(flag)) add(name);
  }
  if (ri.link->disconnected) add("disconnected");
  for (const auto& [flag, name] : kLater) {
    if (ri.is(flag)) add(name);
  }
  return out;
}

constexpr std::string_view kHelp[] = {
    "CKQUORUM <master-name>",
    "    Check if the current Sentinel configuration is able to reach the quorum",
    "    needed to failover a master and the majority needed to authorize the",
    "    failover.",
    "CONFIG SET <param> <value>",
    "    Set a global Sentinel configuration parameter.",
    "CONFIG GET <param>",
    "    Get global Sentinel configuration parameter.",
    "DEBUG [<param> <value> ...]",
    "    Show a list of configurable time parameters and their values (milliseconds).",
    "    Or update current configurable parameters values (one or more).",
    "GET-MASTER-ADDR-BY-NAME <master-name>",
    "    Return the ip and port number of the master with that name.",
    "FAILOVER <master-name>",
    "    Manually failover a master node without asking for agreement from other",
    "    Sentinels",
    "FLUSHCONFIG",
    "    Force Sentinel to rewrite its configuration on disk, including the current",
    "    Sentinel state.",
    "INFO-CACHE <master-name>",
    "    Return last cached INFO output from masters and all its replicas.",
    "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
    "    Check if the master specified by ip:port is down from current Sentinel's",
    "    point of view.",
    "MASTER <master-name>",
    "    Show the state and info of the specified master.",
    "MASTERS",
    "    Show a list of monitored masters and their state.",
    "MONITOR <name> <ip> <port> <quorum>",
    "    Start monitoring a new master with the specified name, ip, port and quorum.",
    "MYID",
    "    Return the ID of the Sentinel instance.",
    "PENDING-SCRIPTS",
    "    Get pending scripts information.",
    "REMOVE <master-name>",
    "    Remove master from Sentinel's monitor list.",
    "REPLICAS <master-name>",
    "    Show a list of replicas for this master and their state.",
    "RESET <pattern>",
    "    Reset masters for specific master name matching this pattern.",
    "SENTINELS <master-name>",
    "    Show a list of Sentinel instances for this master and their state.",
    "SET <master-name> <option> <value> [<option> <value> ...]",
    "    Set configuration parameters for certain masters.",
    "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
    "    Simulate a Sentinel crash.",
};

// The SENTINEL DEBUG names of the tunable periods.
struct DebugTimer {
  std::string_view name;
  int64_t SentinelTimers::*field;
};
constexpr DebugTimer kDebugTimers[] = {
    {"info-period", &SentinelTimers::info_period},
    {"ping-period", &SentinelTimers::ping_period},
    {"ask-period", &SentinelTimers::ask_period},
    {"publish-period", &SentinelTimers::publish_period},
    {"default-down-after", &SentinelTimers::default_down_after},
    {"tilt-trigger", &SentinelTimers::tilt_trigger},
    {"tilt-period", &SentinelTimers::tilt_period},
    {"slave-reconf-timeout", &SentinelTimers::slave_reconf_timeout},
    {"min-link-reconnect-period", &SentinelTimers::min_link_reconnect_period},
    {"default-failover-timeout", &SentinelTimers::default_failover_timeout},
    {"election-timeout", &SentinelTimers::election_timeout},
    {"script-max-runtime", &SentinelTimers::script_max_runtime},
    {"script-retry-delay", &SentinelTimers::script_retry_delay},
};

}  // namespace

// --- Clients -----------------------------------------------------------------------------------

void Sentinel::on_accepted(sim::SocketId socket) {
  auto c = std::make_unique<Client>();
  c->id = next_client_id_++;
  c->socket = socket;
  c->addr = env().peer_address(socket).to_string();
  c->laddr = env().local_address(socket).to_string();
  c->ctime = env().now();
  c->authenticated = !config_.requirepass().has_value();
  clients_[socket] = std::move(c);
}

void Sentinel::free_client(Client& c) {
  env().close(c.socket);
  clients_.erase(c.socket);  // destroys c
}

void Sentinel::reply(Client& c, const RespValue& value) {
  scratch_out_.clear();
  append_reply(scratch_out_, value);
  env().send(c.socket, scratch_out_);
}

void Sentinel::process_input(Client& c) {
  sim::SocketId socket = c.socket;
  for (;;) {
    std::string_view input = env().readable(socket);
    if (input.empty()) return;
    ParseResult result = c.parser.parse(input, c.argv);
    env().consume(socket, result.consumed);
    if (result.status == ParseStatus::kNeedMore) return;
    if (result.status == ParseStatus::kError) {
      if (!c.parser.error().reply.empty()) reply(c, RespValue::error(c.parser.error().reply));
      free_client(c);
      return;
    }
    process_command(c);
    if (!clients_.contains(socket)) return;  // freed by its own command
    if (c.has(client_flags::kCloseAfterReply)) {
      free_client(c);
      return;
    }
  }
}

void Sentinel::process_command(Client& c) {
  CommandCheck check = check_command(c.argv, CommandTableMode::kSentinel);
  if (!check.ok()) return reply(c, RespValue::error(check.error));
  const CommandSpec& spec = *check.spec;
  std::span<const std::string> argv = c.argv;
  c.last_command = std::string(spec.fullname);
  if (!c.authenticated && !spec.has(command_flags::kNoAuth)) {
    return reply(c, RespValue::error("NOAUTH Authentication required."));
  }
  bool pubsub_context = !c.channels.empty() || !c.patterns.empty();
  CommandId id = spec.id;
  bool pubsub_command = id == CommandId::kPing || id == CommandId::kSubscribe ||
                        id == CommandId::kUnsubscribe || id == CommandId::kPsubscribe ||
                        id == CommandId::kPunsubscribe || id == CommandId::kQuit;
  if (pubsub_context && !pubsub_command) {
    return reply(c, RespValue::error(fmt::format(
                        "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING "
                        "/ QUIT / RESET are allowed in this context",
                        spec.fullname)));
  }
  if (spec.fullname.substr(0, 9) == "sentinel|") return cmd_sentinel(c, argv);
  if (spec.fullname.substr(0, 7) == "client|") return cmd_client(c, argv);
  switch (id) {
    case CommandId::kPing:
      if (pubsub_context) {
        return reply(c, RespValue::array({bulk("pong"), bulk(argv.size() > 1 ? argv[1] : "")}));
      }
      return reply(c, argv.size() > 1 ? bulk(argv[1]) : RespValue::status("PONG"));
    case CommandId::kInfo:
      return reply(c, bulk(info(argv.size() > 1 ? std::string_view(argv[1]) : "")));
    case CommandId::kRole: {
      std::vector<RespValue> names;
      for (const auto& m : state_.masters) names.push_back(bulk(m->name));
      return reply(c, RespValue::array({bulk("sentinel"), RespValue::array(std::move(names))}));
    }
    case CommandId::kAuth: {
      const std::optional<std::string>& pass = config_.requirepass();
      if (!pass) {
        return reply(c, RespValue::error("ERR AUTH <password> called without any password "
                                         "configured for the default user. Are you sure your "
                                         "configuration is correct?"));
      }
      if (argv.back() != *pass || (argv.size() == 3 && argv[1] != "default")) {
        return reply(c, RespValue::error("WRONGPASS invalid username-password pair or user is "
                                         "disabled."));
      }
      c.authenticated = true;
      return reply(c, RespValue::ok());
    }
    case CommandId::kPublish: return cmd_publish(c, argv);
    case CommandId::kSubscribe: return cmd_subscribe(c, argv, false);
    case CommandId::kPsubscribe: return cmd_subscribe(c, argv, true);
    case CommandId::kUnsubscribe: return cmd_unsubscribe(c, argv, false);
    case CommandId::kPunsubscribe: return cmd_unsubscribe(c, argv, true);
    case CommandId::kCommandCount:
      return reply(c, RespValue::integer(reported_command_count(CommandTableMode::kSentinel)));
    case CommandId::kShutdown:
      log('#', "shutdown", "User requested shutdown...");
      log('#', "bye", "Sentinel is now ready to exit, bye bye...");
      env().exit();
      return;
    default:
      // HELLO, ACL and the COMMAND introspection replies are not modelled: say so, rather
      // than answer something real Sentinel would not.
      return reply(c, RespValue::error(fmt::format("ERR '{}' is not modelled by redsim's "
                                                   "Sentinel",
                                                   spec.fullname)));
  }
}

void Sentinel::on_terminate() {
  // SIGTERM: the next cron shuts down; Sentinel has nothing to save.
  log('#', "sigterm", "Received SIGTERM scheduling shutdown...");
  env().after(sim::Duration::millis(1), [this] {
    log('#', "shutdown", "User requested shutdown...");
    log('#', "bye", "Sentinel is now ready to exit, bye bye...");
    env().exit();
  });
}

void Sentinel::cmd_client(Client& c, std::span<const std::string> argv) {
  std::string_view sub = argv[1];
  if (equals_nocase(sub, "setname")) {
    c.name = argv[2];
    return reply(c, RespValue::ok());
  }
  if (equals_nocase(sub, "getname")) {
    return reply(c, c.name.empty() ? RespValue::null_bulk() : bulk(c.name));
  }
  if (equals_nocase(sub, "id")) return reply(c, RespValue::integer(static_cast<int64_t>(c.id)));
  reply(c, RespValue::error(fmt::format("ERR 'client|{}' is not modelled by redsim's Sentinel",
                                        to_lower(sub))));
}

// --- Pub/Sub: hellos from peers, events to subscribers -----------------------------------------

// sentinelPublishCommand: only hellos, processed at once.
void Sentinel::cmd_publish(Client& c, std::span<const std::string> argv) {
  if (argv[1] != "__sentinel__:hello") {
    return reply(c, RespValue::error("ERR Only HELLO messages are accepted by Sentinel "
                                     "instances."));
  }
  process_hello(argv[2]);
  reply(c, RespValue::integer(1));
}

void Sentinel::cmd_subscribe(Client& c, std::span<const std::string> argv, bool pattern) {
  std::set<std::string>& names = pattern ? c.patterns : c.channels;
  for (size_t i = 1; i < argv.size(); ++i) {
    names.insert(argv[i]);
    reply(c, RespValue::array({bulk(pattern ? "psubscribe" : "subscribe"), bulk(argv[i]),
                               RespValue::integer(static_cast<int64_t>(
                                   c.channels.size() + c.patterns.size()))}));
  }
}

void Sentinel::cmd_unsubscribe(Client& c, std::span<const std::string> argv, bool pattern) {
  std::set<std::string>& names = pattern ? c.patterns : c.channels;
  std::vector<std::string> which(argv.begin() + 1, argv.end());
  if (which.empty()) which.assign(names.begin(), names.end());
  std::string_view kind = pattern ? "punsubscribe" : "unsubscribe";
  if (which.empty()) {
    return reply(c, RespValue::array({bulk(std::string(kind)), RespValue::null_bulk(),
                                      RespValue::integer(static_cast<int64_t>(
                                          c.channels.size() + c.patterns.size()))}));
  }
  for (const std::string& name : which) {
    names.erase(name);
    reply(c, RespValue::array({bulk(std::string(kind)), bulk(name),
                               RespValue::integer(static_cast<int64_t>(c.channels.size() +
                                                                       c.patterns.size()))}));
  }
}

// pubsubPublishMessage for an event: channel subscribers, then pattern subscribers.
void Sentinel::publish_event(std::string_view channel, std::string_view message) {
  for (const auto& [socket, c] : clients_) {
    if (c->channels.contains(std::string(channel))) {
      reply(*c, RespValue::array({bulk("message"), bulk(std::string(channel)),
                                  bulk(std::string(message))}));
    }
  }
  for (const auto& [socket, c] : clients_) {
    for (const std::string& pattern : c->patterns) {
      if (!glob_match(pattern, channel, false)) continue;
      reply(*c, RespValue::array({bulk("pmessage"), bulk(pattern), bulk(std::string(channel)),
                                  bulk(std::string(message))}));
    }
  }
}

// --- SENTINEL ----------------------------------------------------------------------------------

namespace {

// The fields of SENTINEL MASTER / REPLICAS / SENTINELS for `ri`, in Redis's order
// (addReplySentinelRedisInstance): `field(name, value)` once each, value a string_view or an
// int64_t (sent as its decimal text).
template <typename Field>
void for_each_instance_field(const SentinelInstance& ri, int64_t now, std::string_view flags,
                             Field&& field) {
  const InstanceLink& link = *ri.link;
  auto number = [](auto n) { return static_cast<int64_t>(n); };
  field("name", std::string_view(ri.name));
  field("ip", std::string_view(ri.addr.host));
  field("port", number(ri.addr.port));
  field("runid", std::string_view(ri.runid ? *ri.runid : std::string_view()));
  field("flags", flags);
  field("link-pending-commands", number(link.pending_commands));
  field("link-refcount", number(link.refcount));
  if (ri.is(sri::kFailoverInProgress)) {
    field("failover-state", failover_state_name(ri.failover_state));
  }
  field("last-ping-sent", number(link.act_ping_time ? now - link.act_ping_time : 0));
  field("last-ok-ping-reply", number(now - link.last_avail_time));
  field("last-ping-reply", number(now - link.last_pong_time));
  if (ri.is(sri::kSDown)) field("s-down-time", number(now - ri.s_down_since_time));
  if (ri.is(sri::kODown)) field("o-down-time", number(now - ri.o_down_since_time));
  field("down-after-milliseconds", number(ri.down_after_period));
  if (ri.is(sri::kMaster | sri::kSlave)) {
    field("info-refresh", number(ri.info_refresh ? now - ri.info_refresh : 0));
    field("role-reported",
          std::string_view(ri.role_reported == sri::kMaster ? "master" : "slave"));
    field("role-reported-time", number(now - ri.role_reported_time));
  }
  if (ri.is(sri::kMaster)) {
    field("config-epoch", number(ri.config_epoch));
    field("num-slaves", number(ri.slaves.size()));
    field("num-other-sentinels", number(ri.sentinels.size()));
    field("quorum", number(ri.quorum));
    field("failover-timeout", number(ri.failover_timeout));
    field("parallel-syncs", number(ri.parallel_syncs));
    if (ri.notification_script) {
      field("notification-script", std::string_view(*ri.notification_script));
    }
    if (ri.client_reconfig_script) {
      field("client-reconfig-script", std::string_view(*ri.client_reconfig_script));
    }
  }
  if (ri.is(sri::kSlave)) {
    field("master-link-down-time", number(ri.master_link_down_time));
    field("master-link-status", std::string_view(ri.slave_master_link_up ? "ok" : "err"));
    field("master-host",
          std::string_view(ri.slave_master_host ? *ri.slave_master_host : std::string_view("?")));
    field("master-port", number(ri.slave_master_port));
    field("slave-priority", number(ri.slave_priority));
    field("slave-repl-offset", number(ri.slave_repl_offset));
    field("replica-announced", number(ri.replica_announced));
  }
  if (ri.is(sri::kSentinel)) {
    field("last-hello-message", number(now - ri.last_hello_time));
    field("voted-leader", std::string_view(ri.leader ? *ri.leader : std::string_view("?")));
    field("voted-leader-epoch", number(ri.leader_epoch));
  }
}

}  // namespace

// Written straight into `out` (SENTINEL MASTERS is asked on every reconnect of a
// sentinel-aware client, so this is a hot path): the fields are counted, then written.
void Sentinel::append_instance_reply(std::string& out, const SentinelInstance& ri) const {
  const int64_t now = mstime();
  const std::string flags = flags_text(ri);
  size_t fields = 0;
  for_each_instance_field(ri, now, flags, [&fields](std::string_view, auto) { ++fields; });
  append_array_header(out, 2 * fields);
  for_each_instance_field(ri, now, flags, [&out](std::string_view name, auto value) {
    append_bulk(out, name);
    append_bulk(out, value);
  });
}

void Sentinel::append_dict_reply(std::string& out, const InstanceDict& instances) const {
  auto listed = [](const SentinelInstance& ri) {
    return !ri.is(sri::kSlave) || ri.replica_announced;
  };
  size_t count = 0;
  for (const auto& ri : instances) {
    if (listed(*ri)) ++count;
  }
  append_array_header(out, count);
  for (const auto& ri : instances) {
    if (listed(*ri)) append_instance_reply(out, *ri);
  }
}

void Sentinel::reply_with(Client& c, const std::function<void(std::string&)>& write) {
  scratch_out_.clear();
  write(scratch_out_);
  env().send(c.socket, scratch_out_);
}

void Sentinel::cmd_sentinel(Client& c, std::span<const std::string> argv) {
  std::string sub = to_lower(argv[1]);
  auto master_or_error = [&](const std::string& name) -> SentinelInstance* {
    SentinelInstance* ri = state_.masters.find(name);
    if (!ri) reply(c, RespValue::error("ERR No such master with that name"));
    return ri;
  };
  auto flush_and_reply = [&] {
    flush_config();
    reply(c, RespValue::ok());
  };
  if (sub == "help") {
    std::vector<RespValue> lines{RespValue::status(
        "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")};
    for (std::string_view l : kHelp) lines.push_back(RespValue::status(std::string(l)));
    lines.push_back(RespValue::status("HELP"));
    lines.push_back(RespValue::status("    Print this help."));
    return reply(c, RespValue::array(std::move(lines)));
  }
  auto dict = [&](const InstanceDict& instances) {
    reply_with(c, [&](std::string& out) { append_dict_reply(out, instances); });
  };
  if (sub == "masters") return dict(state_.masters);
  if (sub == "master") {
    if (SentinelInstance* ri = master_or_error(argv[2])) {
      reply_with(c, [&](std::string& out) { append_instance_reply(out, *ri); });
    }
    return;
  }
  if (sub == "slaves" || sub == "replicas") {
    if (SentinelInstance* ri = master_or_error(argv[2])) dict(ri->slaves);
    return;
  }
  if (sub == "sentinels") {
    if (SentinelInstance* ri = master_or_error(argv[2])) dict(ri->sentinels);
    return;
  }
  if (sub == "myid") return reply(c, bulk(state_.myid));
  if (sub == "is-master-down-by-addr") {
    int64_t port = 0, req_epoch = 0;
    if (!parse_ll(argv[3], port) || !parse_ll(argv[4], req_epoch)) {
      return reply(c, RespValue::error("ERR value is not an integer or out of range"));
    }
    SentinelInstance* ri = nullptr;
    for (const auto& m : state_.masters) {
      if (m->addr.port == port && address_matches(m->addr, argv[2])) {
        ri = m.get();
        break;
      }
    }
    bool is_down = !state_.tilt && ri && ri->is(sri::kSDown) && ri->is(sri::kMaster);
    std::optional<std::string> leader;
    uint64_t leader_epoch = 0;
    if (ri && ri->is(sri::kMaster) && argv[5] != "*") {
      leader = vote_leader(*ri, static_cast<uint64_t>(req_epoch), argv[5], leader_epoch);
    }
    return reply(c, RespValue::array({RespValue::integer(is_down ? 1 : 0),
                                      bulk(leader.value_or("*")),
                                      RespValue::integer(static_cast<int64_t>(leader_epoch))}));
  }
  if (sub == "reset") {
    int64_t reset = 0;
    std::vector<SentinelInstance*> matching;
    for (const auto& m : state_.masters) {
      if (glob_match(argv[2], m->name, false)) matching.push_back(m.get());
    }
    for (SentinelInstance* m : matching) {
      reset_master(*m, false, true);
      ++reset;
    }
    return reply(c, RespValue::integer(reset));
  }
  if (sub == "get-master-addr-by-name") {
    SentinelInstance* ri = state_.masters.find(argv[2]);
    if (!ri) return reply(c, RespValue::null_array());
    const sim::Address& addr = current_master_address(*ri);
    return reply(c, RespValue::array({bulk(addr.host), bulk_number(addr.port)}));
  }
  if (sub == "failover") {
    SentinelInstance* ri = master_or_error(argv[2]);
    if (!ri) return;
    if (ri->is(sri::kFailoverInProgress)) {
      return reply(c, RespValue::error("INPROG Failover already in progress"));
    }
    if (select_slave(*ri) == nullptr) {
      return reply(c, RespValue::error("NOGOODSLAVE No suitable replica to promote"));
    }
    log('#', "user-requested-failover",
        fmt::format("Executing user requested FAILOVER of '{}'", ri->name));
    start_failover(*ri);
    ri->flags |= sri::kForceFailover;
    return reply(c, RespValue::ok());
  }
  if (sub == "pending-scripts") return reply(c, RespValue::array({}));
  if (sub == "monitor") {
    int64_t quorum = 0, port = 0;
    if (!parse_ll(argv[5], quorum)) return reply(c, RespValue::error("ERR Invalid quorum"));
    if (!parse_ll(argv[4], port)) return reply(c, RespValue::error("ERR Invalid port"));
    if (quorum <= 0) return reply(c, RespValue::error("ERR Quorum must be 1 or greater."));
    std::string error;
    SentinelInstance* ri =
        create_instance(state_, argv[2], sri::kMaster, argv[3], port,
                        static_cast<unsigned>(quorum), nullptr, mstime(), error);
    if (!ri) {
      if (error == "Can't resolve instance hostname.") {
        error = "Invalid IP address or hostname specified";
      }
      return reply(c, RespValue::error("ERR " + error));
    }
    flush_and_reply();
    event('#', "+monitor", ri, fmt::format(" quorum {}", ri->quorum));
    return;
  }
  if (sub == "flushconfig") return flush_and_reply();
  if (sub == "remove") {
    SentinelInstance* ri = master_or_error(argv[2]);
    if (!ri) return;
    event('#', "-monitor", ri);
    release_instance(state_.masters.take(*ri));
    return flush_and_reply();
  }
  if (sub == "ckquorum") {
    SentinelInstance* ri = master_or_error(argv[2]);
    if (!ri) return;
    int64_t usable = 1;
    for (const auto& si : ri->sentinels) {
      if (!si->is(sri::kSDown | sri::kODown)) ++usable;
    }
    int64_t voters = static_cast<int64_t>(ri->sentinels.size()) + 1;
    bool no_quorum = usable < static_cast<int64_t>(ri->quorum);
    bool no_auth = usable < voters / 2 + 1;
    if (!no_quorum && !no_auth) {
      return reply(c, RespValue::status(fmt::format(
                          "OK {} usable Sentinels. Quorum and failover authorization can be "
                          "reached",
                          usable)));
    }
    std::string e = fmt::format("NOQUORUM {} usable Sentinels. ", usable);
    if (no_quorum) {
      e += "Not enough available Sentinels to reach the specified quorum for this master";
    }
    if (no_auth) {
      if (no_quorum) e += ". ";
      e += "Not enough available Sentinels to reach the majority and authorize a failover";
    }
    return reply(c, RespValue::error(e));
  }
  if (sub == "set") return cmd_sentinel_set(c, argv);
  if (sub == "config") {
    bool set = argv.size() == 5 && equals_nocase(argv[2], "set");
    bool get = argv.size() == 4 && equals_nocase(argv[2], "get");
    if (get) {
      std::vector<RespValue> out;
      auto add = [&](std::string_view name, std::string value) {
        if (!glob_match(argv[3], name, true)) return;
        out.push_back(bulk(std::string(name)));
        out.push_back(bulk(std::move(value)));
      };
      add("resolve-hostnames", state_.resolve_hostnames ? "yes" : "no");
      add("announce-hostnames", state_.announce_hostnames ? "yes" : "no");
      add("announce-ip", state_.announce_ip.value_or(""));
      add("announce-port", fmt::format("{}", state_.announce_port));
      add("sentinel-user", state_.sentinel_auth_user.value_or(""));
      add("sentinel-pass", state_.sentinel_auth_pass.value_or(""));
      return reply(c, RespValue::array(std::move(out)));
    }
    if (!set) {
      return reply(c, RespValue::error("ERR Only SENTINEL CONFIG GET <option> / SET <option> "
                                       "<value> are supported."));
    }
    std::string_view option = argv[3];
    const std::string& value = argv[4];
    auto bad_value = [&] {
      reply(c, RespValue::error(fmt::format("ERR Invalid value '{}' to SENTINEL CONFIG SET '{}'",
                                            value, option)));
    };
    auto yes_no = [&](bool& target) {
      if (equals_nocase(value, "yes")) target = true;
      else if (equals_nocase(value, "no")) target = false;
      else return false;
      return true;
    };
    bool drop_connections = false;
    if (equals_nocase(option, "resolve-hostnames")) {
      if (!yes_no(state_.resolve_hostnames)) return bad_value();
    } else if (equals_nocase(option, "announce-hostnames")) {
      if (!yes_no(state_.announce_hostnames)) return bad_value();
    } else if (equals_nocase(option, "announce-ip")) {
      state_.announce_ip = value;
    } else if (equals_nocase(option, "announce-port")) {
      int64_t port = 0;
      if (!parse_ll(value, port) || port < 0 || port > 65535) return bad_value();
      state_.announce_port = static_cast<int>(port);
    } else if (equals_nocase(option, "sentinel-user") || equals_nocase(option, "sentinel-pass")) {
      std::optional<std::string>& target = equals_nocase(option, "sentinel-user")
                                               ? state_.sentinel_auth_user
                                               : state_.sentinel_auth_pass;
      target = value.empty() ? std::nullopt : std::optional<std::string>(value);
      drop_connections = true;
    } else {
      return reply(c, RespValue::error(
                          fmt::format("ERR Invalid argument '{}' to SENTINEL CONFIG SET", option)));
    }
    flush_and_reply();
    if (drop_connections) {  // sentinelDropConnections: the Sentinels' links reconnect
      for (const auto& m : state_.masters) {
        for (const auto& si : m->sentinels) {
          close_connection(*si->link, false);
          close_connection(*si->link, true);
        }
      }
    }
    return;
  }
  if (sub == "info-cache") {
    int64_t now = mstime();
    std::vector<RespValue> out;
    std::vector<const SentinelInstance*> masters;
    if (argv.size() > 2) {
      for (size_t i = 2; i < argv.size(); ++i) {
        const SentinelInstance* ri = state_.masters.find(argv[i]);
        if (ri && std::find(masters.begin(), masters.end(), ri) == masters.end()) {
          masters.push_back(ri);
        }
      }
    } else {
      for (const auto& m : state_.masters) masters.push_back(m.get());
    }
    for (const SentinelInstance* ri : masters) {
      out.push_back(bulk(ri->name));
      std::vector<RespValue> infos;
      auto cached = [&](const SentinelInstance& x, int64_t age) {
        infos.push_back(RespValue::array(
            {RespValue::integer(age), x.info ? bulk(*x.info) : RespValue::null_bulk()}));
      };
      cached(*ri, ri->info_refresh ? now - ri->info_refresh : 0);
      for (const auto& s : ri->slaves) {
        // Redis tests the master's info_refresh here, not the replica's (a 7.0 quirk).
        cached(*s, ri->info_refresh ? now - s->info_refresh : 0);
      }
      out.push_back(RespValue::array(std::move(infos)));
    }
    return reply(c, RespValue::array(std::move(out)));
  }
  if (sub == "simulate-failure") {
    state_.simfailure_flags = 0;
    for (size_t j = 2; j < argv.size(); ++j) {
      if (equals_nocase(argv[j], "crash-after-election")) {
        state_.simfailure_flags |= simfailure::kCrashAfterElection;
        log('#', "simulate-failure", "Failure simulation: this Sentinel will crash after being "
                                     "successfully elected as failover leader");
      } else if (equals_nocase(argv[j], "crash-after-promotion")) {
        state_.simfailure_flags |= simfailure::kCrashAfterPromotion;
        log('#', "simulate-failure", "Failure simulation: this Sentinel will crash after "
                                     "promoting the selected replica to master");
      } else if (equals_nocase(argv[j], "help")) {
        return reply(c, RespValue::array({bulk("crash-after-election"),
                                          bulk("crash-after-promotion")}));
      } else {
        return reply(c, RespValue::error("ERR Unknown failure simulation specified"));
      }
    }
    return reply(c, RespValue::ok());
  }
  if (sub == "debug") return cmd_sentinel_debug(c, argv);
  reply(c, RespValue::error(subcommand_syntax_error("SENTINEL", argv[1])));
}

// SENTINEL SET <master> <option> <value> ...: each change logs +set; the config is saved once.
void Sentinel::cmd_sentinel_set(Client& c, std::span<const std::string> argv) {
  SentinelInstance* ri = state_.masters.find(argv[2]);
  if (!ri) return reply(c, RespValue::error("ERR No such master with that name"));
  int changes = 0;
  auto fail = [&](std::string error) {
    reply(c, RespValue::error(std::move(error)));
    if (changes) flush_config();
  };
  for (size_t j = 3; j < argv.size(); ++j) {
    size_t more = argv.size() - 1 - j;
    const std::string& option = argv[j];
    size_t first = j;
    bool redacted = false;
    auto positive = [&](int64_t& out, int64_t min) {
      int64_t v = 0;
      if (!parse_ll(argv[++j], v) || v < min) return false;
      out = v;
      return true;
    };
    auto bad = [&](size_t at) {
      fail(fmt::format("ERR Invalid argument '{}' for SENTINEL SET '{}'", argv[at], option));
    };
    int64_t v = 0;
    if (equals_nocase(option, "down-after-milliseconds") && more > 0) {
      if (!positive(v, 1)) return bad(j);
      ri->down_after_period = v;
      for (const auto& s : ri->slaves) s->down_after_period = v;
      for (const auto& s : ri->sentinels) s->down_after_period = v;
    } else if (equals_nocase(option, "failover-timeout") && more > 0) {
      if (!positive(v, 1)) return bad(j);
      ri->failover_timeout = v;
    } else if (equals_nocase(option, "parallel-syncs") && more > 0) {
      if (!positive(v, 1)) return bad(j);
      ri->parallel_syncs = static_cast<int>(v);
    } else if ((equals_nocase(option, "notification-script") ||
                equals_nocase(option, "client-reconfig-script")) &&
               more > 0) {
      const std::string& value = argv[++j];
      if (state_.deny_scripts_reconfig) {
        return fail("ERR Reconfiguration of scripts path is denied for security reasons. Check "
                    "the deny-scripts-reconfig configuration directive in your Sentinel "
                    "configuration");
      }
      (equals_nocase(option, "notification-script") ? ri->notification_script
                                                    : ri->client_reconfig_script) =
          value.empty() ? std::nullopt : std::optional<std::string>(value);
    } else if ((equals_nocase(option, "auth-pass") || equals_nocase(option, "auth-user")) &&
               more > 0) {
      const std::string& value = argv[++j];
      bool pass = equals_nocase(option, "auth-pass");
      (pass ? ri->auth_pass : ri->auth_user) =
          value.empty() ? std::nullopt : std::optional<std::string>(value);
      redacted = pass;
      // dropInstanceConnections: the master and its replicas reconnect with the new auth.
      close_connection(*ri->link, false);
      close_connection(*ri->link, true);
      for (const auto& s : ri->slaves) {
        close_connection(*s->link, false);
        close_connection(*s->link, true);
      }
    } else if (equals_nocase(option, "quorum") && more > 0) {
      if (!positive(v, 1)) return bad(j);
      ri->quorum = static_cast<unsigned>(v);
    } else if (equals_nocase(option, "rename-command") && more > 1) {
      const std::string& from = argv[++j];
      const std::string& to = argv[++j];
      if (from.empty() || to.empty()) return bad(to.empty() ? j : j - 1);
      ri->renamed_commands.erase(to_lower(from));
      if (!equals_nocase(from, to)) ri->renamed_commands[to_lower(from)] = to;
    } else if (equals_nocase(option, "master-reboot-down-after-period") && more > 0) {
      if (!positive(v, 0)) return bad(j);
      ri->master_reboot_down_after_period = v;
    } else {
      return fail(fmt::format("ERR Unknown option or number of arguments for SENTINEL SET '{}'",
                              option));
    }
    ++changes;
    std::string text = " " + option;
    for (size_t k = first + 1; k <= j; ++k) text += " " + (redacted ? "******" : argv[k]);
    event('#', "+set", ri, text);
  }
  if (changes) {
    flush_config();
    reply(c, RespValue::ok());
  }
}

// SENTINEL DEBUG: the tunable periods, or set some of them (all valid, or none is set).
void Sentinel::cmd_sentinel_debug(Client& c, std::span<const std::string> argv) {
  if (argv.size() == 2) {
    std::vector<RespValue> out;
    for (const DebugTimer& t : kDebugTimers) {
      std::string name(t.name);
      for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out.push_back(bulk(std::move(name)));
      out.push_back(bulk_number(state_.timers.*t.field));
    }
    return reply(c, RespValue::array(std::move(out)));
  }
  SentinelTimers changed = state_.timers;
  for (size_t j = 2; j < argv.size(); j += 2) {
    const DebugTimer* timer = nullptr;
    for (const DebugTimer& t : kDebugTimers) {
      if (equals_nocase(argv[j], t.name)) timer = &t;
    }
    int64_t v = 0;
    if (timer == nullptr || j + 1 >= argv.size() || !parse_ll(argv[j + 1], v) || v <= 0) {
      return reply(c, RespValue::error(fmt::format(
                          "ERR Unknown option or number of arguments for SENTINEL DEBUG '{}'",
                          argv[j])));
    }
    changed.*timer->field = v;
  }
  state_.timers = changed;
  reply(c, RespValue::ok());
}

// --- INFO --------------------------------------------------------------------------------------

std::string Sentinel::info(std::string_view section) const {
  bool all = section.empty() || equals_nocase(section, "default") ||
             equals_nocase(section, "all") || equals_nocase(section, "everything");
  auto wanted = [&](std::string_view name) { return all || equals_nocase(section, name); };
  std::string out;
  auto start = [&out](std::string_view title) {
    if (!out.empty()) out += "\r\n";
    out += fmt::format("# {}\r\n", title);
  };
  int64_t uptime_s = (env().now() - start_time_).us / 1000000;
  if (wanted("server")) {  // the first section: no separator before it
    append_info_server(out, {.mode = "sentinel",
                             .pid = pid_,
                             .run_id = run_id_,
                             .port = config_.port(),
                             .unix_us = env().unix_us(),
                             .uptime_s = uptime_s,
                             .hz = config_.hz(),
                             .configured_hz = config_.hz(),
                             .executable = "/usr/bin/redis-sentinel",
                             .config_file = "/etc/redis/sentinel.conf"});
  }
  if (wanted("clients")) {
    start("Clients");
    out += fmt::format("connected_clients:{}\r\n", clients_.size());
  }
  if (wanted("sentinel")) {
    start("Sentinel");
    out += fmt::format(
        "sentinel_masters:{}\r\nsentinel_tilt:{}\r\nsentinel_tilt_since_seconds:{}\r\n"
        "sentinel_running_scripts:0\r\nsentinel_scripts_queue_length:0\r\n"
        "sentinel_simulate_failure_flags:{}\r\n",
        state_.masters.size(), state_.tilt ? 1 : 0,
        state_.tilt ? (mstime() - state_.tilt_start_time) / 1000 : -1, state_.simfailure_flags);
    int index = 0;
    for (const auto& m : state_.masters) {
      std::string_view status = m->is(sri::kODown) ? "odown" : m->is(sri::kSDown) ? "sdown" : "ok";
      out += fmt::format("master{}:name={},status={},address={}:{},slaves={},sentinels={}\r\n",
                         index++, m->name, status, m->addr.host, m->addr.port, m->slaves.size(),
                         m->sentinels.size() + 1);
    }
  }
  return out;
}

}  // namespace model
