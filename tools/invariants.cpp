#include "tools/invariants.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "model/config_table.h"
#include "model/sentinel.h"
#include "model/sentinel_state.h"
#include "model/server.h"
#include "tools/known_findings.h"

namespace tools {

namespace {

// A finding of one name is reported this many times at most: one bug tends to repeat.
constexpr uint32_t kMaxReportsPerName = 3;

const Invariant kInvariants[] = {
    {"one-leader-per-epoch", "at most one Sentinel is elected leader for a master in an epoch"},
    {"one-master-per-config-epoch",
     "every promotion or switch to a config epoch of a master names the same address"},
    {"epochs-never-go-backwards",
     "a Sentinel's current epoch and a master's config epoch never decrease, restarts included"},
    {"one-vote-per-epoch", "a Sentinel votes at most once per master and epoch"},
    {"no-priority-zero-promotion", "a replica with replica-priority 0 is never promoted"},
    {"psync-same-history",
     "a partial resync is accepted only for the master's replid, or its previous replid up to "
     "the offset where the histories part"},
    {"sentinels-agree", "after the faults heal, every Sentinel names the same master and config "
                        "epoch, and that master is a running master that takes writes",
     true},
    {"replicas-follow-master", "after the faults heal, every other server replicates from that "
                               "master with its link up and holds the same data",
     true},
};

// The word after `key` in "... key WORD ...", or "".
std::string_view word_after(std::string_view text, std::string_view key) {
  size_t at = text.find(key);
  if (at == std::string_view::npos) return {};
  std::string_view rest = text.substr(at + key.size());
  return rest.substr(0, rest.find(' '));
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t space = text.find(' ');
    if (space != 0) out.push_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return out;
}

template <typename T>
std::optional<T> number(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string at_time(sim::Time t) { return sim::format_seconds(t); }

const model::SentinelInstance* first_master(const model::Sentinel& s) {
  for (const auto& m : s.state().masters) return m.get();
  return nullptr;
}

}  // namespace

const std::vector<Invariant>& all_invariants() {
  static const std::vector<Invariant> list(std::begin(kInvariants), std::end(kInvariants));
  return list;
}

InvariantMonitor::InvariantMonitor(sim::World& world, std::vector<MonitoredNode> nodes)
    : world_(world), nodes_(std::move(nodes)) {}

bool InvariantMonitor::violated() const {
  return std::any_of(findings_.begin(), findings_.end(), [](const Finding& f) { return !f.known; });
}

const MonitoredNode* InvariantMonitor::node_named(std::string_view name) const {
  for (const MonitoredNode& n : nodes_) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

const MonitoredNode* InvariantMonitor::node_at(const sim::Address& addr) const {
  for (const MonitoredNode& n : nodes_) {
    if (n.addr == addr) return &n;
  }
  return nullptr;
}

void InvariantMonitor::report(std::string_view name, sim::Time t, std::string message,
                              bool known) {
  if (reported_[std::string(name)]++ >= kMaxReportsPerName) return;
  // Two Sentinels naming two masters under one config epoch may still disagree at the end:
  // then that is part of the known finding (and counted under its name), not a violation.
  bool liveness = name == "sentinels-agree" || name == "replicas-follow-master";
  for (std::string_view cause :
       {known::kFailoverEndsUnderNewerEpoch, known::kForcedFailoverReusesEpoch}) {
    if (liveness && !known && reported_.count(std::string(cause))) {
      message = fmt::format("{} failed, after {}: {}", name, cause, message);
      name = cause;
      known = true;
    }
  }
  findings_.push_back({std::string(name), t, std::move(message), known});
}

// --- Safety: on the trace ----------------------------------------------------------------------

void InvariantMonitor::write(const sim::TraceRecord& r) {
  const MonitoredNode* node = node_named(r.node);
  if (node == nullptr || !world_.alive(node->id)) return;
  if (r.kind == "fault") {
    // A fault is logged before it strikes: what a Sentinel did since its last record (a
    // hello's config epoch is raised after "+new-epoch") is read now, or a crash hides it.
    if (node->sentinel) check_epochs(*node, r.t);
    return;
  }
  if (r.kind != "sentinel" && r.kind != "server") return;
  if (node->sentinel) {
    on_sentinel_record(*node, r);
  } else {
    on_server_record(*node, r);
  }
}

void InvariantMonitor::on_sentinel_record(const MonitoredNode& node, const sim::TraceRecord& r) {
  if (r.event == "starting") {
    SentinelSeen& seen = sentinels_[node.name];
    ++seen.incarnation;
    seen.loaded = false;
    return;
  }
  if (r.event == "config-saved") {
    sentinels_[node.name].current_epoch_on_disk.reset();
    return;
  }
  // The epochs are read once the process has loaded its config (its first event after that
  // is "Sentinel ID is ..." or a Sentinel event).
  if (r.event.empty() || r.event == "sentinel-id" || r.event.front() == '+' ||
      r.event.front() == '-') {
    check_epochs(node, r.t);
  }
  if (r.event == "+try-failover") note_failover_start(node, r);
  if (r.event == "+vote-for-leader") check_vote(node, r);
  if (r.event == "+elected-leader") check_election(node, r);
  if (r.event == "+selected-slave" || r.event == "+promoted-slave") check_priority(node, r);
  if (r.event == "+promoted-slave" || r.event == "+switch-master") check_promotion(node, r);
}

void InvariantMonitor::on_server_record(const MonitoredNode& node, const sim::TraceRecord& r) {
  if (r.event == "psync-try") {
    // "Trying a partial resynchronization (request <replid>:<offset>)."
    std::string_view request = word_after(r.text, "(request ");
    size_t colon = request.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view offset = request.substr(colon + 1);
    if (!offset.empty() && offset.back() == '.') offset.remove_suffix(1);
    if (!offset.empty() && offset.back() == ')') offset.remove_suffix(1);
    psync_requests_[node.addr.to_string()] =
        PsyncRequest{std::string(request.substr(0, colon)), number<int64_t>(offset).value_or(-1)};
  } else if (r.event == "psync-accepted") {
    check_psync_accepted(node, r);
  }
}

void InvariantMonitor::check_epochs(const MonitoredNode& node, sim::Time t) {
  const auto* sentinel = dynamic_cast<const model::Sentinel*>(world_.process(node.id));
  if (sentinel == nullptr || sentinel->state().myid.empty()) return;
  SentinelSeen& seen = sentinels_[node.name];
  const model::SentinelState& state = sentinel->state();
  // Only a restart can excuse a step back: the config file lacks what Redis never saved.
  const bool restart = !std::exchange(seen.loaded, true);
  if (state.current_epoch < seen.current_epoch) {
    report_epoch_back(node, "current epoch", seen.current_epoch, state.current_epoch,
                      restart && seen.current_epoch_on_disk == state.current_epoch, t);
    seen.current_epoch_on_disk.reset();
  }
  seen.current_epoch = state.current_epoch;
  for (const auto& m : state.masters) {
    uint64_t& last = seen.config_epochs[m->name];
    if (m->config_epoch < last) {
      // A hello with a newer config epoch for the address a Sentinel already has raises the
      // epoch without saving it (sentinelProcessHelloMessage saves only on a switch, in
      // sentinelResetMasterAndChangeAddress): also the old master's address during the
      // Sentinel's own failover. Only an epoch it never switched or promoted under can be lost
      // to a restart; losing any other is a lost save.
      bool unsaved = restart && !seen.saved_config_epochs.contains({m->name, last});
      report_epoch_back(node, "config epoch of " + m->name, last, m->config_epoch, unsaved, t);
    }
    last = m->config_epoch;
  }
}

void InvariantMonitor::report_epoch_back(const MonitoredNode& node, std::string_view what,
                                         uint64_t seen, uint64_t now, bool unsaved,
                                         sim::Time t) {
  std::string message = fmt::format("{}'s {} went from {} back to {} at {}", node.name, what,
                                    seen, now, at_time(t));
  if (unsaved) {
    report(known::kEpochNotSaved, t, message + " (a restart: Redis never saved the newer one)",
           true);
  } else {
    report("epochs-never-go-backwards", t, message);
  }
}

// "+try-failover master <name> <ip> <port>": sentinelStartFailover raised the current epoch
// to the failover epoch ("+new-epoch", just before) and saved nothing.
void InvariantMonitor::note_failover_start(const MonitoredNode& node, const sim::TraceRecord& r) {
  const auto* sentinel = dynamic_cast<const model::Sentinel*>(world_.process(node.id));
  if (sentinel == nullptr) return;
  const model::SentinelInstance* m = sentinel->state().masters.find(word_after(r.text, "master "));
  if (m == nullptr || m->failover_epoch != sentinel->state().current_epoch) return;
  SentinelSeen& seen = sentinels_[node.name];
  if (!seen.current_epoch_on_disk) seen.current_epoch_on_disk = m->failover_epoch - 1;
}

// "+vote-for-leader <runid> <epoch>": the first vote of this Sentinel in that epoch.
void InvariantMonitor::check_vote(const MonitoredNode& node, const sim::TraceRecord& r) {
  std::vector<std::string_view> w = words(r.text);
  if (w.size() != 3) return;
  std::optional<uint64_t> epoch = number<uint64_t>(w[2]);
  const auto* sentinel = dynamic_cast<const model::Sentinel*>(world_.process(node.id));
  if (!epoch || sentinel == nullptr) return;
  std::string master;
  for (const auto& m : sentinel->state().masters) {
    if (m->leader == w[1] && m->leader_epoch == *epoch) master = m->name;
  }
  uint32_t incarnation = sentinels_[node.name].incarnation;
  auto [it, first] = votes_.try_emplace({node.name, master, *epoch},
                                        Vote{std::string(w[1]), incarnation, r.t});
  if (first || it->second.runid == w[1]) return;
  std::string message = fmt::format(
      "{} voted for {} in epoch {} of {} at {}, and for {} in the same epoch at {}", node.name,
      it->second.runid, *epoch, master, at_time(it->second.t), w[1], at_time(r.t));
  if (it->second.incarnation != incarnation) {
    report(known::kVoteAgainAfterRestart, r.t, message + " (after a restart)", true);
  } else {
    report("one-vote-per-epoch", r.t, message);
  }
}

// "+elected-leader master <name> <ip> <port>": this Sentinel won the election for its
// failover epoch.
void InvariantMonitor::check_election(const MonitoredNode& node, const sim::TraceRecord& r) {
  const auto* sentinel = dynamic_cast<const model::Sentinel*>(world_.process(node.id));
  std::string master(word_after(r.text, "master "));
  if (sentinel == nullptr) return;
  const model::SentinelInstance* m = sentinel->state().masters.find(master);
  if (m == nullptr) return;
  // SENTINEL FAILOVER skips the election: the Sentinel "elects" itself in its own next epoch.
  bool forced = m->is(model::sri::kForceFailover);
  if (forced) forced_epochs_.insert({master, m->failover_epoch});
  auto [it, first] = leaders_.try_emplace({master, m->failover_epoch}, node.name);
  if (first || it->second == node.name) return;
  bool known = forced_epochs_.count({master, m->failover_epoch}) > 0;
  report(known ? known::kForcedFailoverReusesEpoch : "one-leader-per-epoch", r.t,
         fmt::format("{} and {} were both elected leader for {} in epoch {} (the second at {}{})",
                     it->second, node.name, master, m->failover_epoch, at_time(r.t),
                     known ? ", a forced failover" : ""),
         known);
}

// "+selected-slave slave <ip:port> <ip> <port> @ <master> ..." and "+promoted-slave ...".
void InvariantMonitor::check_priority(const MonitoredNode& node, const sim::TraceRecord& r) {
  std::vector<std::string_view> w = words(r.text);
  if (w.size() < 5) return;
  std::optional<uint16_t> port = number<uint16_t>(w[4]);
  if (!port) return;
  const MonitoredNode* replica = node_at(sim::Address{std::string(w[3]), *port});
  if (replica == nullptr) return;
  const auto* server = dynamic_cast<const model::RedisServer*>(world_.process(replica->id));
  if (server == nullptr || server->config().number(model::ConfigId::kReplicaPriority) != 0) {
    return;
  }
  report("no-priority-zero-promotion", r.t,
         fmt::format("{} {} {} ({}), whose replica-priority is 0, at {}", node.name,
                     r.event == "+selected-slave" ? "selected" : "promoted", replica->name,
                     replica->addr.to_string(), at_time(r.t)));
}

// "+promoted-slave slave <ip:port> <ip> <port> @ <master> ...": the leader's promotion, in
// the master's new config epoch. "+switch-master <master> <old ip> <old port> <ip> <port>":
// a Sentinel adopting a new address, with the config epoch it adopted.
void InvariantMonitor::check_promotion(const MonitoredNode& node, const sim::TraceRecord& r) {
  const auto* sentinel = dynamic_cast<const model::Sentinel*>(world_.process(node.id));
  std::vector<std::string_view> w = words(r.text);
  if (sentinel == nullptr) return;
  std::string_view master, host, port;
  if (r.event == "+promoted-slave" && w.size() >= 7) {
    master = w[6], host = w[3], port = w[4];
  } else if (r.event == "+switch-master" && w.size() == 6) {
    master = w[1], host = w[4], port = w[5];
  } else {
    return;
  }
  const model::SentinelInstance* m = sentinel->state().masters.find(master);
  std::optional<uint16_t> p = number<uint16_t>(port);
  if (m == nullptr || !p) return;
  sentinels_[node.name].saved_config_epochs.emplace(std::string(master), m->config_epoch);
  bool ending_own_failover = r.event == "+switch-master" &&
                             m->is(model::sri::kFailoverInProgress) &&
                             m->failover_state == model::FailoverState::kUpdateConfig;
  if (ending_own_failover && m->config_epoch != m->failover_epoch) {
    report(known::kFailoverEndsUnderNewerEpoch, r.t,
           fmt::format("{} ended its failover of epoch {} by switching to {}:{} at {}, under the "
                       "config epoch {} it had adopted meanwhile from another Sentinel",
                       node.name, m->failover_epoch, host, port, at_time(r.t), m->config_epoch),
           true);
    return;
  }
  // The epoch is read from the Sentinel as it logs the record (a live sink).
  note_config_epoch(master, m->config_epoch, sim::Address{std::string(host), *p}, node, r.t);
}

void InvariantMonitor::note_config_epoch(std::string_view master, uint64_t epoch,
                                         const sim::Address& addr, const MonitoredNode& node,
                                         sim::Time t) {
  auto [it, first] =
      promotions_.try_emplace({std::string(master), epoch}, Promotion{addr, node.name, t});
  if (first || it->second.addr == addr) return;
  bool known = forced_epochs_.count({std::string(master), epoch}) > 0;
  report(known ? known::kForcedFailoverReusesEpoch : "one-master-per-config-epoch", t,
         fmt::format("config epoch {} of {} names {} ({} at {}) and {} ({} at {})", epoch, master,
                     it->second.addr.to_string(), it->second.node, at_time(it->second.t),
                     addr.to_string(), node.name, at_time(t)),
         known);
}

// "Partial resynchronization request from <ip:port> accepted. ...", logged by the master as
// it accepts: the replica's request must name this master's history.
void InvariantMonitor::check_psync_accepted(const MonitoredNode& node, const sim::TraceRecord& r) {
  std::string replica(word_after(r.text, "request from "));
  auto request = psync_requests_.find(replica);
  const auto* server = dynamic_cast<const model::RedisServer*>(world_.process(node.id));
  if (request == psync_requests_.end() || server == nullptr) return;
  model::ServerView v = server->view();
  const PsyncRequest& req = request->second;
  bool same_history = req.replid == v.replid ||
                      (req.replid == v.replid2 && req.offset <= v.second_replid_offset);
  if (same_history) return;
  report("psync-same-history", r.t,
         fmt::format("{} accepted {}'s partial resync for {}:{} at {}, but its history is {} "
                     "(and {} up to offset {})",
                     node.name, replica, req.replid, req.offset, at_time(r.t), v.replid,
                     v.replid2, v.second_replid_offset));
}

// --- Liveness: at the end ----------------------------------------------------------------------

void InvariantMonitor::check_end(const model::HistoryReport* clients) {
  sim::Time t = world_.now();
  check_sentinels_agree(t);
  if (agreed_master_) check_replicas_follow(t);
  if (clients != nullptr && clients->lost() > 0) {
    report(known::kLostAcknowledgedWrites, t,
           fmt::format("{} acknowledged writes were lost", clients->lost()), true);
  }
}

void InvariantMonitor::check_sentinels_agree(sim::Time t) {
  struct View {
    const MonitoredNode* node;
    const model::SentinelInstance* master;
  };
  std::vector<View> views;
  for (const MonitoredNode& n : nodes_) {
    if (!n.sentinel || !world_.alive(n.id)) continue;
    const auto* sentinel = dynamic_cast<const model::Sentinel*>(world_.process(n.id));
    if (sentinel == nullptr) continue;
    const model::SentinelInstance* m = first_master(*sentinel);
    if (m == nullptr) {
      report("sentinels-agree", t, fmt::format("{} monitors no master at {}", n.name, at_time(t)));
      return;
    }
    views.push_back({&n, m});
  }
  if (views.empty()) return;
  const View& first = views.front();
  for (const View& v : views) {
    if (v.master->addr != first.master->addr ||
        v.master->config_epoch != first.master->config_epoch) {
      report("sentinels-agree", t,
             fmt::format("at {}, {} names {} in config epoch {} but {} names {} in config epoch "
                         "{}",
                         at_time(t), first.node->name, first.master->addr.to_string(),
                         first.master->config_epoch, v.node->name, v.master->addr.to_string(),
                         v.master->config_epoch));
      return;
    }
  }
  const MonitoredNode* master = node_at(first.master->addr);
  const model::RedisServer* server =
      master && world_.alive(master->id)
          ? dynamic_cast<const model::RedisServer*>(world_.process(master->id))
          : nullptr;
  if (server == nullptr) {
    report("sentinels-agree", t,
           fmt::format("at {}, the Sentinels name {} ({}), which is not running", at_time(t),
                       first.master->addr.to_string(), master ? master->name : "no node"));
    return;
  }
  model::ServerView view = server->view();
  if (!view.is_master) {
    report("sentinels-agree", t,
           fmt::format("at {}, the Sentinels name {} as master of {}, but it replicates from "
                       "{}:{}",
                       at_time(t), master->name, first.master->name, view.master_host,
                       view.master_port));
    return;
  }
  int64_t min_replicas = server->config().number(model::ConfigId::kMinReplicasToWrite);
  if (min_replicas > 0) {
    std::string info = server->info("replication");
    std::string_view good = word_after(info, "min_slaves_good_slaves:");
    good = good.substr(0, good.find('\r'));
    if (number<int64_t>(good).value_or(0) < min_replicas) {
      report("sentinels-agree", t,
             fmt::format("at {}, master {} refuses writes: {} good replicas, min-replicas-to-write "
                         "{}",
                         at_time(t), master->name, good, min_replicas));
      return;
    }
  }
  agreed_master_ = first.master->addr;
}

void InvariantMonitor::check_replicas_follow(sim::Time t) {
  const MonitoredNode* master = node_at(*agreed_master_);
  const auto& master_server = dynamic_cast<const model::RedisServer&>(*world_.process(master->id));
  uint64_t master_digest = master_server.keyspace().digest();
  for (const MonitoredNode& n : nodes_) {
    if (n.sentinel || &n == master || !world_.alive(n.id)) continue;
    const auto* server = dynamic_cast<const model::RedisServer*>(world_.process(n.id));
    if (server == nullptr) continue;
    model::ServerView v = server->view();
    std::string problem;
    if (v.is_master) {
      problem = "is a master";
    } else if (sim::Address{v.master_host, static_cast<uint16_t>(v.master_port)} !=
               *agreed_master_) {
      problem = fmt::format("replicates from {}:{}", v.master_host, v.master_port);
    } else if (v.repl_state != model::ReplState::kConnected) {
      problem = "has its link down";
    } else if (server->keyspace().digest() != master_digest) {
      problem = "holds data that differs from the master's";
    }
    if (problem.empty()) continue;
    report("replicas-follow-master", t,
           fmt::format("at {}, {} {} (the Sentinels' master is {})", at_time(t), n.name, problem,
                       master->name));
  }
}

}  // namespace tools
