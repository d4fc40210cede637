// Walkthrough W2, seed003-replication (shared/oracle/walkthroughs/seed003-replication.*):
// replicas attached at runtime with SLAVEOF, READONLY, the master shut down and restarted from
// its RDB (its replicas continue partially), a replica stopped with SIGTERM, restarted as a
// master from its RDB, and attached again (a full resync). Every step runs at the time of day
// events.txt recorded; master_repl_offset is checked where offsets.side.txt measured it.
#include <doctest/doctest.h>

#include "tests/unit/walkthrough_harness.h"

using test::info_field;
using test::RedisWorld;
using test::Replay;

namespace {

// offsets.side.txt: 6379's master_repl_offset at that moment.
void check_master_offset(Replay& r, std::string_view at, std::string_view offset) {
  r.at(at);
  CAPTURE(at);
  CHECK(info_field(r.cli(6379, "info replication"), "master_repl_offset") == offset);
}

void check_link(Replay& r, int port, std::string_view status) {
  CAPTURE(port);
  CHECK(info_field(r.cli(port, "info replication"), "master_link_status") == status);
}

// 21:01:57 - 21:02:03: three masters; two become replicas with SLAVEOF and full-sync after
// the 5 s diskless delay; a write reaches them; a replica refuses writes.
void attach_replicas_and_write(RedisWorld& w, Replay& r) {
  r.at("21:01:57.500");
  w.add_server("6380", 6380);
  r.at("21:01:57.506");
  w.add_server("6379", 6379);
  r.at("21:01:57.509");
  w.add_server("6381", 6381);
  r.at("21:01:57.530");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:0
master_failover_state:no-failover
master_replid:fce96f206ef3128c6a25bf0c07c5669bfef87f44
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:0
second_repl_offset:-1
repl_backlog_active:0
repl_backlog_size:1048576
repl_backlog_first_byte_offset:0
repl_backlog_histlen:0
)");
  check_master_offset(r, "21:01:57.547", "0");
  r.at("21:01:57.567");
  r.expect(6380, "SLAVEOF 127.0.0.1 6379", "OK\n");
  r.at("21:01:57.599");
  r.expect(6381, "SLAVEOF 127.0.0.1 6379", "OK\n");
  r.at("21:01:57.617");
  r.expect(6380, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:down
master_last_io_seconds_ago:-1
master_sync_in_progress:0
slave_read_repl_offset:0
slave_repl_offset:0
master_link_down_since_seconds:-1
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:acbf5c324ae53d1fafe9e32eb6e6814b1d643e16
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:0
second_repl_offset:-1
repl_backlog_active:0
repl_backlog_size:1048576
repl_backlog_first_byte_offset:0
repl_backlog_histlen:0
)");
  // The link comes up once the fork, 5 s after the first PSYNC, has streamed the RDB.
  r.at("21:02:02.400");
  check_link(r, 6380, "down");
  r.at("21:02:02.680");
  check_link(r, 6380, "up");
  check_link(r, 6381, "up");
  check_master_offset(r, "21:02:02.683", "0");
  r.at("21:02:02.706");
  r.expect(6380, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:up
master_last_io_seconds_ago:0
master_sync_in_progress:0
slave_read_repl_offset:0
slave_repl_offset:0
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:681bbca221df8be6bb8cd4e5986310f36971e267
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:0
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:0
)");
  r.at("21:02:02.721");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6380,state=online,offset=0,lag=0
slave1:ip=127.0.0.1,port=6381,state=online,offset=0,lag=0
master_failover_state:no-failover
master_replid:681bbca221df8be6bb8cd4e5986310f36971e267
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:0
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:0
)");
  r.at("21:02:02.735");
  r.expect(6379, "set k1 v1", "OK\n");
  check_master_offset(r, "21:02:02.751", "52");  // SELECT 0 (23) + set k1 v1 (29)
  r.at("21:02:03.020");
  r.expect(6381, "get k1", "\"v1\"\n");
  r.at("21:02:03.042");
  r.expect(6381, "set k2 v2", "(error) READONLY You can't write against a read only replica.\n");
  r.at("21:02:03.057");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6380,state=online,offset=0,lag=1
slave1:ip=127.0.0.1,port=6381,state=online,offset=0,lag=1
master_failover_state:no-failover
master_replid:681bbca221df8be6bb8cd4e5986310f36971e267
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:52
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:52
)");
}

// 21:02:03 - 21:02:07: SHUTDOWN sends REPLCONF GETACK * (37 bytes), waits for both replicas
// to acknowledge offset 89 (their next once-a-second ACK: "2 of 2 replicas are in sync when
// shutting down" 0.585 s later) and saves the RDB with the replication id and offset; the
// restarted master keeps that history as its replid2 and both replicas continue partially
// ("Sending 0 bytes of backlog starting from offset 90").
void restart_master_from_rdb(RedisWorld& w, Replay& r) {
  sim::NodeId master = w.world.find("6379");
  r.at("21:02:03.072");
  r.send(6379, "shutdown");
  r.at("21:02:03.450");
  CHECK(w.world.alive(master));
  r.at("21:02:03.700");
  CHECK_FALSE(w.world.alive(master));
  r.at("21:02:05.683");
  r.expect(6380, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:down
master_last_io_seconds_ago:-1
master_sync_in_progress:0
slave_read_repl_offset:89
slave_repl_offset:89
master_link_down_since_seconds:2
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:681bbca221df8be6bb8cd4e5986310f36971e267
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:89
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:1
repl_backlog_histlen:89
)");
  r.at("21:02:05.698");
  r.expect(6380, "get k1", "\"v1\"\n");
  r.at("21:02:05.735");
  w.world.start(master);
  // after_master_restart.side.txt
  r.at("21:02:05.873");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:0
master_failover_state:no-failover
master_replid:fab56a38174946978eaa3d2a9d619fc57f822d84
master_replid2:681bbca221df8be6bb8cd4e5986310f36971e267
master_repl_offset:89
second_repl_offset:90
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:90
repl_backlog_histlen:0
)");
  r.at("21:02:06.835");
  check_link(r, 6380, "up");
  check_link(r, 6381, "up");
  check_master_offset(r, "21:02:06.838", "89");
  r.at("21:02:06.869");
  r.expect(6379, "set k2 v2", "OK\n");
  check_master_offset(r, "21:02:06.900", "141");  // a SELECT again: the new process has none
  r.at("21:02:07.128");
  r.expect(6380, "get k2", "\"v2\"\n");
}

// 21:02:07 - 21:02:13: 6381 stopped with SIGTERM (its RDB saved), restarted with its original
// config: a master that remembers the history it followed, with k1 and k2 only. SLAVEOF asks
// to continue its own new id, which the master refuses: a full resync at offset 199.
void restart_replica_as_master_then_attach(RedisWorld& w, Replay& r) {
  r.at("21:02:07.150");
  w.world.terminate(w.world.find("6381"));
  r.at("21:02:07.265");
  r.expect(6379, "set k3 v3", "OK\n");
  check_master_offset(r, "21:02:07.289", "170");
  r.at("21:02:07.340");
  w.world.start(w.world.find("6381"));
  r.at("21:02:07.459");
  r.expect(6381, "get k3", "(nil)\n");
  r.at("21:02:07.472");
  r.expect(6379, "set k4 v4", "OK\n");
  check_master_offset(r, "21:02:07.487", "199");
  r.at("21:02:07.509");
  r.expect(6381, "get k4", "(nil)\n");
  r.at("21:02:07.526");
  r.expect_unordered(6381, "keys *", R"(
1) "k1"
2) "k2"
)");
  r.at("21:02:07.540");
  r.expect(6381, "info replication", R"(
# Replication
role:master
connected_slaves:0
master_failover_state:no-failover
master_replid:7cc7db908c729b64b1b13cbb5efea74e6768e5e6
master_replid2:fab56a38174946978eaa3d2a9d619fc57f822d84
master_repl_offset:141
second_repl_offset:142
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:142
repl_backlog_histlen:0
)");
  r.at("21:02:07.556");
  r.expect(6381, "SLAVEOF 127.0.0.1 6379", "OK\n");
  r.at("21:02:07.573");
  r.expect(6381, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:down
master_last_io_seconds_ago:-1
master_sync_in_progress:0
slave_read_repl_offset:141
slave_repl_offset:141
master_link_down_since_seconds:-1
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:7cc7db908c729b64b1b13cbb5efea74e6768e5e6
master_replid2:fab56a38174946978eaa3d2a9d619fc57f822d84
master_repl_offset:141
second_repl_offset:142
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:142
repl_backlog_histlen:0
)");
  r.at("21:02:07.587");
  r.expect(6381, "get k4", "(nil)\n");
  r.at("21:02:13.047");
  check_link(r, 6381, "up");
  r.at("21:02:13.054");
  r.expect(6381, "info replication", R"(
# Replication
role:slave
master_host:127.0.0.1
master_port:6379
master_link_status:up
master_last_io_seconds_ago:1
master_sync_in_progress:0
slave_read_repl_offset:199
slave_repl_offset:199
slave_priority:100
slave_read_only:1
replica_announced:1
connected_slaves:0
master_failover_state:no-failover
master_replid:fab56a38174946978eaa3d2a9d619fc57f822d84
master_replid2:0000000000000000000000000000000000000000
master_repl_offset:199
second_repl_offset:-1
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:200
repl_backlog_histlen:0
)");
  r.at("21:02:13.092");
  r.expect(6381, "get k4", "\"v4\"\n");
  r.at("21:02:13.122");
  r.expect_unordered(6381, "keys *", R"(
1) "k3"
2) "k4"
3) "k1"
4) "k2"
)");
  r.at("21:02:13.140");
  r.expect(6379, "info replication", R"(
# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=6380,state=online,offset=199,lag=1
slave1:ip=127.0.0.1,port=6381,state=online,offset=199,lag=1
master_failover_state:no-failover
master_replid:fab56a38174946978eaa3d2a9d619fc57f822d84
master_replid2:681bbca221df8be6bb8cd4e5986310f36971e267
master_repl_offset:199
second_repl_offset:90
repl_backlog_active:1
repl_backlog_size:1048576
repl_backlog_first_byte_offset:90
repl_backlog_histlen:110
)");
  check_master_offset(r, "21:02:13.153", "199");
}

}  // namespace

TEST_CASE("walkthrough seed003-replication: runtime SLAVEOF, master restart keeps its history, "
          "a replica restarted as a master full-syncs") {
  RedisWorld w;
  Replay r(w, "21:01:57.471");
  attach_replicas_and_write(w, r);
  restart_master_from_rdb(w, r);
  restart_replica_as_master_then_attach(w, r);
  // The resync decisions, as 6379.log and 6381.log tell them.
  r.expect_log("6379", "Partial resynchronization not accepted: Replication ID mismatch "
                       "(Replica asked for 'acbf5c324ae53d1fafe9e32eb6e6814b1d643e16', my "
                       "replication IDs are 'fce96f206ef3128c6a25bf0c07c5669bfef87f44' and "
                       "'0000000000000000000000000000000000000000')");
  r.expect_log("6379", "Replication backlog created, my new replication IDs are "
                       "'681bbca221df8be6bb8cd4e5986310f36971e267' and "
                       "'0000000000000000000000000000000000000000'");
  r.expect_log("6379", "2 of 2 replicas are in sync when shutting down.");
  for (std::string_view replica : {"6380", "6381"}) {
    r.expect_log("6379", fmt::format("Partial resynchronization request from 127.0.0.1:{} "
                                     "accepted. Sending 0 bytes of backlog starting from "
                                     "offset 90.", replica));
  }
  r.expect_log("6381", "Trying a partial resynchronization (request "
                       "681bbca221df8be6bb8cd4e5986310f36971e267:90).");
  r.expect_log("6381", "Master replication ID changed to "
                       "fab56a38174946978eaa3d2a9d619fc57f822d84");
  r.expect_log("6381", "Trying a partial resynchronization (request "
                       "7cc7db908c729b64b1b13cbb5efea74e6768e5e6:142).");
  r.expect_log("6379", "Partial resynchronization not accepted: Replication ID mismatch "
                       "(Replica asked for '7cc7db908c729b64b1b13cbb5efea74e6768e5e6', my "
                       "replication IDs are 'fab56a38174946978eaa3d2a9d619fc57f822d84' and "
                       "'681bbca221df8be6bb8cd4e5986310f36971e267')");
  r.expect_log("6381", "Full resync from master: fab56a38174946978eaa3d2a9d619fc57f822d84:199");
  r.expect_log("6381", "Done loading RDB, keys loaded: 4, keys expired: 0.");
}
