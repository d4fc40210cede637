// Sentinel watching its instances: PING, INFO and hello cadence, their replies, auto-discovery,
// SDOWN and ODOWN, asking the other Sentinels, TILT (sentinel.c sentinelSendPeriodicCommands,
// sentinelPingReplyCallback, sentinelRefreshInstanceInfo, sentinelProcessHelloMessage,
// sentinelCheckSubjectivelyDown, sentinelCheckObjectivelyDown,
// sentinelAskMasterStateToOtherSentinels, sentinelCheckTiltCondition).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "model/config_syntax.h"
#include "model/planted_bugs.h"
#include "model/sentinel.h"

namespace model {
namespace {

// `s` begins with the literal `prefix`. Its length is known at compile time, so the compare
// inlines (string_view::starts_with(const char*) is an out-of-line strlen and compare, and
// every INFO line goes through a dozen of these).
template <size_t N>
bool has_prefix(std::string_view s, const char (&prefix)[N]) {
  return s.size() >= N - 1 && std::memcmp(s.data(), prefix, N - 1) == 0;
}

constexpr int64_t kMaxPendingCommands = 100;  // SENTINEL_MAX_PENDING_COMMANDS, per link user

// Replaces `parts` with the pieces of `text` between `sep`s (callers reuse one vector).
void split(std::string_view text, std::string_view sep, std::vector<std::string_view>& parts) {
  parts.clear();
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? text.npos : at - start));
    if (at == std::string_view::npos) return;
    start = at + sep.size();
  }
}

}  // namespace

// --- Periodic commands -------------------------------------------------------------------------

void Sentinel::send_periodic_commands(SentinelInstance& ri) {
  InstanceLink& link = *ri.link;
  if (link.disconnected) return;
  if (link.pending_commands >= kMaxPendingCommands * link.refcount) return;
  int64_t now = mstime();
  // A replica's INFO every second while its master is down or failing over, or while it
  // reports its link down, to have fresh figures for the replica selection.
  int64_t info_period =
      ri.is(sri::kSlave) && (ri.master->is(sri::kODown | sri::kFailoverInProgress) ||
                             ri.master_link_down_time != 0)
          ? 1000
          : state_.timers.info_period;
  int64_t ping_period = std::min(ri.down_after_period, state_.timers.ping_period);
  if (!ri.is(sri::kSentinel) && (ri.info_refresh == 0 || now - ri.info_refresh > info_period)) {
    send_command(ri, ReplyHandler::kInfo, {"INFO"});
  }
  if (now - link.last_pong_time > ping_period && now - link.last_ping_time > ping_period / 2) {
    send_ping(ri);
  }
  if (now - ri.last_pub_time > state_.timers.publish_period) send_hello(ri);
}

bool Sentinel::send_ping(SentinelInstance& ri) {
  if (!send_command(ri, ReplyHandler::kPing, {"PING"})) return false;
  InstanceLink& link = *ri.link;
  link.last_ping_time = mstime();
  // A PING already unanswered keeps its time: we wait since the first one.
  if (link.act_ping_time == 0) link.act_ping_time = link.last_ping_time;
  return true;
}

// sentinelSendHello: "<ip>,<port>,<myid>,<current-epoch>,<master>,<master-ip>,<master-port>,
// <config-epoch>" published on __sentinel__:hello through every record's command connection.
bool Sentinel::send_hello(SentinelInstance& ri) {
  if (ri.link->disconnected) return false;
  SentinelInstance& master = ri.is(sri::kMaster) ? ri : *ri.master;
  const sim::Address& master_addr = current_master_address(master);
  const std::string& ip = state_.announce_ip ? *state_.announce_ip
                                             : env().local_address(ri.link->cc->socket).host;
  int port = state_.announce_port != 0 ? state_.announce_port : config_.port();
  std::string& payload = scratch_hello_;  // formatted by hand: one hello per link every 2 s
  payload.assign(ip);
  auto text = [&payload](std::string_view field) { payload.append(1, ',').append(field); };
  auto number = [&payload](int64_t field) { append_decimal(payload.append(1, ','), field); };
  number(port);
  text(state_.myid);
  number(static_cast<int64_t>(state_.current_epoch));
  text(master.name);
  text(master_addr.host);
  number(master_addr.port);
  number(static_cast<int64_t>(master.config_epoch));
  return send_command(ri, ReplyHandler::kPublish, {"PUBLISH", "__sentinel__:hello", payload});
}

// sentinelPingReplyCallback: PONG, LOADING and MASTERDOWN mean the instance is available.
void Sentinel::ping_reply(SentinelInstance& ri, InstanceLink& link, const RespValue& reply) {
  if (reply.kind == RespKind::kStatus || reply.kind == RespKind::kError) {
    const std::string& s = reply.str;
    if (has_prefix(s, "PONG") || has_prefix(s, "LOADING") || has_prefix(s, "MASTERDOWN")) {
      link.last_avail_time = mstime();
      link.act_ping_time = 0;
      if (ri.is(sri::kMasterReboot) && has_prefix(s, "PONG")) ri.flags &= ~sri::kMasterReboot;
    } else if (has_prefix(s, "BUSY") && ri.is(sri::kSDown) && !ri.is(sri::kScriptKillSent)) {
      send_command(ri, ReplyHandler::kDiscard, {"SCRIPT", "KILL"});
      ri.flags |= sri::kScriptKillSent;
    }
  }
  link.last_pong_time = mstime();
}

// --- INFO --------------------------------------------------------------------------------------

void Sentinel::refresh_instance_info(SentinelInstance& ri, std::string_view info) {
  if (ri.info) {
    ri.info->assign(info);  // reuses the last INFO's buffer
  } else {
    ri.info.emplace(info);
  }
  ri.master_link_down_time = 0;
  uint32_t role = 0;
  split(info, "\r\n", scratch_lines_);
  for (std::string_view l : scratch_lines_) {
    // Every line read below starts with 'r', 's' or 'm' (run_id, role, replica_announced;
    // slave<n>, slave_*; master_*): most of INFO is passed over at its first byte.
    if (l.empty() || (l[0] != 'r' && l[0] != 's' && l[0] != 'm')) continue;
    if (l.size() >= 47 && has_prefix(l, "run_id:")) {
      std::string runid(l.substr(7, 40));
      if (!ri.runid) {
        ri.runid = runid;
      } else if (*ri.runid != runid) {
        event('*', "+reboot", &ri);
        if (ri.is(sri::kMaster) && ri.master_reboot_down_after_period != 0) {
          ri.flags |= sri::kMasterReboot;
          ri.master_reboot_since_time = mstime();
        }
        ri.runid = runid;
      }
    }
    // A master's replicas: "slave0:ip=127.0.0.1,port=6380,state=online,offset=...,lag=0" (or
    // the old "slave0:<ip>,<port>,<state>"). Replicas of replicas are never discovered.
    if (ri.is(sri::kMaster) && l.size() >= 7 && has_prefix(l, "slave") &&
        std::isdigit(static_cast<unsigned char>(l[5]))) {
      std::string_view ip, port;
      if (size_t at = l.find("ip="); at != std::string_view::npos) {
        size_t p = l.find("port=");
        if (p == std::string_view::npos) continue;
        ip = l.substr(at + 3);
        ip = ip.substr(0, ip.find(','));
        port = l.substr(p + 5);
        port = port.substr(0, port.find(','));
      } else {
        size_t colon = l.find(':');
        if (colon == std::string_view::npos) continue;
        std::vector<std::string_view> fields;
        split(l.substr(colon + 1), ",", fields);
        if (fields.size() < 3) continue;
        ip = fields[0];
        port = fields[1];
      }
      std::string host(ip);
      int64_t port_number = c_strtoll(port, 10).value;
      if (ri.slaves.find(instance_address({host, static_cast<uint16_t>(port_number)})) ==
          nullptr) {
        std::string error;
        if (SentinelInstance* slave = create_instance(state_, "", sri::kSlave, host, port_number,
                                                      ri.quorum, &ri, mstime(), error)) {
          event('*', "+slave", slave);
          flush_config();
        }
      }
    }
    if (l.size() >= 32 && has_prefix(l, "master_link_down_since_seconds")) {
      ri.master_link_down_time = c_strtoll(l.substr(31), 10).value * 1000;
    }
    if (has_prefix(l, "role:master")) {
      role = sri::kMaster;
    } else if (has_prefix(l, "role:slave")) {
      role = sri::kSlave;
    }
    if (role == sri::kSlave) {
      if (has_prefix(l, "master_host:")) {
        std::string_view host = l.substr(12);
        if (!ri.slave_master_host || !equals_nocase(host, *ri.slave_master_host)) {
          ri.slave_master_host = std::string(host);
          ri.slave_conf_change_time = mstime();
        }
      }
      if (has_prefix(l, "master_port:")) {
        int port = static_cast<int>(c_strtoll(l.substr(12), 10).value);
        if (ri.slave_master_port != port) {
          ri.slave_master_port = port;
          ri.slave_conf_change_time = mstime();
        }
      }
      if (has_prefix(l, "master_link_status:")) {
        ri.slave_master_link_up = equals_nocase(l.substr(19), "up");
      }
      if (has_prefix(l, "slave_priority:")) {
        ri.slave_priority = static_cast<int>(c_strtoll(l.substr(15), 10).value);
      }
      if (has_prefix(l, "slave_repl_offset:")) {
        ri.slave_repl_offset = c_strtoll(l.substr(18), 10).value;
      }
      if (has_prefix(l, "replica_announced:")) {
        ri.replica_announced = static_cast<int>(c_strtoll(l.substr(18), 10).value);
      }
    }
  }
  ri.info_refresh = mstime();

  // The acting half.
  if (role != ri.role_reported) {
    ri.role_reported_time = mstime();
    ri.role_reported = role;
    if (role == sri::kSlave) ri.slave_conf_change_time = mstime();
    bool coherent = (ri.flags & (sri::kMaster | sri::kSlave)) == role;
    event('-', coherent ? "+role-change" : "-role-change", &ri,
          fmt::format(" new reported role is {}", role == sri::kMaster ? "master" : "slave"));
  }
  if (state_.tilt) return;
  SentinelInstance* master = ri.master;
  if (ri.is(sri::kSlave) && role == sri::kMaster) {
    if (ri.is(sri::kPromoted) && master->is(sri::kFailoverInProgress) &&
        master->failover_state == FailoverState::kWaitPromotion) {
      // The promotion is confirmed: the config epoch we won becomes the master's, which
      // makes the other Sentinels switch when they hear our hello.
      master->config_epoch = master->failover_epoch;
      master->failover_state = FailoverState::kReconfSlaves;
      master->failover_state_change_time = mstime();
      flush_config();
      event('#', "+promoted-slave", &ri);
      if (state_.simfailure_flags & simfailure::kCrashAfterPromotion) {
        return simulate_failure_crash();
      }
      event('#', "+failover-state-reconf-slaves", master);
      client_reconfig_script(*master, "leader", master->addr, ri.addr);
      force_hello_update(*master);
    } else {
      // A replica that says it is a master is turned back, after a grace period in which a
      // newer config could still arrive by hello.
      int64_t wait_time = state_.timers.publish_period * 4;
      if (!ri.is(sri::kPromoted) && master_looks_sane(*master) && no_down_for(ri, wait_time) &&
          mstime() - ri.role_reported_time > wait_time) {
        if (send_slaveof(ri, &master->addr)) event('*', "+convert-to-slave", &ri);
      }
    }
  }
  if (ri.is(sri::kSlave) && role == sri::kSlave &&
      (ri.slave_master_port != master->addr.port ||
       !address_matches(master->addr, ri.slave_master_host.value_or("")))) {
    int64_t wait_time = master->failover_timeout;
    if (master_looks_sane(*master) && no_down_for(ri, wait_time) &&
        mstime() - ri.slave_conf_change_time > wait_time) {
      if (send_slaveof(ri, &master->addr)) event('*', "+fix-slave-config", &ri);
    }
  }
  if (ri.is(sri::kSlave) && role == sri::kSlave && ri.is(sri::kReconfSent | sri::kReconfInprog)) {
    const sim::Address& promoted = master->promoted_slave->addr;
    if (ri.is(sri::kReconfSent) && ri.slave_master_host &&
        address_matches(promoted, *ri.slave_master_host) &&
        ri.slave_master_port == promoted.port) {
      ri.flags = (ri.flags & ~sri::kReconfSent) | sri::kReconfInprog;
      event('*', "+slave-reconf-inprog", &ri);
    }
    if (ri.is(sri::kReconfInprog) && ri.slave_master_link_up) {
      ri.flags = (ri.flags & ~sri::kReconfInprog) | sri::kReconfDone;
      event('*', "+slave-reconf-done", &ri);
    }
  }
}

// --- Hello -------------------------------------------------------------------------------------

// sentinelReceiveHelloMessages: every message on the pub/sub link shows it is alive; our own
// hellos are dropped.
void Sentinel::hello_message(SentinelInstance& ri, const RespValue& reply) {
  ri.link->pc_last_activity = mstime();
  if (reply.kind != RespKind::kArray || reply.elements.size() != 3) return;
  for (const RespValue& e : reply.elements) {
    if (e.kind != RespKind::kBulk) return;
  }
  if (reply.elements[0].str != "message") return;
  const std::string& payload = reply.elements[2].str;
  if (payload.find(state_.myid) != std::string::npos) return;
  process_hello(payload);
}

int Sentinel::remove_matching_sentinel(SentinelInstance& master, const std::string& runid) {
  int removed = 0;
  std::vector<const SentinelInstance*> matching;
  for (const auto& si : master.sentinels) {
    if (si->runid == runid) matching.push_back(si.get());
  }
  for (const SentinelInstance* si : matching) {
    release_instance(master.sentinels.take(*si));
    ++removed;
  }
  return removed;
}

// sentinelUpdateSentinelAddressInAllMasters: a Sentinel that moved gets its new address under
// every master, and its old connections are dropped.
void Sentinel::update_sentinel_address_in_all_masters(SentinelInstance& si) {
  int reconfigured = 0;
  for (const auto& master : state_.masters) {
    for (const auto& match : master->sentinels) {
      if (match->runid != si.runid) continue;
      close_connection(*match->link, false);
      close_connection(*match->link, true);
      if (match.get() != &si) {
        match->addr = si.addr;
        ++reconfigured;
      }
      break;
    }
  }
  if (reconfigured) {
    event('*', "+sentinel-address-update", &si,
          fmt::format(" {} additional matching instances", reconfigured));
  }
}

// sentinelProcessHelloMessage: learn the sender, adopt a newer current epoch, and switch to
// the master address of a newer config epoch.
void Sentinel::process_hello(std::string_view hello) {
  std::vector<std::string_view>& token = scratch_fields_;
  split(hello, ",", token);
  if (token.size() != 8) return;
  SentinelInstance* master = state_.masters.find(token[4]);
  if (master == nullptr) return;
  std::string_view ip = token[0], runid = token[2];
  int port = static_cast<int>(c_strtoll(token[1], 10).value);
  int master_port = static_cast<int>(c_strtoll(token[6], 10).value);
  uint64_t current_epoch = static_cast<uint64_t>(c_strtoll(token[3], 10).value);
  uint64_t master_config_epoch = static_cast<uint64_t>(c_strtoll(token[7], 10).value);

  auto find_sentinel = [&](const std::string_view* with_runid) -> SentinelInstance* {
    for (const auto& si : master->sentinels) {
      if (with_runid && si->runid != *with_runid) continue;
      if (si->addr.port == port && address_matches(si->addr, ip)) return si.get();
    }
    return nullptr;
  };
  SentinelInstance* si = find_sentinel(&runid);
  if (si == nullptr) {
    // Unknown at this address: the same run id elsewhere means it moved; another run id at
    // this address means that one is stale, everywhere.
    int removed = remove_matching_sentinel(*master, std::string(runid));
    if (removed) {
      event('*', "+sentinel-address-switch", master,
            fmt::format(" ip {} port {} for {}", ip, port, runid));
    } else if (SentinelInstance* other = find_sentinel(nullptr)) {
      event('*', "+sentinel-invalid-addr", other);
      std::string obsolete = other->runid.value_or("");
      for (const auto& m : state_.masters) remove_matching_sentinel(*m, obsolete);
    }
    std::string error;
    si = create_instance(state_, runid, sri::kSentinel, std::string(ip), port, master->quorum,
                         master, mstime(), error);
    if (si) {
      if (!removed) event('*', "+sentinel", si);
      si->runid = std::string(runid);
      try_connection_sharing(*si);
      if (removed) update_sentinel_address_in_all_masters(*si);
      flush_config();
    }
  }
  if (current_epoch > state_.current_epoch) {
    state_.current_epoch = current_epoch;
    flush_config();
    event('#', "+new-epoch", master, fmt::format("{}", current_epoch), false);
  }
  bool newer = master->config_epoch < master_config_epoch ||
               (planted(PlantedBug::kHelloOlderConfigEpoch) &&
                master->config_epoch != master_config_epoch);
  if (si && newer) {
    master->config_epoch = master_config_epoch;
    if (master_port != master->addr.port || !address_matches(master->addr, token[5])) {
      event('#', "+config-update-from", si);
      sim::Address old_addr = master->addr;
      sim::Address new_addr{std::string(token[5]), static_cast<uint16_t>(master_port)};
      event('#', "+switch-master", master,
            fmt::format("{} {} {} {} {}", master->name, old_addr.host, old_addr.port,
                        new_addr.host, new_addr.port),
            false);
      reset_master_and_change_address(*master, new_addr);
      client_reconfig_script(*master, "observer", old_addr, master->addr);
    }
  }
  if (si) si->last_hello_time = mstime();
}

void Sentinel::force_hello_update(SentinelInstance& master) {
  int64_t step = state_.timers.publish_period + 1;
  auto rewind = [step](SentinelInstance& ri) {
    if (ri.last_pub_time >= step) ri.last_pub_time -= step;
  };
  rewind(master);
  for (const auto& si : master.sentinels) rewind(*si);
  for (const auto& slave : master.slaves) rewind(*slave);
}

// --- SDOWN, ODOWN ------------------------------------------------------------------------------

void Sentinel::check_subjectively_down(SentinelInstance& ri) {
  InstanceLink& link = *ri.link;
  int64_t now = mstime();
  int64_t elapsed = link.act_ping_time ? now - link.act_ping_time
                    : link.disconnected ? now - link.last_avail_time
                                        : 0;
  // A command connection with a PING pending for half the down-after time is dropped and
  // reconnected (not before it is 15 s old), in case the link, not the instance, is stuck.
  if (link.cc && now - link.cc_conn_time > state_.timers.min_link_reconnect_period &&
      link.act_ping_time != 0 && now - link.act_ping_time > ri.down_after_period / 2 &&
      now - link.last_pong_time > ri.down_after_period / 2) {
    close_connection(link, false);
  }
  // A pub/sub connection that heard nothing, not even our own hellos, for 3 publish periods.
  if (link.pc && now - link.pc_conn_time > state_.timers.min_link_reconnect_period &&
      now - link.pc_last_activity > state_.timers.publish_period * 3) {
    close_connection(link, true);
  }
  bool down = elapsed > ri.down_after_period ||
              (ri.is(sri::kMaster) && ri.role_reported == sri::kSlave &&
               now - ri.role_reported_time >
                   ri.down_after_period + state_.timers.info_period * 2) ||
              (ri.is(sri::kMasterReboot) &&
               now - ri.master_reboot_since_time > ri.master_reboot_down_after_period);
  if (down && !ri.is(sri::kSDown)) {
    event('#', "+sdown", &ri);
    ri.s_down_since_time = now;
    ri.flags |= sri::kSDown;
  } else if (!down && ri.is(sri::kSDown)) {
    event('#', "-sdown", &ri);
    ri.flags &= ~(sri::kSDown | sri::kScriptKillSent);
  }
}

void Sentinel::check_objectively_down(SentinelInstance& master) {
  unsigned quorum = 0;
  bool odown = false;
  if (master.is(sri::kSDown)) {
    quorum = 1;  // this Sentinel
    for (const auto& si : master.sentinels) {
      if (si->is(sri::kMasterDown)) ++quorum;
    }
    odown = quorum >= master.quorum;
  }
  if (odown && !master.is(sri::kODown)) {
    event('#', "+odown", &master, fmt::format(" #quorum {}/{}", quorum, master.quorum));
    master.flags |= sri::kODown;
    master.o_down_since_time = mstime();
  } else if (!odown && master.is(sri::kODown)) {
    event('#', "-odown", &master);
    master.flags &= ~sri::kODown;
  }
}

// sentinelAskMasterStateToOtherSentinels: replies older than 5 ask periods are forgotten;
// while the master is SDOWN each peer is asked once per ask period (at once when forced),
// with our run id once we fail over, which asks for its vote.
void Sentinel::ask_master_state(SentinelInstance& master, int flags) {
  int64_t now = mstime();
  for (const auto& ri : master.sentinels) {
    if (now - ri->last_master_down_reply_time > state_.timers.ask_period * 5) {
      ri->flags &= ~sri::kMasterDown;
      ri->leader.reset();
    }
    if (!master.is(sri::kSDown) || ri->link->disconnected) continue;
    if (!(flags & kAskForced) &&
        now - ri->last_master_down_reply_time < state_.timers.ask_period) {
      continue;
    }
    std::string port = fmt::format("{}", master.addr.port);
    std::string epoch = fmt::format("{}", state_.current_epoch);
    std::string_view runid =
        master.failover_state > FailoverState::kNone ? std::string_view(state_.myid) : "*";
    send_command(*ri, ReplyHandler::kIsMasterDown,
                 {"SENTINEL", "is-master-down-by-addr", master.addr.host, port, epoch, runid});
  }
}

void Sentinel::is_master_down_reply(SentinelInstance& ri, const RespValue& r) {
  if (r.kind != RespKind::kArray || r.elements.size() != 3 ||
      r.elements[0].kind != RespKind::kInteger || r.elements[1].kind != RespKind::kBulk ||
      r.elements[2].kind != RespKind::kInteger) {
    return;
  }
  ri.last_master_down_reply_time = mstime();
  if (r.elements[0].num == 1) {
    ri.flags |= sri::kMasterDown;
  } else {
    ri.flags &= ~sri::kMasterDown;
  }
  const std::string& leader = r.elements[1].str;
  if (leader != "*") {
    auto epoch = static_cast<uint64_t>(r.elements[2].num);
    if (ri.leader_epoch != epoch) {
      log('#', "voted-for", fmt::format("{} voted for {} {}", ri.name, leader, epoch));
    }
    ri.leader = leader;
    ri.leader_epoch = epoch;
  }
}

// --- TILT and helpers --------------------------------------------------------------------------

// A tick that comes too late (the process was stopped or busy) or whose clock went back makes
// Sentinel distrust its timings for the TILT period.
void Sentinel::check_tilt() {
  int64_t now = mstime();
  int64_t delta = now - state_.previous_time;
  if (delta < 0 || delta > state_.timers.tilt_trigger) {
    state_.tilt = true;
    state_.tilt_start_time = now;
    event('#', "+tilt", nullptr, "#tilt mode entered");
  }
  state_.previous_time = now;
}

bool Sentinel::master_looks_sane(const SentinelInstance& master) const {
  return master.is(sri::kMaster) && master.role_reported == sri::kMaster &&
         !master.is(sri::kSDown | sri::kODown) &&
         mstime() - master.info_refresh < state_.timers.info_period * 2;
}

// sentinelRedisInstanceNoDownFor: no SDOWN or ODOWN *started* within the last `ms`.
bool Sentinel::no_down_for(const SentinelInstance& ri, int64_t ms) const {
  int64_t most_recent = std::max(ri.s_down_since_time, ri.o_down_since_time);
  return most_recent == 0 || mstime() - most_recent > ms;
}

// sentinelGetCurrentMasterAddress: the promoted replica's once the promotion is confirmed.
const sim::Address& Sentinel::current_master_address(const SentinelInstance& master) const {
  if (master.is(sri::kFailoverInProgress) && master.promoted_slave &&
      master.failover_state >= FailoverState::kReconfSlaves) {
    return master.promoted_slave->addr;
  }
  return master.addr;
}

// sentinelAddrEqualsHostname: hosts are compared as text, case-insensitively.
bool Sentinel::address_matches(const sim::Address& addr, std::string_view host) const {
  return equals_nocase(addr.host, host);
}

}  // namespace model
