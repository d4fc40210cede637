// The deployments of the scenario workloads of `redsim bench`: masters with their replicas,
// watched by Sentinels, configured with the tutorial's lines (scenarios/sentinel-failover.jsonc),
// as a Scenario built in memory (so there is no limit on the number of nodes a file has).
#pragma once

#include <cstdint>
#include <string>

#include "tools/scenario.h"
#include "tools/scenario_run.h"

namespace tools {

struct SentinelTopology {
  uint32_t masters = 1;
  uint32_t replicas = 2;  // per master
  uint32_t sentinels = 3;
};

// Nodes, each on a host of its own: master i is "m<i>" at 10.0.<i/256>.<i%256>:6379, its
// replica k (1-based) "m<i>-r<k>" at 10.<k>.<i/256>.<i%256>:6379, Sentinel j "sentinel<j>" at
// 10.255.0.<j>:26379 (j from 1), starting 40 + 10*j ms after the servers as in the tutorial,
// every one monitoring every master as "m<i>" with a majority quorum and down-after 30 s.
// No steps, clients or expectations. REQUIRES: masters <= 65536, replicas < 255.
Scenario sentinel_topology(const SentinelTopology& topology, std::string name,
                           sim::Duration until);

// How many (Sentinel, master) pairs are as the topology says they should be: the Sentinel
// knows the master with all its replicas and every other Sentinel, and flags it neither
// subjectively nor objectively down. All is well when it is masters * sentinels.
uint64_t healthy_views(ScenarioRun& run, const SentinelTopology& topology);

}  // namespace tools
