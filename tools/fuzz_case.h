// One fuzz case: a deployment drawn at random, a fault schedule on it, and the scenario file
// that plays it.
//
// Cases are drawn with rapidcheck generators in "swarm" style: each case first draws its
// topology (1 master, 0-4 replicas, 1-7 Sentinels, quorum, priorities, down-after,
// failover-timeout, parallel-syncs, min-replicas, a writing client or not) and which fault
// classes are on at all, then a schedule of faults of those classes. Every fault carries its
// own repair (a crashed node restarts, a paused one resumes, a partition heals) no later than
// the end of the fault window. Overlapping faults can undo a repair (a `start` is a no-op while
// a SIGTERM'd process, paused, has not exited yet), so the window ends with every repair
// again: resume, host up and heal, then, kRestartGraceMs later (SIGTERM's shutdown may wait
// for replicas up to shutdown-timeout, 10 s), start every node a fault stopped. The run then
// goes on quietly long enough for Sentinel to settle (liveness_bound), and the liveness
// properties are checked at its end.
//
// The simulation seed is not drawn: it stays fixed while rapidcheck shrinks the schedule, and
// since every node and purpose has its own named random stream (sim/rng.h), removing a fault
// leaves the other draws of the run as they were.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/time.h"

namespace tools {

enum class FaultKind : uint8_t {
  kCrash,            // kill -9 a node, start it again later
  kRestart,          // kill (SIGTERM) a node, start it again later
  kPause,            // SIGSTOP, SIGCONT later
  kPartition,        // two sides, healed later
  kOneWayPartition,  // packets from one side to the other lost, healed later
  kHostDown,         // the host stops answering, comes back later
  kLag,              // extra latency from one node to another, removed later
  kClockJump,        // a node's wall clock jumps
  kManualFailover,   // SENTINEL FAILOVER sent to one Sentinel
  kSentinelRestart,  // a Sentinel crashes and restarts
};
inline constexpr uint32_t kFaultKinds = 10;

struct Fault {
  FaultKind kind = FaultKind::kCrash;
  int64_t at_ms = 0;        // from the start of the fault window
  int64_t duration_ms = 0;  // until its repair
  uint32_t node = 0;        // index into the case's nodes (modulo their number)
  uint32_t other = 0;       // lag: the other node
  uint32_t side = 0;        // partitions: bit i puts node i on the first side
  int64_t amount_ms = 0;    // lag: extra latency; clock jump: signed jump
};

struct Topology {
  uint32_t replicas = 2;
  uint32_t sentinels = 3;
  uint32_t quorum = 2;
  std::vector<uint32_t> priorities;  // replica-priority of each replica
  int64_t down_after_ms = 5000;
  int64_t failover_timeout_ms = 10000;
  uint32_t parallel_syncs = 1;
  uint32_t min_replicas = 0;  // min-replicas-to-write; 0: off
  bool client = true;         // a redis-py writer, 100 writes per second
  uint32_t fault_classes = 0;  // bit k: FaultKind k is on
};

struct FuzzCase {
  uint64_t seed = 1;  // the simulation's seed
  Topology topology;
  std::vector<Fault> faults;
};

// The fault window starts when the deployment has formed (Sentinels know each other).
inline constexpr int64_t kFaultWindowStartMs = 3000;
inline constexpr int64_t kFaultWindowMs = 60000;
inline constexpr int64_t kRestartGraceMs = 11000;
// When the last repair runs, from the start of the run.
inline constexpr int64_t kRepairedMs = kFaultWindowStartMs + kFaultWindowMs + kRestartGraceMs;

// How long after the last repair the liveness properties are checked: down-after to notice a
// dead master, three failover-timeouts (a failed attempt, the 2x wait before the next, the
// next one), the TILT period (a clock jump), two INFO periods (an old master's conversion) and
// the resyncs.
sim::Duration liveness_bound(const Topology& topology);

// The case of a simulation seed, drawn by rapidcheck's generators. rapidcheck keeps a
// generator's context in process-wide statics (detail::ImplicitParam), so cases drawn, read or
// shrunk on several threads (`redsim fuzz --jobs`) must take turns: every use of a case's
// Shrinkable goes through these, which hold one lock while rapidcheck runs.
rc::Shrinkable<FuzzCase> draw_fuzz_case(uint64_t seed);
FuzzCase case_of(const rc::Shrinkable<FuzzCase>& drawn);
// The shrinks of `drawn`, one at a time: nullopt after the last.
class CaseShrinks {
 public:
  explicit CaseShrinks(const rc::Shrinkable<FuzzCase>& drawn);
  std::optional<rc::Shrinkable<FuzzCase>> next();

 private:
  rc::Seq<rc::Shrinkable<FuzzCase>> shrinks_;
};

// The scenario file that plays `c`, in the format of scenarios/ ("invariants": true), with
// `header` as its leading comment lines.
std::string scenario_text(const FuzzCase& c, const std::vector<std::string>& header);

// A one-line summary: "2 replicas, 3 sentinels (quorum 2), 4 faults".
std::string describe(const FuzzCase& c);

}  // namespace tools
