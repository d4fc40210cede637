// The properties a Sentinel deployment must keep (../shared/design.md, "Properties"), checked
// on a running scenario: safety after every event that could break it, liveness once, at the
// end of a run whose faults have healed.
//
// Safety is read from the trace (the events that mark a vote, an election, a promotion, a new
// epoch, an accepted partial resync) and from the model's state at that moment; an event that
// cannot break a property costs one string comparison. Liveness reads the model's state at the
// end: every Sentinel names the same master and config epoch, that master takes writes, every
// replica follows it with its link up and holds its data.
//
// Faithful Redis breaks some properties by design (known_findings.h): those outcomes are
// reported as known findings, never as violations. A violation is a bug in the model (or in a
// planted-bugs build, the planted bug).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/history_check.h"
#include "sim/trace.h"
#include "sim/world.h"

namespace tools {

// A property: its stable name, and what it states.
struct Invariant {
  std::string_view name;
  std::string_view statement;
  bool liveness = false;
};

// Every property checked, safety first.
const std::vector<Invariant>& all_invariants();

// One broken property (or one known finding about Redis): which, when, and what was seen,
// naming nodes, epochs and times.
struct Finding {
  std::string name;     // an invariant's or a known finding's name
  sim::Time t;
  std::string message;
  bool known = false;  // a known finding about Redis, not a violation
};

// What the monitor needs to know about the deployment.
struct MonitoredNode {
  std::string name;
  sim::NodeId id = sim::kNoNode;
  sim::Address addr;
  bool sentinel = false;
};

class InvariantMonitor : public sim::TraceSink {
 public:
  InvariantMonitor(sim::World& world, std::vector<MonitoredNode> nodes);

  // The trace: notes the events that could break a safety property.
  void write(const sim::TraceRecord& record) override;
  // Liveness, and the known findings about what the clients saw (`clients`, when the run has
  // clients), at the end of the run.
  void check_end(const model::HistoryReport* clients);

  const std::vector<Finding>& findings() const { return findings_; }
  bool violated() const;

 private:
  struct Promotion {  // who first promoted which address in a config epoch
    sim::Address addr;
    std::string node;
    sim::Time t;
  };
  struct Vote {
    std::string runid;
    uint32_t incarnation;
    sim::Time t;
  };
  struct PsyncRequest {
    std::string replid;
    int64_t offset = 0;
  };
  struct SentinelSeen {
    uint32_t incarnation = 0;  // how many times it started
    bool loaded = false;       // its epochs were read since it last started (from its config)
    uint64_t current_epoch = 0;
    std::map<std::string, uint64_t> config_epochs;  // by master name
    // The current epoch still on disk while sentinelStartFailover's raise waits, in memory
    // only by Redis's design, for the config's next save ("config-saved" clears it).
    std::optional<uint64_t> current_epoch_on_disk;
    // (master, config epoch) pairs it switched to a new address under, or promoted its
    // replica under: Redis saves the config then, so a restart cannot lose those epochs.
    std::set<std::pair<std::string, uint64_t>> saved_config_epochs;
  };

  const MonitoredNode* node_named(std::string_view name) const;
  const MonitoredNode* node_at(const sim::Address& addr) const;
  void report(std::string_view name, sim::Time t, std::string message, bool known = false);

  void on_sentinel_record(const MonitoredNode& node, const sim::TraceRecord& r);
  void on_server_record(const MonitoredNode& node, const sim::TraceRecord& r);
  void check_epochs(const MonitoredNode& node, sim::Time t);
  void note_failover_start(const MonitoredNode& node, const sim::TraceRecord& r);
  // An epoch of `node` went from `seen` back to `now` at `t` (what: "current epoch" or "config
  // epoch of <master>"): a known finding if Redis never saved the newer one (`unsaved`).
  void report_epoch_back(const MonitoredNode& node, std::string_view what, uint64_t seen,
                         uint64_t now, bool unsaved, sim::Time t);
  void check_vote(const MonitoredNode& node, const sim::TraceRecord& r);
  void check_election(const MonitoredNode& node, const sim::TraceRecord& r);
  void check_promotion(const MonitoredNode& node, const sim::TraceRecord& r);
  void check_priority(const MonitoredNode& node, const sim::TraceRecord& r);
  void check_psync_accepted(const MonitoredNode& node, const sim::TraceRecord& r);
  void note_config_epoch(std::string_view master, uint64_t epoch, const sim::Address& addr,
                         const MonitoredNode& node, sim::Time t);

  void check_sentinels_agree(sim::Time t);
  void check_replicas_follow(sim::Time t);

  sim::World& world_;
  std::vector<MonitoredNode> nodes_;
  std::vector<Finding> findings_;
  std::map<std::string, SentinelSeen> sentinels_;                      // by node name
  std::map<std::pair<std::string, uint64_t>, std::string> leaders_;   // (master, epoch) -> node
  std::set<std::pair<std::string, uint64_t>> forced_epochs_;  // epochs of SENTINEL FAILOVERs
  std::map<std::pair<std::string, uint64_t>, Promotion> promotions_;  // (master, config epoch)
  std::map<std::tuple<std::string, std::string, uint64_t>, Vote> votes_;  // (node, master, epoch)
  std::map<std::string, PsyncRequest> psync_requests_;  // by replica address "ip:port"
  std::map<std::string, uint32_t> reported_;            // findings per name, to cap repeats
  // The master name the liveness checks are about: the first one the Sentinels monitor.
  std::optional<sim::Address> agreed_master_;
};

}  // namespace tools
