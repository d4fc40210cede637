#include "tools/known_findings.h"

namespace tools {

const std::vector<KnownFinding>& all_known_findings() {
  static const std::vector<KnownFinding> list = {
      {known::kLostAcknowledgedWrites,
       "Redis replicates asynchronously: the master acknowledges a write before any replica "
       "has it, so a failover (or an old master converted into a replica, which drops its data "
       "for a full resync) loses the writes the new master never received. "
       "min-replicas-to-write bounds the window, it does not close it."},
      {known::kVoteAgainAfterRestart,
       "Sentinel keeps its vote (a master's leader and leader_epoch) in memory only; the config "
       "file stores the current epoch but not the vote (sentinelVoteLeader, "
       "sentinelFlushConfig). A Sentinel restarted within an epoch votes again in it, possibly "
       "for another candidate."},
      {known::kFailoverEndsUnderNewerEpoch,
       "While a leader's failover is in progress its master record keeps the old address. A "
       "hello from another Sentinel that failed over in a newer epoch, naming that same old "
       "address (promoted back), raises the record's config epoch without a switch "
       "(sentinelProcessHelloMessage compares the epoch only). When the leader's own failover "
       "then ends, for instance by failover-timeout, sentinelFailoverSwitchToPromotedSlave "
       "switches to its promoted replica without checking the epoch: two Sentinels now name two "
       "masters under one config epoch, neither adopts the other's (the epochs are equal), and "
       "each converts the other's master into a replica until a later failover settles it."},
      {known::kForcedFailoverReusesEpoch,
       "SENTINEL FAILOVER forces a failover without an election: the Sentinel bumps its own "
       "current epoch and counts itself elected (sentinelGetLeader is not asked). A Sentinel "
       "that has not yet heard of an epoch another Sentinel won (after a partition, before the "
       "next hello) takes that same epoch: two leaders, and possibly two promoted masters, in "
       "one epoch."},
      {known::kEpochNotSaved,
       "Sentinel saves its config on most epoch changes, but not on two: "
       "sentinelStartFailover raises the current epoch (+new-epoch, +try-failover) and saves at "
       "the Sentinel's vote a moment later, and sentinelProcessHelloMessage raises a master's "
       "config epoch silently when the hello names the address the Sentinel already has (only "
       "a switch to another address saves). A Sentinel that stops before the next save (SIGTERM "
       "saves nothing either) restarts with the older epoch: for instance after a SENTINEL "
       "FAILOVER sent during TILT, when the failover state machine does not run. Both checked "
       "on Redis 7.0.15: after SIGSTOP/SIGCONT, SENTINEL FAILOVER and kill -9 the file still "
       "says current-epoch 0; after a hello with config epoch 2 for the same address, SENTINEL "
       "MASTER says config-epoch 2, the file 0, and the restarted Sentinel 0."},
  };
  return list;
}

std::string_view explain_known_finding(std::string_view name) {
  for (const KnownFinding& k : all_known_findings()) {
    if (k.name == name) return k.explanation;
  }
  return {};
}

}  // namespace tools
