// `redsim bench busy`: the idle deployment with an application writing to its master as fast
// as a busy cache does, for the cost of the command path and of replication.
#include <fmt/format.h>

#include "tools/bench_scenario.h"
#include "tools/bench_topology.h"
#include "tools/bench_workloads.h"

namespace tools {

BenchReport run_busy_bench(const BusyBenchOptions& options) {
  SentinelTopology topology;
  Scenario scenario = sentinel_topology(topology, "bench busy", options.duration);
  const sim::Time start = sim::kTimeZero + sim::Duration::seconds(1);  // replicas in sync by then
  const sim::Duration every =
      sim::Duration::micros(int64_t{1000000} * options.writers / options.writes_per_second);
  for (uint32_t w = 0; w < options.writers; ++w) {
    ClientSpec client;
    client.name = fmt::format("writer{}", w);
    client.kind = "pinned";
    client.library = model::LibraryKind::kPinned;
    client.options.server = scenario.nodes.front().addr;  // the master
    client.workload.write_every = every;
    client.workload.keys = options.keys;
    client.start = start;
    scenario.clients.push_back(std::move(client));
  }
  scenario.expectations.push_back({When{}, expect::Log{"+sdown", {}, false, {}}, {}});
  scenario.expectations.push_back(
      {When{},
       expect::ClientMetric{expect::ClientMetric::Metric::kLostWrites, {}, {0, 0, "0"}}, {}});

  uint64_t healthy = 0;
  ScenarioBench bench = run_scenario_bench(scenario, {}, [&](ScenarioRun& run) {
    healthy = healthy_views(run, topology);
  });
  uint64_t acked = 0;
  if (bench.result.clients) {
    for (const model::ClientReport& c : bench.result.clients->clients) acked += c.acked;
  }
  double writing_seconds = static_cast<double>((scenario.until - start).us) / 1e6;
  BenchReport report{
      "busy",
      fmt::format("busy: the idle deployment, {} pinned writers at {} writes/s in all over {} "
                  "keys each, {} virtual",
                  options.writers, options.writes_per_second, options.keys,
                  sim::format_duration(options.duration)),
      run_figures(bench)};
  report.figures.push_back({"acknowledged_writes", "acknowledged writes", acked});
  report.figures.push_back({"writes_per_second", "acknowledged writes per virtual second",
                            static_cast<double>(acked) / writing_seconds, 0});
  report.figures.push_back({"healthy_views", "Sentinels seeing slaves=2,sentinels=3", healthy});
  return report;
}

}  // namespace tools
