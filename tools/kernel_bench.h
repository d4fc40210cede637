// `redsim bench kernel`: events per second of the bare kernel, a ping-pong among many
// processes through the connection model, with the trace hash on.
#pragma once

#include <cstdint>
#include <string>

#include "sim/time.h"

namespace tools {

struct KernelBenchOptions {
  uint32_t processes = 1000;
  sim::Duration warmup = sim::Duration::seconds(1);
  sim::Duration measured = sim::Duration::seconds(5);
  uint64_t seed = 1;
};

struct KernelBenchResult {
  uint64_t events = 0;
  double wall_seconds = 0;
  double events_per_second = 0;
  uint64_t trace_records = 0;
  uint64_t trace_hash = 0;
  uint64_t heap_allocations = 0;  // during the measured phase
  uint64_t peak_rss_bytes = 0;
};

KernelBenchResult run_kernel_bench(const KernelBenchOptions& options);

}  // namespace tools
