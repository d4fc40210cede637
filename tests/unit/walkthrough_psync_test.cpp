// Walkthrough W5, seed002-psync (shared/oracle/walkthroughs/seed002-psync.*): the byte cost of
// each propagated command, a replica killed with -9 and restarted with the RDB of its first
// sync (a partial resync replays 41070 bytes of backlog), CLIENT KILL TYPE master (a partial
// resync at once), and a 16 KiB backlog overflowed by 2 MiB of writes while a replica is
// stopped (a full resync). The variant (seed002-psync-variant.*) is in
// walkthrough_psync_variant_test.cpp.
#include <doctest/doctest.h>

#include "tests/unit/walkthrough_harness.h"

using test::info_field;
using test::RedisWorld;
using test::Replay;

namespace {

void check_master_offset(Replay& r, std::string_view at, std::string_view offset) {
  r.at(at);
  CAPTURE(at);
  CHECK(info_field(r.cli(6379, "info replication"), "master_repl_offset") == offset);
}

// 21:02:39 - 21:02:45: both replicas (slaveof in their config) full-sync together after the 5 s
// delay; then the writes of offsets.side.txt, each costing exactly its RESP bytes.
void sync_and_count_bytes(RedisWorld& w, Replay& r) {
  r.at("21:02:39.330");
  w.add_server("6379", 6379, "save \"\"\n");
  check_master_offset(r, "21:02:39.443", "0");
  r.at("21:02:39.480");
  w.add_server("6380", 6380, "save \"\"\nslaveof 127.0.0.1 6379\n");
  r.at("21:02:39.483");
  w.add_server("6381", 6381, "save \"\"\nslaveof 127.0.0.1 6379\n");
  r.at("21:02:44.490");
  CHECK(info_field(r.cli(6380, "info replication"), "master_link_status") == "up");
  CHECK(info_field(r.cli(6381, "info replication"), "master_link_status") == "up");
  r.at("21:02:44.506");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6380,state=online,offset=0,lag=0
slave1:ip=127.0.0.1,port=6381,state=online,offset=0,lag=0
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:0
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:0
)");
  struct Write {
    std::string_view at, line, reply, offset_at, offset;
  };
  static constexpr Write kWrites[] = {
      {"21:02:44.514", "set k1 v1", "OK\n", "21:02:44.524", "52"},
      {"21:02:44.537", "set k2 v2", "OK\n", "21:02:44.547", "81"},
      {"21:02:44.560", "incr counter", "(integer) 1\n", "21:02:44.571", "108"},
      {"21:02:44.583", "rpush mylist a b c", "(integer) 3\n", "21:02:44.594", "156"},
      {"21:02:44.608", "set kx vx ex 100", "OK\n", "21:02:44.618", "215"},  // SET .. PXAT ..
      {"21:02:44.632", "expire k1 100", "(integer) 1\n", "21:02:44.642", "262"},  // PEXPIREAT
      {"21:02:44.653", "del k2", "(integer) 1\n", "21:02:44.664", "283"},
      {"21:02:44.675", "get k1", "\"v1\"\n", "21:02:44.685", "283"},  // reads cost nothing
  };
  for (const Write& write : kWrites) {
    r.at(write.at);
    r.expect(6379, write.line, write.reply);
    check_master_offset(r, write.offset_at, write.offset);
  }
  check_master_offset(r, "21:02:44.701", "283");
  // for i in 1..1000: SET key:$i value:$i | redis-cli -p 6379: 9x37 + 90x39 + 900x41 + 1x44.
  std::vector<std::vector<std::string>> sets;
  for (int i = 1; i <= 1000; ++i) {
    sets.push_back({"SET", fmt::format("key:{}", i), fmt::format("value:{}", i)});
  }
  CHECK(r.pipe(6379, sets) == std::vector<std::string>(1000, "OK\n"));
  check_master_offset(r, "21:02:44.861", "41070");
  r.at("21:02:44.874");
  r.expect(6379, "dbsize", "(integer) 1004\n");
  r.at("21:02:45.185");
  r.expect(6380, "dbsize", "(integer) 1004\n");
  r.at("21:02:45.195");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6380,state=online,offset=0,lag=1
slave1:ip=127.0.0.1,port=6381,state=online,offset=0,lag=1
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:41070
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:41070
)");
}

// 21:02:45 - 21:02:46: kill -9 6380; restarted, it loads the dump.rdb its first full sync left
// (replid c77a..., offset 0) and continues from offset 1: 41070 bytes of backlog.
void kill_replica_and_restart_with_rdb(RedisWorld& w, Replay& r) {
  sim::NodeId replica = w.world.find("6380");
  r.at("21:02:45.210");
  REQUIRE(w.world.disk(replica).exists("dump.rdb"));  // although save ""
  w.world.crash(replica);
  r.at("21:02:46.216");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:1
slave0:ip=127.0.0.1,port=6381,state=online,offset=41070,lag=1
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:41070
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:41070
)");
  r.at("21:02:46.237");
  w.world.start(replica);
  static constexpr std::string_view kReplicaInfo = R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:up
master_last_io_seconds_ago:0
master_sync_in_progress:0
slave_read_repl_offset:41070
slave_repl_offset:41070
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:41070
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:41070
)";
  r.at("21:02:46.345");
  r.expect(6380, "info replication", kReplicaInfo);
  r.at("21:02:46.372");
  r.expect(6380, "info replication", kReplicaInfo);
  r.at("21:02:46.383");
  r.expect(6380, "dbsize", "(integer) 1004\n");
  r.at("21:02:46.394");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6381,state=online,offset=41070,lag=1
slave1:ip=127.0.0.1,port=6380,state=online,offset=0,lag=0
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:41070
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:41070
)");
  check_master_offset(r, "21:02:46.407", "41070");
}

// 21:02:46: CLIENT KILL TYPE master on 6381: it reconnects at once and continues from 41071.
void client_kill_master_link(Replay& r) {
  r.at("21:02:46.423");
  r.expect(6381, "CLIENT KILL TYPE master", "(integer) 1\n");
  r.at("21:02:46.456");
  CHECK(info_field(r.cli(6381, "info replication"), "master_link_status") == "up");
  r.at("21:02:46.458");
  r.expect(6381, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:up
master_last_io_seconds_ago:0
master_sync_in_progress:0
slave_read_repl_offset:41070
slave_repl_offset:41070
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:41070
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:41070
)");
  r.at("21:02:46.470");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6380,state=online,offset=0,lag=0
slave1:ip=127.0.0.1,port=6381,state=online,offset=0,lag=0
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:41070
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:41070
)");
  check_master_offset(r, "21:02:46.481", "41070");
}

// 21:02:46 - 21:02:52: the backlog shrunk to 16 KiB (trimmed in whole 20440-byte blocks);
// 6381 stopped and its link killed on the master; 2 x 1 MiB written; resumed, 6381 asks for
// 41071, which the backlog no longer holds: a full resync at 2138306 (a PING came meanwhile).
void overflow_the_backlog(RedisWorld& w, Replay& r) {
  r.at("21:02:46.499");
  r.expect(6379, "CONFIG SET repl-backlog-size 1000", "OK\n");
  r.at("21:02:46.510");
  r.expect(6379, "CONFIG GET repl-backlog-size", "1) \"repl-backlog-size\"\n2) \"16384\"\n");
  r.at("21:02:46.520");
  r.expect(6379, "CONFIG SET repl-backlog-size 16384", "OK\n");
  r.at("21:02:46.532");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6380,state=online,offset=0,lag=0
slave1:ip=127.0.0.1,port=6381,state=online,offset=41070,lag=0
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:41070
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:16384
repl_backlog_first_byte_offset:20441
repl_backlog_histlen:20630
)");
  check_master_offset(r, "21:02:46.543", "41070");
  // 6381's end of its master link, as CLIENT LIST TYPE master shows it (laddr=127.0.0.1:37850
  // in the recorded run; the port is the kernel's choice).
  r.at("21:02:46.578");
  std::string list = r.cli(6381, "CLIENT LIST TYPE master");
  size_t at = list.find("laddr=");
  REQUIRE(at != std::string::npos);
  std::string laddr = list.substr(at + 6, list.find(' ', at) - at - 6);
  CHECK(laddr.starts_with("127.0.0.1:"));
  // 6381_client_list_master.side.txt: the link revived by the partial resync is the same
  // client as before (age=2: created by the full sync at 21:02:44.4), running as no user.
  for (std::string_view part : {"addr=127.0.0.1:6379 ", " age=2 ", " flags=M db=0 ",
                                " cmd=set user=(superuser) "}) {
    CAPTURE(part);
    CHECK(list.find(part) != std::string::npos);
  }
  r.at("21:02:46.584");
  w.world.pause(w.world.find("6381"));
  r.at("21:02:46.587");
  r.expect(6379, "CLIENT KILL ADDR " + laddr, "(integer) 1\n");
  std::string big(1024 * 1024, 'x');  // redis-cli -x set bigN < a 1 MiB file
  r.at("21:02:46.604");
  CHECK(r.cli_argv(6379, {"set", "big1", big}) == "OK\n");
  check_master_offset(r, "21:02:46.619", "1089681");
  CHECK(r.cli_argv(6379, {"set", "big2", big}) == "OK\n");
  check_master_offset(r, "21:02:46.641", "2138292");
  r.at("21:02:46.651");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:1
slave0:ip=127.0.0.1,port=6380,state=online,offset=0,lag=0
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:2138292
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:16384
repl_backlog_first_byte_offset:2105321
repl_backlog_histlen:32972
)");
  r.at("21:02:47.666");
  w.world.resume(w.world.find("6381"));
  r.at("21:02:52.300");
  CHECK(info_field(r.cli(6381, "info replication"), "master_link_status") == "down");
  r.at("21:02:52.612");
  CHECK(info_field(r.cli(6381, "info replication"), "master_link_status") == "up");
  r.at("21:02:52.614");
  r.expect(6381, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:up
master_last_io_seconds_ago:0
master_sync_in_progress:0
slave_read_repl_offset:2138306
slave_repl_offset:2138306
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:2138306
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:2138307
repl_backlog_histlen:0
)");
  r.at("21:02:52.623");
  r.expect(6381, "dbsize", "(integer) 1006\n");
  r.at("21:02:52.632");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6380,state=online,offset=2138306,lag=0
slave1:ip=127.0.0.1,port=6381,state=online,offset=2138306,lag=0
master_failover_state:no-failover
master_replid:c77af6d0f3aaad0c36f328e5f6e76aacb8e13465
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:2138306
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:16384
repl_backlog_first_byte_offset:2105321
repl_backlog_histlen:32986
)");
  check_master_offset(r, "21:02:52.643", "2138306");
}

}  // namespace

TEST_CASE("walkthrough seed002-psync: byte offsets, partial resync after kill -9 with the RDB, "
          "after CLIENT KILL, full resync after a backlog overflow") {
  RedisWorld w;
  Replay r(w, "21:02:39.315");
  sync_and_count_bytes(w, r);
  kill_replica_and_restart_with_rdb(w, r);
  client_kill_master_link(r);
  overflow_the_backlog(w, r);
  // The resync decisions, as the logs tell them.
  r.expect_log("6380", "Before turning into a replica, using my own master parameters to "
                       "synthesize a cached master: I may be able to synchronize with the new "
                       "master with just a partial transfer.");
  r.expect_log("6380", "Trying a partial resynchronization (request "
                       "c77af6d0f3aaad0c36f328e5f6e76aacb8e13465:1).");
  r.expect_log("6379", "Partial resynchronization request from 127.0.0.1:6380 accepted. "
                       "Sending 41070 bytes of backlog starting from offset 1.");
  r.expect_log("6381", "Trying a partial resynchronization (request "
                       "c77af6d0f3aaad0c36f328e5f6e76aacb8e13465:41071).");
  r.expect_log("6379", "Partial resynchronization request from 127.0.0.1:6381 accepted. "
                       "Sending 0 bytes of backlog starting from offset 41071.");
  r.expect_log("6379", "Unable to partial resync with replica 127.0.0.1:6381 for lack of "
                       "backlog (Replica request was: 41071).");
  r.expect_log("6381", "Full resync from master: "
                       "c77af6d0f3aaad0c36f328e5f6e76aacb8e13465:2138306");
  r.expect_log("6381", "Done loading RDB, keys loaded: 1006, keys expired: 0.");
}
