#include "tools/bench_scenario.h"

#include <fmt/format.h>

#include <chrono>

#include "tools/alloc_count.h"

namespace tools {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Reads the wall clock when a marked event is first traced. It only observes: the simulation
// never sees the time it reads.
class MarkSink : public sim::TraceSink {
 public:
  MarkSink(const std::vector<std::string>& events, const Clock::time_point& start)
      : events_(events), start_(start), seen_(events.size()) {}

  void write(const sim::TraceRecord& r) override {
    for (size_t i = 0; i < events_.size(); ++i) {
      if (!seen_[i] && r.event == events_[i]) seen_[i] = MarkSeen{r.t, seconds_since(start_)};
    }
  }
  std::vector<std::optional<MarkSeen>> seen() const { return seen_; }

 private:
  const std::vector<std::string>& events_;
  const Clock::time_point& start_;
  std::vector<std::optional<MarkSeen>> seen_;
};

}  // namespace

ScenarioBench run_scenario_bench(const Scenario& scenario, const std::vector<std::string>& marks,
                                 const std::function<void(ScenarioRun&)>& inspect) {
  ScenarioBench bench;
  Clock::time_point setup_start = Clock::now();
  ScenarioRun run(scenario, RunOptions{});
  bench.setup_wall_seconds = seconds_since(setup_start);

  Clock::time_point start;
  MarkSink mark_sink(marks, start);
  if (!marks.empty()) run.add_sink(&mark_sink);
  uint64_t allocations_before = heap_allocations();
  start = Clock::now();
  bench.result = run.run();
  bench.wall_seconds = seconds_since(start);
  bench.heap_allocations = heap_allocations() - allocations_before;
  bench.events = run.world().queue().executed();
  bench.virtual_seconds = static_cast<double>(bench.result.until.us) / 1e6;
  bench.marks = mark_sink.seen();
  if (inspect) inspect(run);
  bench.peak_rss_bytes = peak_rss_bytes();
  return bench;
}

std::vector<Figure> run_figures(const ScenarioBench& b) {
  size_t passed = 0;
  for (const CheckResult& c : b.result.checks) passed += c.passed ? 1 : 0;
  double events = static_cast<double>(b.events);
  return {
      {"virtual_seconds", "virtual time", b.virtual_seconds, 1, "s"},
      {"setup_wall_seconds", "setup wall time", b.setup_wall_seconds, 3, "s"},
      {"wall_seconds", "wall time", b.wall_seconds, 3, "s"},
      {"speedup", "speed-up over real time", b.virtual_seconds / b.wall_seconds, 0, "x"},
      {"events", "events", b.events},
      {"events_per_second", "events/s", events / b.wall_seconds, 0},
      {"heap_allocations_per_event", "heap allocations/event",
       static_cast<double>(b.heap_allocations) / events, 3},
      {"peak_rss_bytes", "peak RSS bytes", b.peak_rss_bytes},
      {"trace_records", "trace records", b.result.trace_records},
      {"trace_hash", "trace hash", fmt::format("{:016x}", b.result.trace_hash)},
      {"checks", "checks", b.result.checks.size()},
      {"checks_passed", "checks passed", static_cast<uint64_t>(passed)},
  };
}

}  // namespace tools
