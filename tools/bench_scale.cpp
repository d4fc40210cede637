// `redsim bench scale`: Sentinels watching more and more masters, to show what a master costs.
// Each size runs in a child process (fork, then wait) so that its peak RSS is its own; the
// child sends its figures back through a pipe.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "tools/bench_scenario.h"
#include "tools/bench_topology.h"
#include "tools/bench_workloads.h"

namespace tools {
namespace {

// What a child sends back: plain numbers, written and read as bytes.
struct ScaleRow {
  double setup_wall_seconds = 0;
  double wall_seconds = 0;
  double virtual_seconds = 0;
  uint64_t events = 0;
  uint64_t peak_rss_bytes = 0;
  uint64_t healthy_views = 0;
  uint64_t trace_records = 0;
};

ScaleRow run_size(const SentinelTopology& topology, sim::Duration duration) {
  Scenario scenario =
      sentinel_topology(topology, fmt::format("bench scale {}", topology.masters), duration);
  ScaleRow row;
  ScenarioBench bench = run_scenario_bench(scenario, {}, [&](ScenarioRun& run) {
    row.healthy_views = healthy_views(run, topology);
  });
  row.setup_wall_seconds = bench.setup_wall_seconds;
  row.wall_seconds = bench.wall_seconds;
  row.virtual_seconds = bench.virtual_seconds;
  row.events = bench.events;
  row.peak_rss_bytes = bench.peak_rss_bytes;
  row.trace_records = bench.result.trace_records;
  return row;
}

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(fmt::format("redsim bench scale: {}: {}", what, std::strerror(errno)));
}

ScaleRow run_size_in_child(const SentinelTopology& topology, sim::Duration duration) {
  int fds[2];
  if (pipe(fds) != 0) fail("pipe");
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    // The child never returns into the parent's code: whatever happens, it exits here.
    close(fds[0]);
    bool sent = false;
    try {
      ScaleRow row = run_size(topology, duration);
      sent = write(fds[1], &row, sizeof row) == static_cast<ssize_t>(sizeof row);
    } catch (...) {
      // `sent` stays false: the parent reports that this size failed.
    }
    _exit(sent ? 0 : 1);
  }
  close(fds[1]);
  ScaleRow row;
  ssize_t got = read(fds[0], &row, sizeof row);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != static_cast<ssize_t>(sizeof row) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(
        fmt::format("redsim bench scale: the run of {} masters failed", topology.masters));
  }
  return row;
}

}  // namespace

BenchReport run_scale_bench(const ScaleBenchOptions& options) {
  BenchReport report{
      "scale",
      fmt::format("scale: {} Sentinels watching N masters with 2 replicas each, {} virtual, "
                  "each size in a process of its own",
                  options.sentinels, sim::format_duration(options.duration)),
      {{"sentinels", "Sentinels", uint64_t{options.sentinels}},
       {"virtual_seconds", "virtual time", static_cast<double>(options.duration.us) / 1e6, 1,
        "s"}}};
  for (uint32_t masters : options.masters) {
    SentinelTopology topology{masters, 2, options.sentinels};
    ScaleRow r = run_size_in_child(topology, options.duration);
    double total = r.setup_wall_seconds + r.wall_seconds;
    report.rows.push_back({
        {"masters", "masters", uint64_t{masters}},
        {"processes", "processes", uint64_t{masters} * 3 + options.sentinels},
        {"setup_wall_seconds", "setup s", r.setup_wall_seconds, 3},
        {"wall_seconds", "run s", r.wall_seconds, 3},
        {"wall_ms_per_master", "ms/master", total * 1000 / masters, 2},
        {"speedup", "speed-up", r.virtual_seconds / r.wall_seconds, 0, "x"},
        {"events", "events", r.events},
        {"events_per_second", "events/s", static_cast<double>(r.events) / r.wall_seconds, 0},
        {"peak_rss_bytes", "peak RSS bytes", r.peak_rss_bytes},
        {"healthy_views", "healthy views", r.healthy_views},
        {"trace_records", "trace records", r.trace_records},
    });
  }
  return report;
}

}  // namespace tools
