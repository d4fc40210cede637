// processCommand's gates on a simulated server, each as real Redis 7.0 words it: AUTH and
// masterauth, stale replicas, DEBUG SLEEP stopping the whole server, aborted transactions.
#include <doctest/doctest.h>

#include "tests/unit/redis_harness.h"

using model::RespValue;
using sim::Duration;
using test::RedisWorld;

TEST_CASE("requirepass: NOAUTH until AUTH; a replica with masterauth syncs, one without cannot") {
  RedisWorld w;
  w.add_server("master", 6379, "requirepass secret\n");
  auto good = w.add_server("replica1", 6380, "replicaof 127.0.0.1 6379\nmasterauth secret\n");
  auto bad = w.add_server("replica2", 6381, "replicaof 127.0.0.1 6379\n");
  CHECK(w.run(6379, {"set", "k", "v"}) == RespValue::error("NOAUTH Authentication required."));
  CHECK(w.run(6379, {"auth", "wrong"}) ==
        RespValue::error("WRONGPASS invalid username-password pair or user is disabled."));
  CHECK(w.run(6379, {"auth", "secret"}) == RespValue::ok());
  CHECK(w.run(6379, {"set", "k", "v"}) == RespValue::ok());
  w.run_for(Duration::seconds(8));
  CHECK(w.server(good).view().repl_state == model::ReplState::kConnected);
  CHECK(w.server(bad).view().repl_state != model::ReplState::kConnected);
  CHECK(w.run(6380, {"get", "k"}) == RespValue::bulk("v"));
}

TEST_CASE("replica-serve-stale-data no: MASTERDOWN while the link is down, INFO still answers") {
  RedisWorld w;
  w.add_server("replica1", 6380, "replicaof 127.0.0.1 6379\nreplica-serve-stale-data no\n");
  w.run_for(Duration::seconds(1));
  CHECK(w.run(6380, {"get", "k"}) ==
        RespValue::error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is "
                         "set to 'no'."));
  CHECK(w.run(6380, {"ping"}).is_error());
  CHECK_FALSE(w.run(6380, {"info", "replication"}).is_error());
  w.add_server("master", 6379);
  w.run_for(Duration::seconds(8));
  CHECK(w.run(6380, {"get", "k"}) == RespValue::null_bulk());
}

TEST_CASE("DEBUG SLEEP stops the whole server: the reply and everything else wait") {
  RedisWorld w;
  w.add_server("master", 6379, "enable-debug-command yes\n");
  w.run_for(Duration::millis(10));
  sim::Time sent = w.world.now();
  CHECK(w.run(6379, {"debug", "sleep", "2"}) == RespValue::ok());
  CHECK(w.world.now() - sent >= Duration::seconds(2));
  CHECK(w.world.now() - sent < Duration::millis(2010));
}

TEST_CASE("DEBUG is refused with Redis's text unless enable-debug-command allows it") {
  RedisWorld w;
  w.add_server("master", 6379);
  RespValue reply = w.run(6379, {"debug", "sleep", "0"});
  REQUIRE(reply.is_error());
  CHECK(reply.str.starts_with("ERR DEBUG command not allowed."));
}

TEST_CASE("an error while queueing dooms the transaction: EXECABORT, nothing runs") {
  RedisWorld w;
  w.add_server("master", 6379);
  CHECK(w.run(6379, {"multi"}) == RespValue::ok());
  CHECK(w.run(6379, {"set", "k", "v"}) == RespValue::status("QUEUED"));
  CHECK(w.run(6379, {"nosuchcommand"}).is_error());
  CHECK(w.run(6379, {"exec"}) ==
        RespValue::error("EXECABORT Transaction discarded because of previous errors."));
  CHECK(w.run(6379, {"get", "k"}) == RespValue::null_bulk());
}

TEST_CASE("PUBLISH reaches SUBSCRIBE and PSUBSCRIBE clients, and is replicated") {
  RedisWorld w;
  w.add_server("master", 6379);
  auto replica = w.add_server("replica1", 6380, "replicaof 127.0.0.1 6379\n");
  sim::NodeId sub_id = w.world.add_node(sim::NodeSpec{
      "subscriber", sim::Address{"127.0.0.2", 0},
      [](sim::Env& env) { return std::make_unique<test::CliClient>(env); }});
  w.world.start(sub_id);
  auto& sub = *static_cast<test::CliClient*>(w.world.process(sub_id));
  w.run_for(Duration::seconds(7));
  sim::Address master{"127.0.0.1", 6379};
  sub.send(master, {"subscribe", "news"});
  sub.send(master, {"psubscribe", "n*"});
  w.run_for(Duration::millis(10));
  REQUIRE(sub.replies.size() == 2);
  CHECK(sub.replies[0] == RespValue::array({RespValue::bulk("subscribe"), RespValue::bulk("news"),
                                            RespValue::integer(1)}));
  int64_t offset_before = w.server(replica).view().master_repl_offset;
  CHECK(w.run(6379, {"publish", "news", "hello"}) == RespValue::integer(2));
  w.run_for(Duration::millis(10));
  REQUIRE(sub.replies.size() == 4);
  CHECK(sub.replies[2] == RespValue::array({RespValue::bulk("message"), RespValue::bulk("news"),
                                            RespValue::bulk("hello")}));
  CHECK(sub.replies[3] == RespValue::array({RespValue::bulk("pmessage"), RespValue::bulk("n*"),
                                            RespValue::bulk("news"), RespValue::bulk("hello")}));
  // PUBLISH travels the replication stream: *3, $7 publish, $4 news, $5 hello: 38 bytes.
  CHECK(w.server(replica).view().master_repl_offset == offset_before + 38);
}
