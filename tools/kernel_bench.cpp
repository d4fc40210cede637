#include "tools/kernel_bench.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "tools/alloc_count.h"
#include "tools/bench_report.h"
#include "tools/ping_pong.h"

namespace tools {
namespace {

sim::Address bench_address(uint32_t i) {
  return sim::Address{fmt::format("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255), 7000};
}

}  // namespace

KernelBenchResult run_kernel_bench(const KernelBenchOptions& options) {
  sim::World world(options.seed);
  for (uint32_t i = 0; i < options.processes; ++i) {
    PingPongOptions ping{bench_address((i + 1) % options.processes), sim::Duration::millis(1),
                         sim::Duration::micros(200)};
    world.add_node(sim::NodeSpec{fmt::format("p{}", i), bench_address(i),
                                 [ping](sim::Env& env) {
                                   return std::make_unique<PingPong>(env, ping);
                                 }});
  }
  for (uint32_t i = 0; i < options.processes; ++i) world.start(i);
  world.run_until(sim::kTimeZero + options.warmup);

  uint64_t events_before = world.queue().executed();
  uint64_t allocations_before = heap_allocations();
  auto wall_start = std::chrono::steady_clock::now();
  world.run_until(world.now() + options.measured);
  auto wall_end = std::chrono::steady_clock::now();

  KernelBenchResult result;
  result.events = world.queue().executed() - events_before;
  result.heap_allocations = heap_allocations() - allocations_before;
  result.wall_seconds = std::chrono::duration<double>(wall_end - wall_start).count();
  result.events_per_second = static_cast<double>(result.events) / result.wall_seconds;
  result.trace_records = world.trace().records();
  result.trace_hash = world.trace().hash();
  result.peak_rss_bytes = peak_rss_bytes();
  return result;
}

}  // namespace tools
