// Walkthrough W4, seed004-basic (shared/oracle/walkthroughs/seed004-basic.*): a replica started
// tutorial-style with `--port 6380 --slaveof 127.0.0.1 6379`, a write that reaches it, READONLY,
// SLAVEOF NO ONE (a new history that remembers the old one), then plain commands on the master;
// and the two interactive sessions of pty_6379.side.txt / pty_6380.side.txt.
#include <doctest/doctest.h>

#include "tests/unit/walkthrough_harness.h"

using test::info_field;
using test::RedisWorld;
using test::Replay;

namespace {

// 21:01:16 - 21:01:22: the replica full-syncs after the 5 s diskless delay; SET foo bar is
// SELECT 0 (23 bytes) + SET foo bar (31 bytes): offset 54 on both.
void replica_from_command_line(RedisWorld& w, Replay& r) {
  r.at("21:01:16.791");
  w.add_server("6379", 6379, "save \"\"\n");
  r.at("21:01:16.923");
  // redis-server 6380.conf --port 6380 --slaveof 127.0.0.1 6379: the options are config lines
  // appended to the file's.
  w.add_server("6380", 6380, "save \"\"\nslaveof 127.0.0.1 6379\n");
  // immediate.side.txt: no cached master yet, so the processed offset reads 1, not 0.
  r.at("21:01:17.033");
  r.expect(6380, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:down
master_last_io_seconds_ago:-1
master_sync_in_progress:0
slave_read_repl_offset:1
slave_repl_offset:1
master_link_down_since_seconds:-1
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:63418c465a919a49e6f3464962fbce965fd5c2b9
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:0
second_repl_offset:-1
repl_backlog_active:0
repl_backlog_size:1048576
repl_backlog_first_byte_offset:0
repl_backlog_histlen:0
)");
  r.at("21:01:21.700");
  CHECK(info_field(r.cli(6380, "info replication"), "master_link_status") == "down");
  r.at("21:01:21.853");
  CHECK(info_field(r.cli(6380, "info replication"), "master_link_status") == "up");
  r.at("21:01:21.855");
  r.expect(6379, "SET foo bar", "OK\n");
  r.at("21:01:22.172");
  r.expect(6380, "INFO replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:up
master_last_io_seconds_ago:1
master_sync_in_progress:0
slave_read_repl_offset:54
slave_repl_offset:54
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:1596a8400f494675978a87bdabe12bfec2a4861c
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:54
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:54
)");
  r.at("21:01:22.189");
  r.expect(6380, "GET foo", "\"bar\"\n");
  r.at("21:01:22.201");
  r.expect(6380, "SET FOO hi", "(error) READONLY You can't write against a read only replica.\n");
  r.at("21:01:22.215");
  r.expect(6379, "INFO replication", R"(
# Replication
role:master
connected_slaves:1
slave0:ip=127.0.0.1,port=6380,state=online,offset=54,lag=1
master_failover_state:no-failover
master_replid:1596a8400f494675978a87bdabe12bfec2a4861c
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:54
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:54
)");
}

// 21:01:22: SLAVEOF NO ONE shifts the history (replid2 = old id, valid up to 55) and keeps
// the backlog; the former replica takes writes; the master serves plain commands.
void promote_and_use(Replay& r) {
  r.at("21:01:22.226");
  r.expect(6380, "SLAVEOF NO ONE", "OK\n");
  r.at("21:01:22.239");
  r.expect(6380, "INFO replication", R"(
# Replication
role:master
connected_slaves:0
master_failover_state:no-failover
master_replid:ae6ac4c42675a6c562ef10c29c8430bd3dfa9241
master_replid2:1596a8400f494675978a87bdabe12bfec2a4861c
master_repl_offset:54
second_repl_offset:55
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:54
)");
  r.at("21:01:22.250");
  r.expect(6380, "SET FOO hi", "OK\n");
  r.at("21:01:22.263");
  r.expect(6380, "GET FOO", "\"hi\"\n");
  r.at("21:01:22.272");
  r.expect(6379, "GET nosuchkey", "(nil)\n");
  r.at("21:01:22.281");
  r.expect(6379, "RPUSH mylist a b c", "(integer) 3\n");
  r.at("21:01:22.290");
  r.expect(6379, "LRANGE mylist 0 -1", R"(
1) "a"
2) "b"
3) "c"
)");
  r.at("21:01:22.301");
  r.expect(6379, "LRANGE nolist 0 -1", "(empty array)\n");
  r.at("21:01:22.312");
  r.expect_unordered(6379, "KEYS *", R"(
1) "foo"
2) "mylist"
)");
  r.at("21:01:22.324");
  r.expect(6379, "DBSIZE", "(integer) 2\n");
}

// pty_6379.side.txt (its time was not recorded: before 6380's SLAVEOF at 21:01:29.851):
// 102 + SET foo bar (31) + RPUSH mylist2 a b c (49) = 182, no replica, no PING.
void interactive_master_session(Replay& r) {
  r.at("21:01:25.000");
  r.expect(6379, "SET foo bar", "OK\n");
  r.expect(6379, "GET foo", "\"bar\"\n");
  r.expect(6379, "GET nosuchkey", "(nil)\n");
  r.expect(6379, "RPUSH mylist2 a b c", "(integer) 3\n");
  r.expect(6379, "LRANGE mylist 0 -1", "1) \"a\"\n2) \"b\"\n3) \"c\"\n");
  r.expect(6379, "LRANGE nolist 0 -1", "(empty array)\n");
  r.expect_unordered(6379, "KEYS *", "1) \"foo\"\n2) \"mylist2\"\n3) \"mylist\"\n");
  r.expect(6379, "INFO replication", R"(
# Replication
role:master
connected_slaves:0
master_failover_state:no-failover
master_replid:1596a8400f494675978a87bdabe12bfec2a4861c
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:182
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:182
)");
}

// pty_6380.side.txt, at the times of 6380.log: the promoted server (offset 54 + SELECT 0 + SET
// FOO hi = 107) asks to continue its own history at 108, which the master refuses; before the
// full sync starts, SLAVEOF NO ONE shifts again ("valid up to offset: 108"), then SHUTDOWN.
void interactive_replica_session(RedisWorld& w, Replay& r) {
  r.at("21:01:29.851");
  std::string promoted_id = r.id("ae6ac4c42675a6c562ef10c29c8430bd3dfa9241");
  r.expect(6380, "SLAVEOF 127.0.0.1 6379", "OK\n");
  r.at("21:01:30.000");
  std::string info = r.cli(6380, "INFO replication");
  CHECK(info_field(info, "master_replid") == promoted_id);
  CHECK(info_field(info, "slave_repl_offset") == "107");
  CHECK(info_field(info, "master_link_status") == "down");
  r.expect(6380, "SET FOO hi", "(error) READONLY You can't write against a read only replica.\n");
  r.at("21:01:31.262");
  r.expect(6380, "SLAVEOF NO ONE", "OK\n");
  info = r.cli(6380, "INFO replication");
  CHECK(info_field(info, "master_replid2") == promoted_id);
  CHECK(info_field(info, "master_repl_offset") == "107");
  CHECK(info_field(info, "second_repl_offset") == "108");
  r.at("21:01:31.973");
  r.send(6380, "SHUTDOWN");
  r.at("21:01:32.000");
  CHECK_FALSE(w.world.alive(w.world.find("6380")));
  CHECK(info_field(r.cli(6379, "INFO replication"), "connected_slaves") == "0");
  r.at("21:01:33.433");
  r.send(6379, "shutdown");  // shutdown_noninteractive.side.txt: prints nothing
  r.at("21:01:33.500");
  CHECK_FALSE(w.world.alive(w.world.find("6379")));
}

}  // namespace

TEST_CASE("walkthrough seed004-basic: --slaveof replica syncs, refuses writes, is promoted by "
          "SLAVEOF NO ONE") {
  RedisWorld w;
  Replay r(w, "21:01:16.750");
  replica_from_command_line(w, r);
  promote_and_use(r);
  interactive_master_session(r);
  interactive_replica_session(w, r);
  // The resync decisions, as 6379.log and 6380.log tell them.
  r.expect_log("6380", "Partial resynchronization not possible (no cached master)");
  r.expect_log("6379", "Full resync requested by replica 127.0.0.1:6380");
  r.expect_log("6380", "Full resync from master: 1596a8400f494675978a87bdabe12bfec2a4861c:0");
  r.expect_log("6380", "Setting secondary replication ID to "
                       "1596a8400f494675978a87bdabe12bfec2a4861c, valid up to offset: 55. New "
                       "replication ID is ae6ac4c42675a6c562ef10c29c8430bd3dfa9241");
  r.expect_log("6380", "Trying a partial resynchronization (request "
                       "ae6ac4c42675a6c562ef10c29c8430bd3dfa9241:108).");
  r.expect_log("6379", "Partial resynchronization not accepted: Replication ID mismatch "
                       "(Replica asked for 'ae6ac4c42675a6c562ef10c29c8430bd3dfa9241', my "
                       "replication IDs are '1596a8400f494675978a87bdabe12bfec2a4861c' and "
                       "'0000000000000000000000000000000000000000')");
}
