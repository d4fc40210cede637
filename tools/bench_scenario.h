// The shared runner of the scenario workloads of `redsim bench` (idle, busy, failover, scale):
// a Scenario played by tools::ScenarioRun, exactly as `redsim run` plays it, timed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tools/bench_report.h"
#include "tools/scenario.h"
#include "tools/scenario_run.h"

namespace tools {

// The first trace record with a given event name: when it came, in virtual and wall time.
struct MarkSeen {
  sim::Time t;
  double wall_seconds = 0;  // since the run began
};

struct ScenarioBench {
  RunResult result;
  double virtual_seconds = 0;
  double setup_wall_seconds = 0;  // building the world (every node's config on its disk)
  double wall_seconds = 0;        // running it to its end
  uint64_t events = 0;
  uint64_t heap_allocations = 0;  // while running
  uint64_t peak_rss_bytes = 0;    // of this process so far
  std::vector<std::optional<MarkSeen>> marks;  // one per event name asked for
};

// Plays `scenario`; `marks` are event names whose first record to time ("fault",
// "+convert-to-slave"); `inspect` sees the world after the run, before it is destroyed.
ScenarioBench run_scenario_bench(const Scenario& scenario,
                                 const std::vector<std::string>& marks = {},
                                 const std::function<void(ScenarioRun&)>& inspect = {});

// The figures every scenario workload reports: virtual and wall time, speed-up, events/s,
// allocations per event, peak RSS, the trace, the checks.
std::vector<Figure> run_figures(const ScenarioBench& bench);

}  // namespace tools
