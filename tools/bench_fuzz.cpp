// `redsim bench fuzz`: how many fuzz-sized simulations one core runs per second. The case is
// the fuzzer's (tools/fuzz_case.h), fixed: 1 master, 2 replicas, 3 Sentinels (quorum 2,
// down-after 5 s, failover-timeout 10 s), a redis-py writer at 100 writes/s, the master killed
// at 10 s and restarted at 40 s, two virtual minutes, the invariants checked as in a campaign.
#include <fmt/format.h>

#include <chrono>

#include "sim/error.h"
#include "tools/bench_workloads.h"
#include "tools/fuzz_case.h"
#include "tools/scenario.h"
#include "tools/scenario_run.h"

namespace tools {

namespace {

FuzzCase failover_case() {
  FuzzCase c;
  c.seed = 1;
  c.topology.replicas = 2;
  c.topology.sentinels = 3;
  c.topology.quorum = 2;
  c.topology.priorities = {100, 100};
  c.topology.down_after_ms = 5000;
  c.topology.failover_timeout_ms = 10000;
  c.topology.client = true;
  c.faults = {Fault{FaultKind::kCrash, 10000 - kFaultWindowStartMs, 30000, 0, 0, 0, 0}};
  return c;
}

}  // namespace

BenchReport run_fuzz_bench(const FuzzBenchOptions& options) {
  FuzzCase c = failover_case();
  LoadResult loaded = load_scenario("bench-fuzz-case.jsonc", scenario_text(c, {}));
  if (!loaded.scenario) throw sim::InputError(loaded.errors.at(0).to_string());
  Scenario scenario = std::move(*loaded.scenario);
  scenario.until = sim::kTimeZero + sim::Duration::seconds(120);

  uint32_t runs = std::max(options.runs, 1u);
  uint64_t events = 0, writes = 0, violations = 0;
  auto start = std::chrono::steady_clock::now();
  for (uint32_t i = 0; i < runs; ++i) {
    ScenarioRun run(scenario, RunOptions{.seed = c.seed + i, .until = std::nullopt});
    RunResult r = run.run();
    events += run.world().queue().executed();
    writes += run.history().ops.size();
    for (const Finding& f : r.findings) violations += f.known ? 0u : 1u;
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return BenchReport{
      "fuzz",
      fmt::format("fuzz: {} simulations of a 2-minute kill -9 failover with a writer at 100/s "
                  "({}), one core",
                  runs, describe(c)),
      {{"simulations", "simulations", uint64_t{runs}},
       {"wall_seconds", "wall", wall, 3, "s"},
       {"simulations_per_second", "simulations/s", runs / wall, 1},
       {"events_per_second", "events/s", static_cast<double>(events) / wall, 0},
       {"client_calls_per_simulation", "client calls per simulation", writes / runs},
       {"violations", "invariant violations", violations},
       {"peak_rss_bytes", "peak RSS", peak_rss_bytes()}}};
}

}  // namespace tools
