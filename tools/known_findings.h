// Outcomes where faithful Redis itself breaks a property: findings about Redis, reported
// beside the violations but never counted as failures. Each has a name and an explanation
// that cites the Redis behaviour behind it.
#pragma once

#include <string_view>
#include <vector>

namespace tools {

struct KnownFinding {
  std::string_view name;
  std::string_view explanation;
};

namespace known {
// Asynchronous replication: a master acknowledges a write before any replica has it, and a
// failover or a demotion discards what the replicas never received.
inline constexpr std::string_view kLostAcknowledgedWrites = "lost-acknowledged-writes";
// sentinelVoteLeader keeps a master's leader and leader_epoch in memory only: a Sentinel that
// restarts within an epoch can vote again in it.
inline constexpr std::string_view kVoteAgainAfterRestart = "vote-again-after-restart";
// A leader's failover ends (sentinelFailoverSwitchToPromotedSlave) under whatever config epoch
// its master record holds: a newer one adopted meanwhile from a hello that named the address
// the record still had is kept, so two Sentinels publish two masters under one config epoch.
inline constexpr std::string_view kFailoverEndsUnderNewerEpoch = "failover-ends-under-newer-epoch";
// SENTINEL FAILOVER needs no election (sentinelStartFailoverIfNeeded with SRI_FORCE_FAILOVER):
// the Sentinel takes its own current epoch + 1, which another Sentinel may have won already.
inline constexpr std::string_view kForcedFailoverReusesEpoch = "forced-failover-reuses-epoch";
// Two epoch raises stay in memory until the config's next save (sentinelStartFailover's
// current epoch; a hello's config epoch for the address already known): a Sentinel that stops
// before then restarts with the older epoch.
inline constexpr std::string_view kEpochNotSaved = "epoch-not-saved";
}  // namespace known

const std::vector<KnownFinding>& all_known_findings();
// The explanation of a known finding; empty for a name that is not one.
std::string_view explain_known_finding(std::string_view name);

}  // namespace tools
