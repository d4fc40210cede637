// The workloads of `redsim bench` (BENCHMARKS.md has their figures and targets). Each runs and
// returns its figures; tools/bench_command.cpp gives them their command lines.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"
#include "tools/bench_report.h"
#include "tools/kernel_bench.h"

namespace tools {

// kernel: the bare kernel, a ping-pong among many processes (tools/kernel_bench.h).
BenchReport run_kernel_workload(const KernelBenchOptions& options);

// idle: the tutorial's deployment (1 master, 2 replicas, 3 Sentinels) left alone.
struct IdleBenchOptions {
  sim::Duration duration = sim::Duration::seconds(24 * 3600);
};
BenchReport run_idle_bench(const IdleBenchOptions& options);

// busy: the same deployment with an application writing to the master over a bounded key
// space: `writers` pinned redis-py clients (threads of the application), each writing every
// writers / writes_per_second, from 1 s on.
struct BusyBenchOptions {
  sim::Duration duration = sim::Duration::seconds(3600);
  uint32_t writes_per_second = 10000;
  uint32_t writers = 4;  // one call at a time each, a round trip ~250 us: 4 keep up with 10,000/s
  uint64_t keys = 1000;  // per writer
};
BenchReport run_busy_bench(const BusyBenchOptions& options);

// failover: the bundled scenarios/sentinel-failover.jsonc (the seed000-sentinel walkthrough)
// played `repeat` times: the wall time from its kill -9 to the first +convert-to-slave, beside
// the same span on real Redis 7.0.15. Throws sim::InputError when the file does not load.
struct FailoverBenchOptions {
  uint32_t repeat = 20;
};
BenchReport run_failover_bench(const FailoverBenchOptions& options);

// scale: `sentinels` Sentinels watching each of `masters` masters with 2 replicas each, one row
// per size, each run in a child process of its own so that its peak RSS is its own.
struct ScaleBenchOptions {
  std::vector<uint32_t> masters = {10, 100, 1000};
  uint32_t sentinels = 5;
  sim::Duration duration = sim::Duration::seconds(600);
};
BenchReport run_scale_bench(const ScaleBenchOptions& options);

// fuzz: the fuzzer's simulations per second on one core, for one fixed case (a 2-minute kill -9
// failover with a writer at 100 writes/s; tools/bench_fuzz.cpp), played `runs` times with
// seeds 1..runs.
struct FuzzBenchOptions {
  uint32_t runs = 50;
};
BenchReport run_fuzz_bench(const FuzzBenchOptions& options);

}  // namespace tools
