// Test-only: known bugs that can be planted in the model, so a test can show the fuzzer finds
// each one and shrinks it to a short scenario (tests/planted/). They exist only in a build
// configured with -DREDSIM_PLANTED_BUGS=ON; in every other build `planted(...)` is a constant
// false and the model is unchanged.
#pragma once

#include <cstdint>

namespace model {

enum class PlantedBug : uint8_t {
  kNone,
  kDoubleVote,            // sentinelVoteLeader votes again in an epoch it already voted in
  kPromotePriorityZero,   // replica selection keeps replicas with replica-priority 0
  kHelloOlderConfigEpoch, // a hello with an older config epoch is adopted
  kPsyncAnyReplid,        // a master answers +CONTINUE whatever history the replica names
};

#ifdef REDSIM_PLANTED_BUGS
// The bug planted in every simulation of the process from now on (kNone: none).
void plant_bug(PlantedBug bug);
bool planted(PlantedBug bug);
#else
constexpr bool planted(PlantedBug) { return false; }
#endif

}  // namespace model
