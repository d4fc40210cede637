// SHUTDOWN of a master with replicas (server.c prepareForShutdown, 7.0): it asks them for an
// ACK (REPLCONF GETACK *), pauses writes and waits up to shutdown-timeout for all of them to
// acknowledge its whole stream. Verified on 7.0.15 (a replica stopped with SIGSTOP): reads are
// served meanwhile, a write waits unanswered (flags=b, blocked_clients:2 with the SHUTDOWN
// caller), SHUTDOWN ABORT answers OK, the SHUTDOWN caller gets "ERR Errors trying to
// SHUTDOWN. Check logs." and the held write then runs.
#include <doctest/doctest.h>

#include "tests/unit/walkthrough_harness.h"

using model::RespValue;
using test::CliClient;
using test::info_field;
using test::RedisWorld;

namespace {

// Another redis-cli, on its own connection.
CliClient& add_cli(RedisWorld& w, const std::string& name) {
  sim::NodeId id = w.world.add_node(sim::NodeSpec{
      name, sim::Address{"127.0.0.1", 0},
      [](sim::Env& env) { return std::make_unique<CliClient>(env); }});
  w.world.start(id);
  return *static_cast<CliClient*>(w.world.process(id));
}

void send(CliClient& cli, std::vector<std::string> argv) {
  cli.send(sim::Address{"127.0.0.1", 6379}, std::move(argv));
}

}  // namespace

TEST_CASE("SHUTDOWN waits for a lagging replica: reads go on, writes are held, SHUTDOWN ABORT "
          "releases them") {
  RedisWorld w;
  w.add_server("master", 6379, "save \"\"\n");
  sim::NodeId replica = w.add_server("replica1", 6380, "save \"\"\nslaveof 127.0.0.1 6379\n");
  w.run_for(sim::Duration::seconds(7));
  CHECK(w.run(6379, {"set", "y", "1"}) == RespValue::ok());
  w.run_for(sim::Duration::millis(1200));
  w.world.pause(replica);
  CHECK(w.run(6379, {"set", "z", "1"}) == RespValue::ok());  // the replica never acks it
  CliClient& shutdown_cli = add_cli(w, "cli-shutdown");
  CliClient& writer = add_cli(w, "cli-writer");
  send(shutdown_cli, {"shutdown"});
  w.run_for(sim::Duration::millis(300));
  send(writer, {"set", "x", "1"});
  w.run_for(sim::Duration::millis(300));
  CHECK(shutdown_cli.replies.empty());
  CHECK(writer.replies.empty());
  CHECK(w.run(6379, {"get", "y"}) == RespValue::bulk("1"));
  std::string clients = w.run(6379, {"info", "clients"}).str;
  CHECK(info_field(clients, "blocked_clients") == "2");
  std::string list = w.run(6379, {"client", "list"}).str;
  size_t first = list.find(" flags=b ");
  REQUIRE(first != std::string::npos);
  CHECK(list.find(" flags=b ", first + 1) != std::string::npos);  // the SHUTDOWN and the SET
  CHECK(w.run(6379, {"shutdown", "abort"}) == RespValue::ok());
  w.run_for(sim::Duration::millis(10));
  REQUIRE(shutdown_cli.replies.size() == 1);
  CHECK(shutdown_cli.replies.front() ==
        RespValue::error("ERR Errors trying to SHUTDOWN. Check logs."));
  REQUIRE(writer.replies.size() == 1);
  CHECK(writer.replies.front() == RespValue::ok());
  CHECK(w.run(6379, {"get", "x"}) == RespValue::bulk("1"));
  CHECK(w.run(6379, {"shutdown", "abort"}) == RespValue::error("ERR No shutdown in progress."));
  CHECK(w.world.alive(w.world.find("master")));
}

TEST_CASE("SHUTDOWN gives up on a silent replica after shutdown-timeout, and SHUTDOWN NOW "
          "does not wait at all") {
  RedisWorld w;
  w.add_server("master", 6379, "save \"\"\nshutdown-timeout 3\n");
  sim::NodeId replica = w.add_server("replica1", 6380, "save \"\"\nslaveof 127.0.0.1 6379\n");
  w.run_for(sim::Duration::seconds(7));
  sim::NodeId master = w.world.find("master");
  w.world.pause(replica);
  CHECK(w.run(6379, {"set", "k", "v"}) == RespValue::ok());
  send(w.cli(), {"shutdown"});
  w.run_for(sim::Duration::millis(2900));
  CHECK(w.world.alive(master));
  w.run_for(sim::Duration::millis(200));
  CHECK_FALSE(w.world.alive(master));

  w.world.resume(replica);
  w.world.start(master);
  w.run_for(sim::Duration::seconds(7));
  w.world.pause(replica);
  CHECK(w.run(6379, {"set", "k", "v2"}) == RespValue::ok());
  send(w.cli(), {"shutdown", "now"});
  w.run_for(sim::Duration::millis(10));
  CHECK_FALSE(w.world.alive(master));
}
