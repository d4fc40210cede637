#include "tools/kernel_demo.h"

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/world.h"
#include "tools/ping_pong.h"

namespace tools {
namespace {

struct DemoNode {
  const char* name;
  const char* addr;
  const char* peer;
};
constexpr DemoNode kNodes[] = {{"alpha", "10.0.0.1:7000", "10.0.0.2:7000"},
                               {"beta", "10.0.0.2:7000", "10.0.0.3:7000"},
                               {"gamma", "10.0.0.3:7000", "10.0.0.1:7000"}};

struct Fault {
  sim::Duration at;
  sim::NodeId node;
  std::string text;
  std::function<void()> action;
};

}  // namespace

uint64_t run_kernel_demo(uint64_t seed, sim::TraceSink* sink) {
  sim::World world(seed);
  if (sink != nullptr) world.trace().add_sink(sink);
  for (const DemoNode& node : kNodes) {
    PingPongOptions options{sim::parse_address(node.peer), sim::Duration::seconds(1),
                            sim::Duration::millis(20), sim::Duration::millis(500), true};
    world.add_node(sim::NodeSpec{node.name, sim::parse_address(node.addr),
                                 [options](sim::Env& env) {
                                   return std::make_unique<PingPong>(env, options);
                                 }});
  }
  for (sim::NodeId id = 0; id < world.node_count(); ++id) world.start(id);
  sim::NodeId alpha = 0, beta = 1, gamma = 2;
  auto& net = world.network();
  const std::vector<Fault> faults = {
      {sim::Duration::millis(3500), alpha, "partition alpha | beta (both ways)",
       [&] { net.cut(alpha, beta), net.cut(beta, alpha); }},
      {sim::Duration::seconds(6), alpha, "heal", [&] { net.heal_all(); }},
      {sim::Duration::millis(9500), gamma, "kill -9 gamma", [&] { world.crash(gamma); }},
      {sim::Duration::seconds(11), gamma, "start gamma", [&] { world.start(gamma); }},
      {sim::Duration::millis(14500), beta, "pause beta (SIGSTOP)", [&] { world.pause(beta); }},
      {sim::Duration::seconds(17), beta, "resume beta (SIGCONT)", [&] { world.resume(beta); }},
  };
  for (const Fault& fault : faults) {
    world.queue().schedule(sim::kTimeZero + fault.at, [&world, &fault] {
      world.trace().emit(sim::TraceRecord{world.now(), world.name(fault.node), "", "fault", '#',
                                          "fault", fault.text,
                                          world.epoch_unix_us() + world.now().us, {}});
      fault.action();
    });
  }
  world.run_until(sim::kTimeZero + sim::Duration::seconds(20));
  return world.trace().hash();
}

}  // namespace tools
