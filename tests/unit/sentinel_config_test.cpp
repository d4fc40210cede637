// sentinel.conf: loading as redis-sentinel 7.0 does (errors in its words), the file Sentinel
// rewrites on state changes, and resuming from it after a restart; SENTINEL's replies.
#include <doctest/doctest.h>

#include "model/sentinel_state.h"
#include "sentinel_harness.h"

using test::SentinelSettings;
using test::SentinelWorld;

namespace {

constexpr sim::Duration kSecond = sim::Duration::seconds(1);
sim::Duration secs(int64_t n) { return sim::Duration::seconds(n); }

// The error redis-sentinel exits with for `conf`, or "" when it loads.
std::string load_error(const std::string& conf) {
  model::Config config(model::ConfigOptions{.sentinel_mode = true});
  std::optional<model::ConfigLoadError> error = config.load(conf);
  model::SentinelState state;
  if (!error) error = model::load_sentinel_config(config, state, 0);
  return error ? error->describe("sentinel.conf") : "";
}

}  // namespace

TEST_CASE("sentinel.conf: loads what 7.0 loads, in its order, and refuses what it refuses") {
  CHECK(load_error("sentinel monitor m 127.0.0.1 6379 2\n"
                   "sentinel down-after-milliseconds m 1000\n") == "");
  // Options naming a master may come before its monitor line: monitor lines load first.
  CHECK(load_error("sentinel failover-timeout m 5000\nsentinel monitor m 127.0.0.1 6379 2\n") ==
        "");
  CHECK(load_error("sentinel monitor m 127.0.0.1 6379 0\n") ==
        "sentinel.conf:1: Quorum must be 1 or greater.");
  CHECK(load_error("sentinel down-after-milliseconds m 1000\n") ==
        "sentinel.conf:1: No such master with specified name.");
  CHECK(load_error("sentinel monitor m 127.0.0.1 6379 2\nsentinel monitor m 127.0.0.1 6380 2\n") ==
        "sentinel.conf:2: Duplicate master name.");
  CHECK(load_error("sentinel monitor m 127.0.0.1 6379 2\n"
                   "sentinel down-after-milliseconds m 0\n") ==
        "sentinel.conf:2: negative or zero time parameter.");
  CHECK(load_error("sentinel monitor m localhost 6379 2\n") ==
        "sentinel.conf:1: Can't resolve instance hostname.");
  CHECK(load_error("sentinel myid abc\n") ==
        "sentinel.conf:1: Malformed Sentinel id in myid option.");
  CHECK(load_error("sentinel frobnicate 1\n") ==
        "sentinel.conf:1: Unrecognized sentinel configuration statement.");
  CHECK(load_error("sentinel deny-scripts-reconfig maybe\n") ==
        "sentinel.conf:1: Please specify yes or no for the deny-scripts-reconfig options.");
}

TEST_CASE("sentinel.conf: rewritten with the new master, epochs and known instances") {
  SentinelSettings s;
  s.down_after_ms = 30000;      // the default: its line disappears from the rewritten file
  s.failover_timeout_ms = 180000;
  SentinelWorld w(s);
  w.run_for(secs(3));
  CHECK(w.run(26379, {"SENTINEL", "FAILOVER", "mymaster"}) == model::RespValue::ok());
  REQUIRE(w.run_until_event("+switch-master", 3, secs(30)));
  std::string promoted = w.recorder.first("+promoted-slave")->text;
  std::string new_port = promoted.find("6380") != std::string::npos ? "6380" : "6381";
  std::string old_replica = new_port == "6380" ? "6381" : "6380";
  const std::string* conf = w.world.disk(w.sentinels[0]).read("sentinel.conf");
  REQUIRE(conf != nullptr);
  std::string myid = w.sentinel(w.sentinels[0]).state().myid;
  CHECK(conf->find("sentinel monitor mymaster 127.0.0.1 " + new_port + " 2\n") !=
        std::string::npos);
  CHECK(conf->find("down-after-milliseconds") == std::string::npos);
  CHECK(conf->find("failover-timeout") == std::string::npos);
  CHECK(conf->find("sentinel parallel-syncs") == std::string::npos);
  CHECK(conf->find("sentinel myid " + myid + "\n") != std::string::npos);
  CHECK(conf->find("sentinel config-epoch mymaster 1\n") != std::string::npos);
  CHECK(conf->find("sentinel leader-epoch mymaster 1\n") != std::string::npos);
  CHECK(conf->find("sentinel current-epoch 1\n") != std::string::npos);
  CHECK(conf->find("sentinel known-replica mymaster 127.0.0.1 6379\n") != std::string::npos);
  CHECK(conf->find("sentinel known-replica mymaster 127.0.0.1 " + old_replica + "\n") !=
        std::string::npos);
  CHECK(conf->find("sentinel known-sentinel mymaster 127.0.0.1 26380 ") != std::string::npos);
  CHECK(conf->find("protected-mode no\n") != std::string::npos);

  // Restarted, it resumes from the file: same id, epoch, master and known instances.
  w.world.crash(w.sentinels[0]);
  w.world.start(w.sentinels[0]);
  w.run_for(kSecond);
  const model::SentinelState& state = w.sentinel(w.sentinels[0]).state();
  CHECK(state.myid == myid);
  CHECK(state.current_epoch == 1);
  const model::SentinelInstance* master = state.masters.find("mymaster");
  REQUIRE(master != nullptr);
  CHECK(master->addr.port == std::stoi(new_port));
  CHECK(master->config_epoch == 1);
  CHECK(master->slaves.size() == 2);
  CHECK(master->sentinels.size() == 2);
}

TEST_CASE("sentinel: SENTINEL subcommands reply as 7.0 does") {
  SentinelWorld w;
  w.run_for(secs(3));
  CHECK(w.run(26379, {"SENTINEL", "MASTER", "nosuch"}).str ==
        "ERR No such master with that name");
  CHECK(w.run(26379, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"}).kind ==
        model::RespKind::kNullArray);
  CHECK(w.run(26379, {"SENTINEL", "CKQUORUM", "mymaster"}).str ==
        "OK 3 usable Sentinels. Quorum and failover authorization can be reached");
  CHECK(w.run(26379, {"SENTINEL", "MYID"}).str == w.sentinel(w.sentinels[0]).state().myid);
  CHECK(w.run(26379, {"PUBLISH", "other", "x"}).str ==
        "ERR Only HELLO messages are accepted by Sentinel instances.");
  CHECK(w.run(26379, {"GET", "k"}).str == "ERR unknown command 'GET', with args beginning "
                                          "with: 'k' ");

  // SENTINEL MASTER: the fields in Redis's order.
  model::RespValue master = w.run(26379, {"SENTINEL", "MASTER", "mymaster"});
  std::vector<std::string> names;
  for (size_t i = 0; i < master.elements.size(); i += 2) names.push_back(master.elements[i].str);
  CHECK(names == std::vector<std::string>{
                     "name", "ip", "port", "runid", "flags", "link-pending-commands",
                     "link-refcount", "last-ping-sent", "last-ok-ping-reply", "last-ping-reply",
                     "down-after-milliseconds", "info-refresh", "role-reported",
                     "role-reported-time", "config-epoch", "num-slaves", "num-other-sentinels",
                     "quorum", "failover-timeout", "parallel-syncs"});
  CHECK(master.elements[9].str == "master");  // flags

  // is-master-down-by-addr: [down?, leader, epoch]; a run id asks for the vote.
  model::RespValue vote = w.run(
      26379, {"SENTINEL", "is-master-down-by-addr", "127.0.0.1", "6379", "5", "abcd"});
  REQUIRE(vote.elements.size() == 3);
  CHECK(vote.elements[0].num == 0);
  CHECK(vote.elements[1].str == "abcd");
  CHECK(vote.elements[2].num == 5);
  CHECK(w.recorder.first("+new-epoch", "sentinel1")->text == "+new-epoch 5");
  CHECK(w.recorder.first("+vote-for-leader", "sentinel1")->text == "+vote-for-leader abcd 5");
  // One vote per epoch: another candidate gets the first one's name back.
  vote = w.run(26379, {"SENTINEL", "is-master-down-by-addr", "127.0.0.1", "6379", "5", "efgh"});
  CHECK(vote.elements[1].str == "abcd");

  // SENTINEL SET logs +set and saves; auth-pass is not shown.
  CHECK(w.run(26379, {"SENTINEL", "SET", "mymaster", "quorum", "3", "auth-pass", "secret"}) ==
        model::RespValue::ok());
  CHECK(w.recorder.named("+set", "sentinel1").back().text ==
        "+set master mymaster 127.0.0.1 6379 auth-pass ******");
  CHECK(w.run(26379, {"SENTINEL", "SET", "mymaster", "quorum", "0"}).str ==
        "ERR Invalid argument '0' for SENTINEL SET 'quorum'");
}
