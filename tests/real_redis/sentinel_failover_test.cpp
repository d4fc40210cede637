// Sequence 4: a Sentinel failover after kill -9 of the master, on real redis-server +
// redis-sentinel 7.0 and on the simulator, with the topology of the oracle's a_basic
// (shared/oracle/scenarios): a master, two replicas, three Sentinels with quorum 2,
// down-after-milliseconds 1000, failover-timeout 6000, parallel-syncs 1. The replicas'
// priorities differ (replica2's is lower), so real Sentinel always promotes replica2.
// Compared, from the kill until every Sentinel has switched and sees the old master as a
// replica that is down:
// - the promoted replica;
// - the event sequences as shared/oracle/compare.py scores them (difflib ratio of event
//   names, leader against leader, followers against followers, their mean): at least 0.9
//   for the leader and for the followers, the figure issue 5 asks for; on failure the
//   sequences are printed side by side;
// - the final SENTINEL MASTER (field names; address, flags, num-slaves, num-other-sentinels,
//   config-epoch, settings), INFO sentinel's master0 line and SENTINEL REPLICAS (the old
//   master listed as a replica) of each Sentinel, and the replicas' new roles.
// A real run in which Sentinel started two failovers (a race real Sentinel loses now and then,
// see the test) is reported and run again, up to three runs in all. Wall time: about 8 s a run.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>

#include "tests/real_redis/sentinel_events.h"
#include "tests/real_redis/side_by_side.h"

using real_redis::EventSequence;
using real_redis::info_value;
using real_redis::Side;
using real_redis::SideBySide;

namespace {

constexpr double kMinSimilarity = 0.9;
const std::string kMasterName = "mymaster";

// A RESP2 reply of SENTINEL MASTER / REPLICAS: a flat array of names and values.
using Fields = std::map<std::string, std::string>;
Fields as_fields(const model::RespValue& flat) {
  Fields out;
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
    out[flat.elements[i].str] = flat.elements[i + 1].str;
  }
  return out;
}
std::string field_names(const model::RespValue& flat) {
  std::string out;
  for (size_t i = 0; i < flat.elements.size(); i += 2) {
    out += (out.empty() ? "" : ",") + flat.elements[i].str;
  }
  return out;
}

struct Deployment {
  test::EventRecorder recorder;  // the simulated Sentinels' events; outlives the world
  SideBySide s;
  int master = -1;
  std::vector<int> replicas;
  std::vector<int> sentinels;
  // Each Sentinel's events from the kill on, in each world, in the order of `sentinels`.
  std::vector<EventSequence> real_events;
  std::vector<EventSequence> sim_events;

  // The node listening on `port`, by name ("replica2"), or the port itself.
  std::string name_of_port(std::string_view port) const {
    for (int node : replicas) {
      if (std::to_string(s.port(node)) == port) return s.name(node);
    }
    return std::string(port);
  }
  Fields master_fields(Side side, int sentinel) {
    return as_fields(s.run(side, sentinel, {"SENTINEL", "MASTER", kMasterName}));
  }
  // SENTINEL REPLICAS, by "ip:port".
  std::map<std::string, Fields> replica_fields(Side side, int sentinel) {
    std::map<std::string, Fields> out;
    for (const model::RespValue& r :
         s.run(side, sentinel, {"SENTINEL", "REPLICAS", kMasterName}).elements) {
      Fields f = as_fields(r);
      out[f["ip"] + ":" + f["port"]] = f;
    }
    return out;
  }
  std::string old_master_address() const { return fmt::format("127.0.0.1:{}", s.port(master)); }
};

// Sets the deployment up in both worlds, kills the master in both, and waits until every
// Sentinel has switched and sees the old master as a replica that is down.
std::unique_ptr<Deployment> fail_over() {
  auto d = std::make_unique<Deployment>();
  d->s.sim().world.trace().add_sink(&d->recorder);
  std::vector<std::string> common = {"save \"\"", "repl-diskless-sync-delay 0"};
  d->master = d->s.add_server("master", common);
  for (int priority : {50, 10}) {
    std::vector<std::string> conf = common;
    conf.push_back(fmt::format("replicaof 127.0.0.1 {}", d->s.port(d->master)));
    conf.push_back(fmt::format("replica-priority {}", priority));
    d->replicas.push_back(
        d->s.add_server(fmt::format("replica{}", d->replicas.size() + 1), conf));
  }
  REQUIRE(d->s.settle("both replicas online", [&](Side side) {
    std::string info = d->s.info(side, d->master);
    return info_value(info, "slave0").find("state=online") != std::string::npos &&
           info_value(info, "slave1").find("state=online") != std::string::npos;
  }));

  // Sentinels start once the replicas are connected, and need a hello round (2 s) to know
  // each other.
  for (int i = 1; i <= 3; ++i) {
    d->sentinels.push_back(d->s.add_sentinel(
        fmt::format("sentinel{}", i),
        {fmt::format("sentinel monitor {} 127.0.0.1 {} 2", kMasterName, d->s.port(d->master)),
         fmt::format("sentinel down-after-milliseconds {} 1000", kMasterName),
         fmt::format("sentinel failover-timeout {} 6000", kMasterName),
         fmt::format("sentinel parallel-syncs {} 1", kMasterName)}));
  }
  REQUIRE(d->s.settle("every Sentinel knows 2 replicas (links up) and 2 other Sentinels",
                      [&](Side side) {
                        for (int sentinel : d->sentinels) {
                          if (d->master_fields(side, sentinel)["num-other-sentinels"] != "2") {
                            return false;
                          }
                          auto replicas = d->replica_fields(side, sentinel);
                          if (replicas.size() != 2) return false;
                          for (auto& [address, f] : replicas) {
                            if (f["master-link-status"] != "ok") return false;
                          }
                        }
                        return true;
                      }));
  // A second of quiet before the fault, as shared/oracle/run_real.py's warmup.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  d->s.sim().run_for(sim::Duration::seconds(1));

  std::vector<uintmax_t> log_sizes;
  for (int sentinel : d->sentinels) {
    log_sizes.push_back(std::filesystem::file_size(d->s.real(sentinel).log_path()));
  }
  auto real_kill = std::chrono::system_clock::now();
  sim::Time sim_kill = d->s.sim().world.now();
  d->s.kill9(d->master);

  REQUIRE(d->s.settle("every Sentinel switched and sees the old master as a replica, down",
                      [&](Side side) {
                        for (int sentinel : d->sentinels) {
                          auto replicas = d->replica_fields(side, sentinel);
                          auto old = replicas.find(d->old_master_address());
                          if (old == replicas.end() ||
                              old->second["flags"].find("s_down") == std::string::npos) {
                            return false;
                          }
                        }
                        return true;
                      }));
  for (size_t i = 0; i < d->sentinels.size(); ++i) {
    const std::string& name = d->s.name(d->sentinels[i]);
    d->real_events.push_back(real_redis::read_real_events(
        name, d->s.real(d->sentinels[i]).log_path(), log_sizes[i], real_kill));
    d->sim_events.push_back(real_redis::sim_events(name, d->recorder, sim_kill));
  }
  return d;
}

size_t count_events(const std::vector<EventSequence>& sentinels, std::string_view name) {
  size_t n = 0;
  for (const EventSequence& sentinel : sentinels) {
    n += static_cast<size_t>(std::count_if(sentinel.events.begin(), sentinel.events.end(),
                                           [&](const auto& e) { return e.name == name; }));
  }
  return n;
}

// The first replica a Sentinel promoted, by name ("" if none).
std::string promoted(const Deployment& d, const std::vector<EventSequence>& sentinels) {
  for (const EventSequence& sentinel : sentinels) {
    for (const real_redis::TimedEvent& e : sentinel.events) {
      // "+promoted-slave slave 127.0.0.1:17602 127.0.0.1 17602 @ mymaster 127.0.0.1 17600"
      if (e.name != "+promoted-slave") continue;
      size_t port = e.text.find(':');
      return d.name_of_port(e.text.substr(port + 1, e.text.find(' ', port) - port - 1));
    }
  }
  return "";
}

// One pair's similarity, and both sequences side by side then in full (for failure messages).
struct Score {
  double ratio = 0;
  std::string listing;
};
Score score(std::string_view role, const EventSequence& real, const EventSequence& simulated) {
  double ratio = real_redis::similarity(real.names(), simulated.names());
  MESSAGE(fmt::format("{}: similarity {:.3f} (real {}, sim {})", role, ratio, real.sentinel,
                      simulated.sentinel));
  return {ratio, fmt::format("{} (similarity {:.3f}), ms after the kill:\n{}in full:\n{}{}", role,
                             ratio, real_redis::side_by_side(real, simulated),
                             real_redis::listing(real), real_redis::listing(simulated))};
}

}  // namespace

TEST_CASE("sentinel failover after kill -9 of the master: promoted replica, events, state") {
  if (real_redis::find_redis_sentinel().empty()) {
    real_redis::skip_run(
        "no redis-sentinel (none on PATH, and $REDSIM_REDIS_SENTINEL does not name an "
        "executable): the Sentinel differential test needs it. On Debian: apt-get install "
        "redis-sentinel (.ci/run installs it).");
    return;
  }
  // Real Sentinel sometimes starts two failovers: two Sentinels reach ODOWN within the few
  // ms a vote request takes (it leaves once the candidate has saved sentinel.conf, which
  // takes 2-20 ms here) and both run for epoch 1 (shared/oracle traces
  // i_parallel_syncs_1-3, k_refailover_probe-1), or a follower fails the new master over
  // again (OBSERVATIONS.md 1): 4 of the 35 automatic failovers recorded there. Such a run is
  // reported and the test runs again, up to kRuns runs; the last is compared whatever it is.
  constexpr int kRuns = 3;
  std::unique_ptr<Deployment> d = fail_over();
  for (int run = 1; run < kRuns && count_events(d->real_events, "+try-failover") > 1; ++run) {
    std::string events;
    for (const EventSequence& sentinel : d->real_events) events += real_redis::listing(sentinel);
    MESSAGE("run ", run, ": real Sentinel started more than one failover; running again. Its "
            "events:\n", events);
    d.reset();
    d = fail_over();
  }

  // (a) The promoted replica: replica2, the lower priority, in both worlds.
  std::string real_promoted = promoted(*d, d->real_events);
  std::string sim_promoted = promoted(*d, d->sim_events);
  MESSAGE("promoted: real ", real_promoted, ", sim ", sim_promoted);
  CHECK(real_promoted == "replica2");
  CHECK(sim_promoted == real_promoted);

  // (b) The event sequences, scored as compare.py scores them: the leader's similarity, and
  // the mean of the followers' (one follower that voted before its own +sdown, an order real
  // Sentinel shows now and then, scores 0.889 alone).
  real_redis::Roles real_roles = real_redis::split_roles(d->real_events);
  real_redis::Roles sim_roles = real_redis::split_roles(d->sim_events);
  CHECK(real_roles.leader.has("+elected-leader"));
  CHECK(sim_roles.leader.has("+elected-leader"));
  Score leader = score("leader", real_roles.leader, sim_roles.leader);
  {
    INFO(leader.listing);
    CHECK(leader.ratio >= kMinSimilarity);
  }
  REQUIRE(real_roles.followers.size() == sim_roles.followers.size());
  REQUIRE(!real_roles.followers.empty());
  double sum = 0;
  std::string listings;
  for (size_t i = 0; i < real_roles.followers.size(); ++i) {
    Score follower = score(fmt::format("follower {}", i + 1), real_roles.followers[i],
                           sim_roles.followers[i]);
    sum += follower.ratio;
    listings += follower.listing;
  }
  double followers = sum / static_cast<double>(real_roles.followers.size());
  MESSAGE(fmt::format("followers: similarity {:.3f}", followers));
  {
    INFO(listings);
    CHECK(followers >= kMinSimilarity);
  }

  // (c) What every Sentinel holds afterwards.
  const std::vector<std::string> kSameValue = {
      "name",   "ip",           "port",
      "flags",  "num-slaves",   "num-other-sentinels",
      "quorum", "config-epoch", "down-after-milliseconds",
      "failover-timeout", "parallel-syncs", "role-reported"};
  for (int sentinel : d->sentinels) {
    INFO(d->s.name(sentinel), " after the failover");
    model::RespValue real_master =
        d->s.run(Side::kReal, sentinel, {"SENTINEL", "MASTER", kMasterName});
    model::RespValue sim_master =
        d->s.run(Side::kSim, sentinel, {"SENTINEL", "MASTER", kMasterName});
    CHECK(field_names(sim_master) == field_names(real_master));
    Fields real_fields = as_fields(real_master);
    Fields sim_fields = as_fields(sim_master);
    for (const std::string& name : kSameValue) {
      INFO("SENTINEL MASTER field ", name);
      CHECK(sim_fields[name] == real_fields[name]);
    }
    CHECK(d->name_of_port(real_fields["port"]) == real_promoted);
    CHECK(real_fields["config-epoch"] == "1");
    std::string real_info = d->s.info(Side::kReal, sentinel, "sentinel");
    std::string sim_info = d->s.info(Side::kSim, sentinel, "sentinel");
    CHECK(real_redis::info_names(sim_info) == real_redis::info_names(real_info));
    CHECK(info_value(sim_info, "master0") == info_value(real_info, "master0"));

    std::map<std::string, Fields> real_replicas = d->replica_fields(Side::kReal, sentinel);
    std::map<std::string, Fields> sim_replicas = d->replica_fields(Side::kSim, sentinel);
    CHECK(real_replicas.size() == 2);
    CHECK(sim_replicas.size() == real_replicas.size());
    for (auto& [address, real_replica] : real_replicas) {
      INFO("SENTINEL REPLICAS entry ", address);
      CHECK(sim_replicas[address]["flags"] == real_replica["flags"]);
      CHECK(sim_replicas[address]["master-port"] == real_replica["master-port"]);
    }
    CHECK(real_replicas[d->old_master_address()]["flags"].find("slave") != std::string::npos);
  }
  for (int replica : d->replicas) {
    d->s.reconnect(replica);  // the Sentinels' SLAVEOF transactions killed our connections
    for (std::string_view name : {"role", "master_port", "master_link_status"}) {
      INFO(d->s.name(replica), " INFO replication ", name, " after the failover");
      CHECK(d->s.field(Side::kSim, replica, name) == d->s.field(Side::kReal, replica, name));
    }
  }
}

TEST_CASE("the similarity is difflib's SequenceMatcher ratio") {
  using real_redis::similarity;
  CHECK(similarity({}, {}) == 1.0);
  CHECK(similarity({}, {"+sdown"}) == 0.0);
  CHECK(similarity({"+sdown", "+odown"}, {"+sdown", "+odown"}) == 1.0);
  // A real follower that ran for epoch 1 and lost, against a simulated one that voted:
  // matching blocks +sdown, +odown, then the last 5: 2 * 7 / (10 + 9) in Python too.
  CHECK(similarity({"+sdown", "+odown", "+new-epoch", "+try-failover", "+vote-for-leader",
                    "+config-update-from", "+switch-master", "+slave", "+slave", "+sdown"},
                   {"+sdown", "+new-epoch", "+vote-for-leader", "+odown", "+config-update-from",
                    "+switch-master", "+slave", "+slave", "+sdown"}) ==
        doctest::Approx(14.0 / 19.0));
}
