// Sentinel's failover: votes and leader election, the failover state machine, the replica
// selection, reconfiguring the replicas, and the switch to the new master (sentinel.c
// sentinelVoteLeader, sentinelGetLeader, sentinelStartFailoverIfNeeded, sentinelFailover*,
// sentinelSelectSlave, sentinelSendSlaveOf, sentinelResetMaster*).
#include <fmt/format.h>

#include <algorithm>

#include "model/config_syntax.h"
#include "model/keyspace_util.h"
#include "model/planted_bugs.h"
#include "model/sentinel.h"
#include "sim/civil_time.h"

namespace model {
namespace {

constexpr int64_t kMaxDesync = 1000;  // SENTINEL_MAX_DESYNC

// ctime_r's text without its newline, UTC: "Sat Nov 21 21:08:22 2026".
std::string ctime_text(int64_t unix_s) {
  sim::CivilTime t = sim::civil_time(unix_s);
  return fmt::format("{} {} {:2} {:02}:{:02}:{:02} {}", sim::kWeekdayNames[t.weekday],
                     sim::kMonthNames[t.month - 1], t.day, t.hour, t.minute, t.second, t.year);
}

// compareSlavesForPromotion: lower priority, then larger offset, then smaller run id
// (case-insensitively; a replica without one last).
bool better_candidate(const SentinelInstance* a, const SentinelInstance* b) {
  if (a->slave_priority != b->slave_priority) return a->slave_priority < b->slave_priority;
  if (a->slave_repl_offset != b->slave_repl_offset) {
    return a->slave_repl_offset > b->slave_repl_offset;
  }
  if (!a->runid || !b->runid) return a->runid.has_value() && !b->runid.has_value();
  return to_lower(*a->runid) < to_lower(*b->runid);
}

}  // namespace

// --- Votes -------------------------------------------------------------------------------------

// sentinelVoteLeader: one vote per epoch, to the first who asks; a vote for someone else also
// holds back our own failover of this master (failover_start_time).
std::optional<std::string> Sentinel::vote_leader(SentinelInstance& master, uint64_t req_epoch,
                                                 std::string_view req_runid,
                                                 uint64_t& leader_epoch) {
  if (req_epoch > state_.current_epoch) {
    state_.current_epoch = req_epoch;
    flush_config();
    event('#', "+new-epoch", &master, fmt::format("{}", state_.current_epoch), false);
  }
  bool may_vote = master.leader_epoch < req_epoch ||
                  (planted(PlantedBug::kDoubleVote) && master.leader_epoch == req_epoch);
  if (may_vote && state_.current_epoch <= req_epoch) {
    master.leader = std::string(req_runid);
    master.leader_epoch = state_.current_epoch;
    flush_config();
    event('#', "+vote-for-leader", &master,
          fmt::format("{} {}", *master.leader, master.leader_epoch), false);
    if (!equals_nocase(*master.leader, state_.myid)) {
      master.failover_start_time =
          mstime() + static_cast<int64_t>(env().rng("failover-desync").uniform(0, kMaxDesync - 1));
    }
  }
  leader_epoch = master.leader_epoch;
  return master.leader;
}

// sentinelGetLeader: the most voted run id among the peers' votes of this epoch, plus our own
// vote (for that winner, else for ourselves); it wins with a majority of all known Sentinels
// and at least the quorum.
std::optional<std::string> Sentinel::get_leader(SentinelInstance& master, uint64_t epoch) {
  size_t voters = master.sentinels.size() + 1;
  // The counters dict: iterated in hash order, which decides ties.
  std::map<std::string, uint64_t> counts;
  for (const auto& ri : master.sentinels) {
    if (ri->leader && ri->leader_epoch == state_.current_epoch) ++counts[*ri->leader];
  }
  std::vector<std::pair<uint64_t, std::string>> ranked;
  for (const auto& entry : counts) {
    ranked.emplace_back(order_hash(entry.first, state_.dict_seed), entry.first);
  }
  std::sort(ranked.begin(), ranked.end());
  std::optional<std::string> winner;
  uint64_t max_votes = 0;
  for (const auto& [rank, runid] : ranked) {
    if (counts[runid] > max_votes) {
      max_votes = counts[runid];
      winner = runid;
    }
  }
  uint64_t leader_epoch = 0;
  std::optional<std::string> myvote =
      vote_leader(master, epoch, winner ? *winner : state_.myid, leader_epoch);
  if (myvote && leader_epoch == epoch) {
    uint64_t votes = ++counts[*myvote];
    if (votes > max_votes) {
      max_votes = votes;
      winner = myvote;
    }
  }
  if (winner && (max_votes < voters / 2 + 1 || max_votes < master.quorum)) winner.reset();
  return winner;
}

// --- Starting ----------------------------------------------------------------------------------

// sentinelStartFailoverIfNeeded: ODOWN, no failover under way, and not within twice the
// failover timeout of our last attempt (or of our vote for another Sentinel).
bool Sentinel::start_failover_if_needed(SentinelInstance& master) {
  if (!master.is(sri::kODown) || master.is(sri::kFailoverInProgress)) return false;
  if (mstime() - master.failover_start_time < master.failover_timeout * 2) {
    if (master.failover_delay_logged != master.failover_start_time) {
      int64_t not_before = (master.failover_start_time + master.failover_timeout * 2) / 1000;
      master.failover_delay_logged = master.failover_start_time;
      log('#', "next-failover-delay",
          fmt::format("Next failover delay: I will not start a failover before {}",
                      ctime_text(not_before)));
    }
    return false;
  }
  start_failover(master);
  return true;
}

// sentinelStartFailover: a new epoch; the random desync moves the election deadline, not the
// start, so Sentinels that start together do not retry together.
void Sentinel::start_failover(SentinelInstance& master) {
  master.failover_state = FailoverState::kWaitStart;
  master.flags |= sri::kFailoverInProgress;
  master.failover_epoch = ++state_.current_epoch;
  event('#', "+new-epoch", &master, fmt::format("{}", state_.current_epoch), false);
  event('#', "+try-failover", &master);
  master.failover_start_time =
      mstime() + static_cast<int64_t>(env().rng("failover-desync").uniform(0, kMaxDesync - 1));
  master.failover_state_change_time = mstime();
}

// --- The state machine: one step per tick ------------------------------------------------------

void Sentinel::failover_state_machine(SentinelInstance& master) {
  if (!master.is(sri::kFailoverInProgress)) return;
  switch (master.failover_state) {
    case FailoverState::kWaitStart: return failover_wait_start(master);
    case FailoverState::kSelectSlave: return failover_select_slave(master);
    case FailoverState::kSendSlaveofNoone: return failover_send_slaveof_noone(master);
    case FailoverState::kWaitPromotion: return failover_wait_promotion(master);
    case FailoverState::kReconfSlaves: return failover_reconf_next_slave(master);
    case FailoverState::kNone:
    case FailoverState::kUpdateConfig: return;  // the switch runs after the tick's loop
  }
}

void Sentinel::failover_wait_start(SentinelInstance& master) {
  std::optional<std::string> leader = get_leader(master, master.failover_epoch);
  bool is_leader = leader && equals_nocase(*leader, state_.myid);
  if (!is_leader && !master.is(sri::kForceFailover)) {
    int64_t election_timeout = std::min(state_.timers.election_timeout, master.failover_timeout);
    if (mstime() - master.failover_start_time > election_timeout) {
      event('#', "-failover-abort-not-elected", &master);
      abort_failover(master);
    }
    return;
  }
  event('#', "+elected-leader", &master);
  if (state_.simfailure_flags & simfailure::kCrashAfterElection) return simulate_failure_crash();
  master.failover_state = FailoverState::kSelectSlave;
  master.failover_state_change_time = mstime();
  event('#', "+failover-state-select-slave", &master);
}

void Sentinel::failover_select_slave(SentinelInstance& master) {
  SentinelInstance* slave = select_slave(master);
  if (slave == nullptr) {
    event('#', "-failover-abort-no-good-slave", &master);
    abort_failover(master);
    return;
  }
  event('#', "+selected-slave", slave);
  slave->flags |= sri::kPromoted;
  master.promoted_slave = slave;
  master.failover_state = FailoverState::kSendSlaveofNoone;
  master.failover_state_change_time = mstime();
  event('*', "+failover-state-send-slaveof-noone", slave);
}

void Sentinel::failover_send_slaveof_noone(SentinelInstance& master) {
  SentinelInstance& promoted = *master.promoted_slave;
  if (promoted.link->disconnected) {
    if (mstime() - master.failover_state_change_time > master.failover_timeout) {
      event('#', "-failover-abort-slave-timeout", &master);
      abort_failover(master);
    }
    return;
  }
  if (!send_slaveof(promoted, nullptr)) return;
  event('*', "+failover-state-wait-promotion", &promoted);
  master.failover_state = FailoverState::kWaitPromotion;
  master.failover_state_change_time = mstime();
}

// Progress comes from the promoted replica's INFO (refresh_instance_info); here only the
// timeout.
void Sentinel::failover_wait_promotion(SentinelInstance& master) {
  if (mstime() - master.failover_state_change_time > master.failover_timeout) {
    event('#', "-failover-abort-slave-timeout", &master);
    abort_failover(master);
  }
}

// sentinelFailoverReconfNextSlave: SLAVEOF <promoted> to at most parallel-syncs replicas at a
// time. A replica that stays in RECONF_SENT for 10 s is given up on, but only when the loop
// runs, which it does not while parallel-syncs replicas are in progress.
void Sentinel::failover_reconf_next_slave(SentinelInstance& master) {
  int in_progress = 0;
  for (const auto& slave : master.slaves) {
    if (slave->is(sri::kReconfSent | sri::kReconfInprog)) ++in_progress;
  }
  for (const auto& slave : master.slaves) {
    if (in_progress >= master.parallel_syncs) break;
    if (slave->is(sri::kPromoted | sri::kReconfDone)) continue;
    if (slave->is(sri::kReconfSent) &&
        mstime() - slave->slave_reconf_sent_time > state_.timers.slave_reconf_timeout) {
      event('*', "-slave-reconf-sent-timeout", slave.get());
      slave->flags = (slave->flags & ~sri::kReconfSent) | sri::kReconfDone;
    }
    if (slave->is(sri::kReconfSent | sri::kReconfInprog) || slave->link->disconnected) continue;
    if (send_slaveof(*slave, &master.promoted_slave->addr)) {
      slave->flags |= sri::kReconfSent;
      slave->slave_reconf_sent_time = mstime();
      event('*', "+slave-reconf-sent", slave.get());
      ++in_progress;
    }
  }
  failover_detect_end(master);
}

void Sentinel::failover_detect_end(SentinelInstance& master) {
  if (master.promoted_slave == nullptr || master.promoted_slave->is(sri::kSDown)) return;
  int not_reconfigured = 0;
  for (const auto& slave : master.slaves) {
    if (slave->is(sri::kPromoted | sri::kReconfDone | sri::kSDown)) continue;
    ++not_reconfigured;
  }
  bool timeout = mstime() - master.failover_state_change_time > master.failover_timeout;
  if (timeout) {
    not_reconfigured = 0;
    event('#', "+failover-end-for-timeout", &master);
  }
  if (not_reconfigured == 0) {
    event('#', "+failover-end", &master);
    master.failover_state = FailoverState::kUpdateConfig;
    master.failover_state_change_time = mstime();
  }
  if (!timeout) return;
  // Best effort: the replicas not yet told are told now, without waiting for them.
  for (const auto& slave : master.slaves) {
    if (slave->is(sri::kPromoted | sri::kReconfDone | sri::kReconfSent)) continue;
    if (slave->link->disconnected) continue;
    if (send_slaveof(*slave, &master.promoted_slave->addr)) {
      event('*', "+slave-reconf-sent-be", slave.get());
      slave->flags |= sri::kReconfSent;
    }
  }
}

void Sentinel::switch_to_promoted_slave(SentinelInstance& master) {
  const SentinelInstance& ref = master.promoted_slave ? *master.promoted_slave : master;
  sim::Address to = ref.addr;
  event('#', "+switch-master", &master,
        fmt::format("{} {} {} {} {}", master.name, master.addr.host, master.addr.port, to.host,
                    to.port),
        false);
  reset_master_and_change_address(master, to);
}

// sentinelAbortFailover (only before the promotion is confirmed). failover_start_time is
// kept: our next attempt waits twice the failover timeout.
void Sentinel::abort_failover(SentinelInstance& master) {
  master.flags &= ~(sri::kFailoverInProgress | sri::kForceFailover);
  master.failover_state = FailoverState::kNone;
  master.failover_state_change_time = mstime();
  if (master.promoted_slave) {
    master.promoted_slave->flags &= ~sri::kPromoted;
    master.promoted_slave = nullptr;
  }
}

// sentinelSelectSlave: connected, recently answering, recently INFO'd replicas with a nonzero
// priority whose link to the master was not down too long; the best by better_candidate.
SentinelInstance* Sentinel::select_slave(SentinelInstance& master) {
  int64_t now = mstime();
  int64_t max_master_down_time =
      (master.is(sri::kSDown) ? now - master.s_down_since_time : 0) +
      master.down_after_period * 10;
  int64_t info_validity_time = master.is(sri::kSDown) ? state_.timers.ping_period * 5
                                                      : state_.timers.info_period * 3;
  std::vector<SentinelInstance*> candidates;
  for (const auto& slave : master.slaves) {
    if (slave->is(sri::kSDown | sri::kODown) || slave->link->disconnected) continue;
    if (now - slave->link->last_avail_time > state_.timers.ping_period * 5) continue;
    if (slave->slave_priority == 0 && !planted(PlantedBug::kPromotePriorityZero)) continue;
    if (now - slave->info_refresh > info_validity_time) continue;
    if (slave->master_link_down_time > max_master_down_time) continue;
    candidates.push_back(slave.get());
  }
  if (candidates.empty()) return nullptr;
  return *std::min_element(candidates.begin(), candidates.end(), better_candidate);
}

// sentinelSendSlaveOf: one transaction that also rewrites the instance's config and drops its
// clients, so they reconnect to the right master. Replies are ignored; INFO shows the result.
bool Sentinel::send_slaveof(SentinelInstance& ri, const sim::Address* addr) {
  std::string host = addr ? addr->host : "NO";
  std::string port = addr ? fmt::format("{}", addr->port) : "ONE";
  return send_command(ri, ReplyHandler::kDiscard, {"MULTI"}) &&
         send_command(ri, ReplyHandler::kDiscard, {"SLAVEOF", host, port}) &&
         send_command(ri, ReplyHandler::kDiscard, {"CONFIG", "REWRITE"}) &&
         send_command(ri, ReplyHandler::kDiscard, {"CLIENT", "KILL", "TYPE", "normal"}) &&
         send_command(ri, ReplyHandler::kDiscard, {"CLIENT", "KILL", "TYPE", "pubsub"}) &&
         send_command(ri, ReplyHandler::kDiscard, {"EXEC"});
}

// --- Reset and switch --------------------------------------------------------------------------

// sentinelResetMaster: replicas forgotten (and the Sentinels unless kept), links dropped,
// failover state cleared; a new failover may start at once.
void Sentinel::reset_master(SentinelInstance& master, bool keep_sentinels, bool generate_event) {
  for (auto& slave : master.slaves.take_all()) release_instance(std::move(slave));
  if (!keep_sentinels) {
    for (auto& si : master.sentinels.take_all()) release_instance(std::move(si));
  }
  close_connection(*master.link, false);
  close_connection(*master.link, true);
  master.flags &= sri::kMaster;
  master.leader.reset();
  master.failover_state = FailoverState::kNone;
  master.failover_state_change_time = 0;
  master.failover_start_time = 0;
  master.promoted_slave = nullptr;
  master.runid.reset();
  master.slave_master_host.reset();
  int64_t now = mstime();
  InstanceLink& link = *master.link;
  link.act_ping_time = now;
  link.last_ping_time = 0;
  link.last_avail_time = now;
  link.last_pong_time = now;
  master.role_reported_time = now;
  master.role_reported = sri::kMaster;
  if (generate_event) event('#', "+reset-master", &master);
}

// sentinelResetMasterAndChangeAddress: the master record moves to `addr`; every other known
// address, the old master's included, comes back as a fresh replica record.
void Sentinel::reset_master_and_change_address(SentinelInstance& master,
                                               const sim::Address& addr) {
  std::vector<sim::Address> slaves;
  for (const auto& slave : master.slaves) {
    if (slave->addr.port == addr.port && address_matches(slave->addr, addr.host)) continue;
    slaves.push_back(slave->addr);
  }
  if (!(master.addr.port == addr.port && address_matches(master.addr, addr.host))) {
    slaves.push_back(master.addr);
  }
  reset_master(master, true, false);
  master.addr = addr;
  master.o_down_since_time = 0;
  master.s_down_since_time = 0;
  for (const sim::Address& a : slaves) {
    std::string error;
    if (SentinelInstance* slave = create_instance(state_, "", sri::kSlave, a.host, a.port,
                                                  master.quorum, &master, mstime(), error)) {
      event('*', "+slave", slave);
    }
  }
  flush_config();
}

// SENTINEL SIMULATE-FAILURE: the process exits right after the election or the promotion.
void Sentinel::simulate_failure_crash() {
  log('#', "simulated-crash", "Sentinel CRASH because of SENTINEL simulate-failure");
  env().exit();
}

}  // namespace model
