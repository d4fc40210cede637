// `redsim bench idle`: what a quiet deployment costs per virtual day.
#include <fmt/format.h>

#include "tools/bench_scenario.h"
#include "tools/bench_topology.h"
#include "tools/bench_workloads.h"

namespace tools {

BenchReport run_idle_bench(const IdleBenchOptions& options) {
  SentinelTopology topology;
  Scenario scenario = sentinel_topology(topology, "bench idle", options.duration);
  // Nothing fails, so no Sentinel ever finds anything down.
  scenario.expectations.push_back({When{}, expect::Log{"+sdown", {}, false, {}}, {}});
  uint64_t healthy = 0;
  ScenarioBench bench = run_scenario_bench(scenario, {}, [&](ScenarioRun& run) {
    healthy = healthy_views(run, topology);
  });
  BenchReport report{"idle",
                     fmt::format("idle: 1 master, 2 replicas, 3 Sentinels, no faults, {} virtual",
                                 sim::format_duration(options.duration)),
                     run_figures(bench)};
  report.figures.push_back({"healthy_views", "Sentinels seeing slaves=2,sentinels=3", healthy});
  return report;
}

}  // namespace tools
