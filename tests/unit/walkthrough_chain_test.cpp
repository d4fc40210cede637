// Walkthrough W3, seed003-chain (shared/oracle/walkthroughs/seed003-chain.*), its replication
// part: a chain 6379 <- 6380 <- 6381 built with SLAVEOF (6381 refused with -NOMASTERLINK until
// 6380 has synced), one history and one offset on all three levels, SLAVEOF NO ONE in the
// middle (6381 continues partially under the new id), and the rebuild as two direct replicas.
// The Sentinel part of the walkthrough (from 21:03:28.342 on) is not replayed here.
#include <doctest/doctest.h>

#include "tests/unit/walkthrough_harness.h"

using test::info_field;
using test::RedisWorld;
using test::Replay;

namespace {

std::string link_of(Replay& r, int port) {
  return info_field(r.cli(port, "info replication"), "master_link_status");
}

// 21:03:12 - 21:03:22: two back-to-back diskless syncs, 5 s each; a PING (14 bytes) went down
// the chain before the leaf synced, so the leaf's backlog starts at 15.
void build_chain(RedisWorld& w, Replay& r) {
  // Started when events.txt says (all three logs say ready at 12.152-12.158): 6379's cron
  // must tick just before 6380's, as in the recorded run, where 6379's PING (22.2) reached
  // 6380 before 6380 forked for 6381 (22.257).
  r.at("21:03:12.128");
  w.add_server("6379", 6379, "save \"\"\n");
  r.at("21:03:12.130");
  w.add_server("6380", 6380, "save \"\"\n");
  r.at("21:03:12.134");
  w.add_server("6381", 6381, "save \"\"\n");
  r.at("21:03:12.185");
  r.expect(6380, "SLAVEOF 127.0.0.1 6379", "OK\n");
  r.at("21:03:12.198");
  r.expect(6381, "SLAVEOF 127.0.0.1 6380", "OK\n");
  r.at("21:03:17.000");
  CHECK(link_of(r, 6380) == "down");
  r.at("21:03:18.000");
  CHECK(link_of(r, 6380) == "up");
  CHECK(link_of(r, 6381) == "down");  // its PSYNC waits for 6380's own fork
  r.at("21:03:22.394");
  CHECK(link_of(r, 6380) == "up");
  CHECK(link_of(r, 6381) == "up");
  r.at("21:03:22.399");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:1
slave0:ip=127.0.0.1,port=6380,state=online,offset=14,lag=0
master_failover_state:no-failover
master_replid:edec12fb69919227ed9f2b5bf9ade750282dc701
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:14
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:14
)");
  r.at("21:03:22.411");
  r.expect(6380, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:up
master_last_io_seconds_ago:0
master_sync_in_progress:0
slave_read_repl_offset:14
slave_repl_offset:14
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:1
slave0:ip=127.0.0.1,port=6381,state=online,offset=14,lag=0
master_failover_state:no-failover
master_replid:edec12fb69919227ed9f2b5bf9ade750282dc701
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:14
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:14
)");
  r.at("21:03:22.421");
  r.expect(6381, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6380
master_link_status:up
master_last_io_seconds_ago:0
master_sync_in_progress:0
slave_read_repl_offset:14
slave_repl_offset:14
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:edec12fb69919227ed9f2b5bf9ade750282dc701
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:14
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:15
repl_backlog_histlen:0
)");
}

// 21:03:22: a write flows down the chain (14 + 23 + 29 = 66); SLAVEOF NO ONE in the middle
// shifts its history (valid up to 67) and drops 6381, which reconnects at once and continues
// ("Sending 0 bytes of backlog starting from offset 67"); offset=0 until its first ACK.
void write_then_promote_middle(Replay& r) {
  r.at("21:03:22.431");
  r.expect(6379, "set k5 v5", "OK\n");
  r.at("21:03:22.743");
  r.expect(6380, "get k5", "\"v5\"\n");
  r.at("21:03:22.753");
  r.expect(6381, "get k5", "\"v5\"\n");
  r.at("21:03:22.763");
  r.expect(6380, "SLAVEOF NO ONE", "OK\n");
  r.at("21:03:22.774");
  r.expect(6380, "info replication", R"(
# Replication
role:master
connected_slaves:1
slave0:ip=127.0.0.1,port=6381,state=online,offset=0,lag=0
master_failover_state:no-failover
master_replid:44bf9011d02e4ab15bb9e6232eb094e4424d4197
master_replid2:edec12fb69919227ed9f2b5bf9ade750282dc701
master_repl_offset:66
second_repl_offset:67
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:66
)");
  // after_noone.side.txt: the leaf took the new id and keeps its master.
  r.at("21:03:23.287");
  r.expect(6381, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6380
master_link_status:up
master_last_io_seconds_ago:1
master_sync_in_progress:0
slave_read_repl_offset:66
slave_repl_offset:66
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:44bf9011d02e4ab15bb9e6232eb094e4424d4197
master_replid2:edec12fb69919227ed9f2b5bf9ade750282dc701
master_repl_offset:66
second_repl_offset:67
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:15
repl_backlog_histlen:52
)");
}

// 21:03:23 - 21:03:28: both ask 6379 to continue 44bf...:67, a history 6379 never had
// ("Replication ID mismatch"): one full resync at offset 66 after the 5 s delay.
void rebuild_as_direct_replicas(Replay& r) {
  r.at("21:03:23.302");
  r.expect(6380, "SLAVEOF 127.0.0.1 6379", "OK\n");
  r.at("21:03:23.316");
  r.expect(6381, "SLAVEOF 127.0.0.1 6379", "OK\n");
  r.at("21:03:28.000");
  CHECK(link_of(r, 6380) == "down");
  r.at("21:03:28.322");
  CHECK(link_of(r, 6380) == "up");
  CHECK(link_of(r, 6381) == "up");
  CHECK(info_field(r.cli(6381, "info replication"), "master_port") == "6379");
  r.at("21:03:28.325");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6380,state=online,offset=66,lag=0
slave1:ip=127.0.0.1,port=6381,state=online,offset=66,lag=0
master_failover_state:no-failover
master_replid:edec12fb69919227ed9f2b5bf9ade750282dc701
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:66
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:66
)");
}

}  // namespace

TEST_CASE("walkthrough seed003-chain: a chain shares one history; SLAVEOF NO ONE in the middle "
          "lets the leaf continue; the rebuild full-syncs") {
  RedisWorld w;
  Replay r(w, "21:03:12.125");
  build_chain(w, r);
  write_then_promote_middle(r);
  rebuild_as_direct_replicas(r);
  // The resync decisions, as the logs tell them.
  r.expect_log("6381", "Master is currently unable to PSYNC but should be in the future: "
                       "-NOMASTERLINK Can't SYNC while not connected with my master");
  r.expect_log("6381", "Full resync from master: edec12fb69919227ed9f2b5bf9ade750282dc701:14");
  r.expect_log("6380", "Setting secondary replication ID to "
                       "edec12fb69919227ed9f2b5bf9ade750282dc701, valid up to offset: 67. New "
                       "replication ID is 44bf9011d02e4ab15bb9e6232eb094e4424d4197");
  r.expect_log("6380", "Partial resynchronization request from 127.0.0.1:6381 accepted. "
                       "Sending 0 bytes of backlog starting from offset 67.");
  r.expect_log("6381", "Master replication ID changed to "
                       "44bf9011d02e4ab15bb9e6232eb094e4424d4197");
  r.expect_log("6380", "Trying a partial resynchronization (request "
                       "44bf9011d02e4ab15bb9e6232eb094e4424d4197:67).");
  r.expect_log("6380", "Full resync from master: edec12fb69919227ed9f2b5bf9ade750282dc701:66");
}
