#include "tools/bench_topology.h"

#include <fmt/format.h>

#include "model/sentinel.h"
#include "model/sentinel_state.h"

namespace tools {
namespace {

std::string host(uint32_t net, uint32_t i) {
  return fmt::format("10.{}.{}.{}", net, i >> 8, i & 255);
}

}  // namespace

Scenario sentinel_topology(const SentinelTopology& t, std::string name, sim::Duration until) {
  Scenario s;
  s.file = "(redsim bench)";
  s.name = std::move(name);
  s.until = sim::kTimeZero + until;
  s.nodes.reserve(size_t{t.masters} * (t.replicas + 1) + t.sentinels);
  auto node = [](std::string node_name, std::string node_host, uint16_t port,
                 std::vector<std::string> conf) {
    NodeSpec n;
    n.name = std::move(node_name);
    n.addr = {std::move(node_host), port};
    n.conf = std::move(conf);
    return n;
  };
  for (uint32_t i = 0; i < t.masters; ++i) {
    s.nodes.push_back(node(fmt::format("m{}", i), host(0, i), 6379, {"port 6379", "save \"\""}));
    for (uint32_t k = 1; k <= t.replicas; ++k) {
      s.nodes.push_back(node(fmt::format("m{}-r{}", i, k), host(k, i), 6379,
                             {"port 6379", "save \"\"", fmt::format("slaveof {} 6379", host(0, i)),
                              "slave-read-only yes"}));
    }
  }
  uint32_t quorum = t.sentinels / 2 + 1;
  for (uint32_t j = 1; j <= t.sentinels; ++j) {
    std::vector<std::string> conf = {"port 26379"};
    for (uint32_t i = 0; i < t.masters; ++i) {
      std::string m = fmt::format("m{}", i);
      conf.push_back(fmt::format("sentinel monitor {} {} 6379 {}", m, host(0, i), quorum));
      conf.push_back(fmt::format("sentinel down-after-milliseconds {} 30000", m));
      conf.push_back(fmt::format("sentinel parallel-syncs {} 1", m));
      conf.push_back(fmt::format("sentinel failover-timeout {} 180000", m));
    }
    NodeSpec sentinel = node(fmt::format("sentinel{}", j), host(255, j), 26379, std::move(conf));
    sentinel.sentinel = true;
    sentinel.start = sim::kTimeZero + sim::Duration::millis(40 + 10 * j);
    s.nodes.push_back(std::move(sentinel));
  }
  return s;
}

uint64_t healthy_views(ScenarioRun& run, const SentinelTopology& t) {
  sim::World& world = run.world();
  uint64_t healthy = 0;
  for (uint32_t j = 1; j <= t.sentinels; ++j) {
    sim::NodeId id = world.find(fmt::format("sentinel{}", j));
    if (id == sim::kNoNode || !world.alive(id)) continue;
    const auto& sentinel = *static_cast<const model::Sentinel*>(world.process(id));
    for (const auto& master : sentinel.state().masters) {
      bool down = master->is(model::sri::kSDown) || master->is(model::sri::kODown);
      if (!down && master->slaves.size() == t.replicas &&
          master->sentinels.size() + 1 == t.sentinels) {
        ++healthy;
      }
    }
  }
  return healthy;
}

}  // namespace tools
