// `redsim bench kernel`'s figures (the measurement itself is tools/kernel_bench.cpp).
#include <fmt/format.h>

#include "tools/bench_workloads.h"

namespace tools {

BenchReport run_kernel_workload(const KernelBenchOptions& options) {
  KernelBenchResult r = run_kernel_bench(options);
  return {"kernel",
          fmt::format("kernel: ping-pong among {} processes, {} virtual after {} warm-up, seed {}",
                      options.processes, sim::format_duration(options.measured),
                      sim::format_duration(options.warmup), options.seed),
          {{"processes", "processes", uint64_t{options.processes}},
           {"virtual_seconds", "virtual time", static_cast<double>(options.measured.us) / 1e6, 1,
            "s"},
           {"events", "events", r.events},
           {"wall_seconds", "wall time", r.wall_seconds, 3, "s"},
           {"events_per_second", "events/s", r.events_per_second, 0},
           {"heap_allocations", "heap allocations", r.heap_allocations},
           {"trace_records", "trace records", r.trace_records},
           {"trace_hash", "trace hash", fmt::format("{:016x}", r.trace_hash)},
           {"peak_rss_bytes", "peak RSS bytes", r.peak_rss_bytes}}};
}

}  // namespace tools
