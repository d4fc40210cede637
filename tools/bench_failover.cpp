// `redsim bench failover`: the default scenario's failover, from the kill to the old master's
// conversion, against the same walkthrough on real Redis.
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "sim/error.h"
#include "tools/bench_scenario.h"
#include "tools/bench_workloads.h"
#include "tools/check_command.h"
#include "tools/list_command.h"

namespace tools {
namespace {

// shared/oracle/walkthroughs/seed000-sentinel.notes.md: kill -9 at 21:01:51.387,
// +convert-to-slave at 21:02:33.403 (the master was restarted 31.5 s after the kill).
constexpr double kRealRedisSeconds = 42.016;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

BenchReport run_failover_bench(const FailoverBenchOptions& options) {
  std::string path = (bundled_scenario_dir() / "sentinel-failover.jsonc").string();
  std::ostringstream errors;
  std::optional<Scenario> scenario = load_scenario_file(path, errors);
  if (!scenario) throw sim::InputError(errors.str());

  std::vector<double> spans;
  ScenarioBench last;
  for (uint32_t i = 0; i < std::max(options.repeat, 1u); ++i) {
    last = run_scenario_bench(*scenario, {"fault", "+convert-to-slave"});
    const std::optional<MarkSeen>& kill = last.marks[0];
    const std::optional<MarkSeen>& converted = last.marks[1];
    if (!kill || !converted) {
      throw sim::InputError(fmt::format("{}: no kill followed by +convert-to-slave", path));
    }
    spans.push_back(converted->wall_seconds - kill->wall_seconds);
  }
  double wall = median(spans);
  double virtual_span = static_cast<double>((last.marks[1]->t - last.marks[0]->t).us) / 1e6;
  BenchReport report{
      "failover",
      fmt::format("failover: {} (seed000-sentinel), kill -9 to +convert-to-slave, median of {}",
                  path, spans.size()),
      {{"failover_virtual_seconds", "kill to conversion, virtual", virtual_span, 3, "s"},
       {"failover_wall_seconds", "kill to conversion, wall", wall, 6, "s"},
       {"failover_wall_seconds_min", "kill to conversion, wall, fastest",
        *std::min_element(spans.begin(), spans.end()), 6, "s"},
       {"real_redis_seconds", "the same on real Redis 7.0.15", kRealRedisSeconds, 3, "s"},
       {"ratio", "real / simulated wall time", kRealRedisSeconds / wall, 0, "x"}}};
  // The whole scenario's figures, from the last run.
  for (Figure& f : run_figures(last)) report.figures.push_back(std::move(f));
  return report;
}

}  // namespace tools
