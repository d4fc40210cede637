// Scenario files: the bundled scenarios load; every loader error with its exact message and
// position (top level, nodes and their redis.conf lines, clients, expectations; the step
// grammar is in scenario_steps_test.cpp); `redsim check`; and properties fuzzing the loader
// with random bytes and mutated scenarios.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidcheck.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/unit/scenario_harness.h"
#include "tools/check_command.h"
#include "tools/scenario.h"

using test::diagnostics;
using test::kNodes;
using test::scenario_with;
using tools::load_scenario;

namespace {

std::string read_example(const std::string& name) {
  std::ifstream in(std::string(REDSIM_SOURCE_DIR) + "/scenarios/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The diagnostics of a scenario whose "expect" holds the one object `expectation`, which
// starts at column 1 of its line: "col path: message".
test::Lines expect_errors(std::string_view expectation) {
  std::string text = scenario_with("\"expect\": [\n" + std::string(expectation) + "]");
  test::Lines out;
  for (const std::string& d : diagnostics(text).lines) out.push_back(d.substr(d.find(':') + 1));
  return out;
}

}  // namespace

TEST_CASE("scenario: the bundled scenarios load without errors or warnings") {
  for (const char* name : {"replication-basics.jsonc", "replicaof-at-runtime.jsonc"}) {
    CAPTURE(name);
    std::string text = read_example(name);
    REQUIRE_FALSE(text.empty());
    tools::LoadResult r = load_scenario(name, text);
    CHECK(r.errors.empty());
    CHECK(r.warnings.empty());
    REQUIRE(r.scenario);
    CHECK(r.scenario->nodes.size() == 3);
    CHECK(r.scenario->find_node(sim::Address{"127.0.0.1", 6380})->name == "replica1");
  }
}

TEST_CASE("scenario: a valid file gives the typed scenario, nodes in file order") {
  tools::LoadResult r = load_scenario("t.jsonc", R"({
    "name": "t", "description": "d", "seed": 18446744073709551615, "until": "90s",
    "nodes": {
      "m": {"addr": "127.0.0.1:6379", "conf": ["port 6379", "# comment", ""]},
      "s": {"addr": "127.0.0.1:26379", "sentinel": true,
            "conf": ["sentinel monitor mymaster 127.0.0.1 6379 1"]}},
    "clients": {"app": {"kind": "pinned", "addr": "127.0.0.1:6379", "write_every": "10ms"}}})");
  REQUIRE(r.scenario);
  const tools::Scenario& s = *r.scenario;
  CHECK(s.file == "t.jsonc");
  CHECK(s.description == "d");
  CHECK(s.seed == UINT64_MAX);
  CHECK(s.until == sim::kTimeZero + sim::Duration::seconds(90));
  REQUIRE(s.nodes.size() == 2);
  CHECK(s.nodes[0].name == "m");
  CHECK(s.nodes[0].config_file() == "port 6379\n# comment\n\n");
  CHECK(s.nodes[0].source.path == "nodes.m");
  CHECK(s.nodes[1].sentinel);
  CHECK(s.find_node("s") == &s.nodes[1]);
  CHECK(s.find_node("x") == nullptr);
  REQUIRE(s.clients.size() == 1);
  const tools::ClientSpec& pinned = s.clients[0];
  CHECK(pinned.kind == "pinned");
  CHECK(pinned.options.server->to_string() == "127.0.0.1:6379");
  CHECK(pinned.workload.write_every == sim::Duration::millis(10));
  CHECK_FALSE(pinned.workload.read_every);
}

TEST_CASE("scenario: the top level") {
  CHECK(diagnostics("[]") == test::Lines{"1:1 : expected an object, got an array"});
  CHECK(diagnostics("{}") ==
        test::Lines{
            "1:1 : missing \"name\": expected a short title for the scenario",
            "1:1 : missing \"until\": expected the time the run ends, such as \"180s\"",
            "1:1 : missing \"nodes\": expected an object of nodes by name"});
  CHECK(diagnostics(scenario_with("\"setps\": []")) ==
        test::Lines{"3:1 setps: unknown key \"setps\" (did you mean \"steps\"?): "
                                 "expected name, description, seed, nodes, clients, steps, "
                                 "until, expect, redis-cli or invariants"});
  CHECK(diagnostics(scenario_with("\"invariants\": \"yes\"")) ==
        test::Lines{"3:15 invariants: expected true or false"});
  CHECK(diagnostics(scenario_with("\"seed\": -1")) ==
        test::Lines{"3:9 seed: expected an integer from 0 to "
                                 "18446744073709551615, got the number -1"});
  CHECK(diagnostics(scenario_with("\"seed\": 18446744073709551616"))[0].ends_with(
      "got the number 18446744073709551616"));
  CHECK(diagnostics(scenario_with("\"seed\": \"7\""))[0].ends_with("got the string \"7\""));
  CHECK(diagnostics("{\"name\": \"\", \"until\": \"0s\", " + std::string(kNodes) + "}") ==
        test::Lines{"1:10 name: expected a non-empty title",
                                 "1:23 until: expected a time after the start (0s)"});
  CHECK(diagnostics("{\"name\": 1, \"until\": 5, \"nodes\": {}}") ==
        test::Lines{
            "1:10 name: expected a string, got the number 1",
            "1:22 until: expected a duration such as \"30s\" or \"1500ms\", got the number 5",
            "1:34 nodes: expected an object of nodes by name, with at least one node"});
  CHECK(diagnostics("{\"name\": \"t\", \"until\": \"1x\", " + std::string(kNodes) + "}") ==
        test::Lines{"1:24 until: invalid duration \"1x\": expected a non-negative "
                                 "number followed by us, ms, s, m or h (e.g. 30s, 1500ms)"});
  CHECK(diagnostics("{\"name\": \"t\",\n  \"until\": 1s}") ==
        test::Lines{"2:12 until: invalid number '1s' (a value with a unit, such "
                                 "as a duration, is a string: \"30s\")"});
}

TEST_CASE("scenario: nodes") {
  auto nodes = [](std::string_view members) {
    return diagnostics("{\"name\": \"t\", \"until\": \"9s\", \"nodes\": {\n" +
                       std::string(members) + "}}");
  };
  CHECK(nodes(R"("a b": {"addr": "127.0.0.1:1"})") ==
        test::Lines{"2:1 nodes[\"a b\"]: invalid node name \"a b\": expected at "
                                 "most 64 letters, digits, '_', '.' or '-', not starting with "
                                 "'.' or '-'"});
  CHECK(nodes(R"("-a": {"addr": "127.0.0.1:1"})")[0].starts_with("2:1 nodes[\"-a\"]: invalid"));
  CHECK(nodes(R"("a": 1)") ==
        test::Lines{"2:6 nodes.a: expected an object, got the number 1"});
  CHECK(nodes(R"("a": {"adr": "127.0.0.1:1"})") ==
        test::Lines{"2:6 nodes.a: missing \"addr\": expected the address it listens "
                                 "on, such as \"127.0.0.1:6379\"",
                                 "2:7 nodes.a.adr: unknown key \"adr\" (did you mean \"addr\"?): "
                                 "expected addr, conf, sentinel or start"});
  CHECK(nodes(R"("a": {"addr": "127.0.0.1"})") ==
        test::Lines{"2:15 nodes.a.addr: invalid address \"127.0.0.1\": expected "
                                 "host:port, e.g. 127.0.0.1:6379"});
  CHECK(nodes(R"("a": {"addr": "h:0"})") ==
        test::Lines{"2:15 nodes.a.addr: invalid address \"h:0\": invalid port "
                                 "\"0\": expected a number from 1 to 65535"});
  CHECK(nodes("\"a\": {\"addr\": \"h:1\"},\n\"b\": {\"addr\": \"h:1\"}") ==
        test::Lines{"3:15 nodes.b.addr: duplicate address h:1: node \"a\" (line 2) "
                                 "has it already"});
  CHECK(nodes(R"("a": {"addr": "h:1", "sentinel": "yes"})") ==
        test::Lines{"2:34 nodes.a.sentinel: expected true or false, got the string "
                                 "\"yes\""});
  CHECK(nodes(R"("a": {"addr": "h:1", "conf": "port 1"})") ==
        test::Lines{"2:30 nodes.a.conf: expected an array of redis.conf lines, got "
                                 "a string"});
  CHECK(nodes(R"("a": {"addr": "h:1", "conf": [1, "x\ny", "a\u0000"]})") ==
        test::Lines{
            "2:31 nodes.a.conf[0]: expected a string, got the number 1",
            "2:34 nodes.a.conf[1]: a conf line must not contain a line break or a NUL byte: give "
            "each directive its own string",
            "2:42 nodes.a.conf[2]: a conf line must not contain a line break or a NUL byte: give "
            "each directive its own string"});
  std::string many;
  for (size_t i = 0; i <= tools::kMaxNodes; ++i) {
    many += fmt::format("{}\"n{}\": {{\"addr\": \"h:{}\"}}", i == 0 ? "" : ",", i, i + 1);
  }
  CHECK(nodes(many) == test::Lines{"1:39 nodes: 1001 nodes: expected at most 1000"});
}

TEST_CASE("scenario: redis.conf lines are loaded as redis-server 7.0 loads them") {
  auto conf = [](std::string_view lines, bool sentinel = false) {
    return diagnostics(fmt::format(
        "{{\"name\": \"t\", \"until\": \"9s\", \"nodes\": "
        "{{\"m\": {{\"addr\": \"127.0.0.1:6379\"}},"
        "\n\"n\": {{\"addr\": \"127.0.0.1:6380\", \"sentinel\": {}, \"conf\": [\n{}]}}}}}}",
        sentinel, lines));
  };
  CHECK(conf(R"("foo bar", "slave-read-only maybe", "port 1 2")") ==
        test::Lines{
            "3:1 nodes.n.conf[0]: redis-server 7.0 refuses this line: Bad directive or wrong "
            "number of arguments",
            "3:12 nodes.n.conf[1]: redis-server 7.0 refuses this line: argument must be 'yes' or "
            "'no'",
            "3:37 nodes.n.conf[2]: redis-server 7.0 refuses this line: wrong number of "
            "arguments"});
  CHECK(conf(R"("port 6390")") ==
        test::Lines{"3:1 nodes.n.conf[0]: port 6390 does not match the node's "
                                 "address 127.0.0.1:6380"});
  CHECK(conf(R"("include /etc/redis/extra.conf")") ==
        test::Lines{
            "3:1 nodes.n.conf[0]: redis-server 7.0 refuses this line: Fatal error, can't open "
            "config file '/etc/redis/extra.conf': No such file or directory (a simulated host "
            "has no files besides the node's config)"});
  CHECK(conf(R"("sentinel monitor m 127.0.0.1 6379 2")") ==
        test::Lines{"3:1 nodes.n.conf[0]: redis-server 7.0 refuses this line: "
                                 "sentinel directive while not in sentinel mode (a Sentinel node "
                                 "has \"sentinel\": true)"});
  CHECK(conf(R"("cluster-enabled yes", "replicaof 127.0.0.1 6379")") ==
        test::Lines{"2:60 nodes.n.conf: redis-server 7.0 refuses this config: "
                                 "replicaof directive not allowed in cluster mode"});
  CHECK(conf(R"("loadmodule /opt/m.so")") ==
        test::Lines{"3:1 nodes.n.conf[0]: a simulated host has no module files: "
                                 "redis-server 7.0 would abort with \"Can't load module from "
                                 "/opt/m.so: server aborting\""});
  CHECK(conf(R"("m.opt 1")") ==
        test::Lines{"3:1 nodes.n.conf[0]: redis-server 7.0 would abort with "
                                 "\"Module Configuration detected without loadmodule directive "
                                 "or no ApplyConfig call: aborting\""});
}

TEST_CASE("scenario: sentinel monitor lines name a Redis node of the scenario") {
  auto monitor = [](std::string_view line) {
    return diagnostics(fmt::format(
        "{{\"name\": \"t\", \"until\": \"9s\", \"nodes\": "
        "{{\"m\": {{\"addr\": \"127.0.0.1:6379\"}},"
        "\n\"s\": {{\"addr\": \"127.0.0.1:26379\", \"sentinel\": true, \"conf\": [\n\"{}\"]}}}}}}",
        line));
  };
  CHECK(monitor("sentinel monitor m 127.0.0.1 6379 2").empty());
  CHECK(monitor("sentinel monitor m 127.0.0.1 6379") ==
        test::Lines{"3:1 nodes.s.conf[0]: wrong number of arguments: expected "
                                 "sentinel monitor <master-name> <ip> <redis-port> <quorum>"});
  CHECK(monitor("sentinel monitor m 127.0.0.1 6379 0") ==
        test::Lines{"3:1 nodes.s.conf[0]: invalid quorum \"0\": expected 1 or more"});
  CHECK(monitor("sentinel monitor m 127.0.0.1 x 1") ==
        test::Lines{"3:1 nodes.s.conf[0]: invalid port \"x\": expected a number "
                                 "from 1 to 65535"});
  CHECK(monitor("sentinel monitor m 127.0.0.1 6479 2") ==
        test::Lines{"3:1 nodes.s.conf[0]: no node has the address 127.0.0.1:6479 "
                                 "(did you mean 127.0.0.1:6379, node \"m\"?)"});
  CHECK(monitor("sentinel monitor m 127.0.0.1 26379 2") ==
        test::Lines{"3:1 nodes.s.conf[0]: 127.0.0.1:26379 is node \"s\", a "
                                 "Sentinel: expected a Redis server to monitor"});
}

TEST_CASE("scenario: the other sentinel lines load as redis-sentinel 7.0 loads them") {
  auto lines = [](std::string_view second) {
    return diagnostics(fmt::format(
        "{{\"name\": \"t\", \"until\": \"9s\", \"nodes\": "
        "{{\"m\": {{\"addr\": \"127.0.0.1:6379\"}},"
        "\n\"s\": {{\"addr\": \"127.0.0.1:26379\", \"sentinel\": true, \"conf\": [\n"
        "\"sentinel monitor m 127.0.0.1 6379 2\",\n\"{}\"]}}}}}}",
        second));
  };
  CHECK(lines("sentinel down-after-milliseconds m 1000").empty());
  CHECK(lines("sentinel down-after-milliseconds other 1000") ==
        test::Lines{"4:1 nodes.s.conf[1]: redis-sentinel 7.0 refuses this line: No such master "
                    "with specified name."});
  CHECK(lines("sentinel parallel-sync m 1") ==
        test::Lines{"4:1 nodes.s.conf[1]: redis-sentinel 7.0 refuses this line: Unrecognized "
                    "sentinel configuration statement."});
}

TEST_CASE("scenario: accepted directives the simulation ignores give one warning each") {
  tools::LoadResult r = load_scenario("w.jsonc", R"({"name": "t", "until": "9s", "nodes": {
"m": {"addr": "127.0.0.1:6379", "conf": [
"daemonize yes", "bind 127.0.0.1", "dir /var/lib/redis", "appendonly yes",
"user alice on >pw ~* +@all", "include /etc/redis/*.conf", "list-max-ziplist-entries 5",
"replicaof 127.0.0.1 7000", "DAEMONIZE no", "port 6379", "save 900 1",
"enable-debug-command yes"]}}})");  // modelled: DEBUG is refused without it
  REQUIRE(r.scenario);
  test::Lines warnings;
  for (const tools::Diagnostic& d : r.warnings) warnings.push_back(d.to_string());
  CHECK(warnings == test::Lines{
                        "w.jsonc:3:18: warning: nodes.m.conf[1]: \"bind\" is accepted but not "
                        "simulated: it changes nothing in the run",
                        "w.jsonc:3:36: warning: nodes.m.conf[2]: \"dir\" is accepted but not "
                        "simulated: it changes nothing in the run",
                        "w.jsonc:3:58: warning: nodes.m.conf[3]: \"appendonly\" is accepted but "
                        "not simulated: it changes nothing in the run",
                        "w.jsonc:4:1: warning: nodes.m.conf[4]: \"user\" is accepted but not "
                        "simulated: ACL rules are not checked",
                        "w.jsonc:4:31: warning: nodes.m.conf[5]: include /etc/redis/*.conf: no "
                        "file on a simulated host matches it",
                        "w.jsonc:4:60: warning: nodes.m.conf[6]: \"list-max-ziplist-entries\" is "
                        "deprecated: Redis 7.0 accepts and ignores it",
                        "w.jsonc:5:1: warning: nodes.m.conf[7]: no node has the address "
                        "127.0.0.1:7000; the replica will try to connect for the whole run"});
}

TEST_CASE("scenario: clients") {
  auto clients = [](std::string_view members) {
    return diagnostics(scenario_with("\"clients\": {\n" + std::string(members) + "}"));
  };
  CHECK(clients(R"("app": {"kind": "pinned", "addr": "127.0.0.1:6379", "read_every": "1s"})")
            .empty());
  CHECK(clients(R"("app": {"addr": "127.0.0.1:6379"})") ==
        test::Lines{"4:8 clients.app: missing \"kind\": expected pinned, redis-py, ioredis or jedis"});
  CHECK(clients(R"("app": {"kind": "pined"})") ==
        test::Lines{"4:17 clients.app.kind: unknown client kind \"pined\" (did you "
                                 "mean \"pinned\"?): expected pinned, redis-py, ioredis or jedis"});
  CHECK(clients(R"("app": [])") ==
        test::Lines{"4:8 clients.app: expected an object, got an array"});
  CHECK(clients(R"("master": {"kind": "pinned", "addr": "127.0.0.1:6379", "write_evry": "1s"})") ==
        test::Lines{
            "4:1 clients.master: client name \"master\" is also a node's name: names must be "
            "unique",
            "4:11 clients.master: expected \"write_every\" or \"read_every\" (or both): what the "
            "client does",
            "4:56 clients.master.write_evry: unknown key \"write_evry\" (did you mean "
            "\"write_every\"?): expected kind, write_every, read_every, write, keys, "
            "connect_timeout, start, stop, addr, read_addr or timeout"});
  CHECK(clients(R"("app": {"kind": "pinned", "addr": "127.0.0.1:6399", "write_every": "0s"})") ==
        test::Lines{"4:35 clients.app.addr: no node has the address 127.0.0.1:6399 "
                                 "(did you mean 127.0.0.1:6379, node \"master\"?)",
                                 "4:68 clients.app.write_every: expected a period longer than 0s"});
  CHECK(diagnostics(scenario_with("\"clients\": []")) ==
        test::Lines{"3:12 clients: expected an object of clients by name, got an "
                                 "array"});
}

TEST_CASE("scenario: expectations, their kinds and when they are checked") {
  tools::LoadResult r = load_scenario("t.jsonc", scenario_with(R"("expect": [
    {"node": "master", "role": "master"},
    {"node": "replica1", "replicates_from": "master", "at": "5s"},
    {"node": "replica1", "key": "k", "value": null, "by": "9s"},
    {"node": "replica1", "info": "master_repl_offset", "same_as": "master"},
    {"node": "master", "info": "connected_slaves", "at_least": 2},
    {"log": "+switch-master", "count": 2},
    {"log": "+sdown", "node": "sentinel1", "seen": false, "by": "50s"}])"));
  REQUIRE(r.scenario);
  const auto& e = r.scenario->expectations;
  REQUIRE(e.size() == 7);
  CHECK(std::get<tools::expect::NodeRole>(e[0].check).role == tools::expect::Role::kMaster);
  CHECK(e[0].when.kind == tools::When::Kind::kEnd);
  CHECK(std::get<tools::expect::ReplicatesFrom>(e[1].check).master == "master");
  CHECK(e[1].when.kind == tools::When::Kind::kAt);
  CHECK(e[1].when.t == sim::kTimeZero + sim::Duration::seconds(5));
  CHECK_FALSE(std::get<tools::expect::KeyValue>(e[2].check).value);
  CHECK(e[2].when.kind == tools::When::Kind::kBy);
  CHECK(std::get<tools::expect::InfoField>(e[3].check).other == "master");
  CHECK(std::get<tools::expect::InfoField>(e[4].check).number == 2);
  CHECK(std::get<tools::expect::Log>(e[5].check).count == 2);
  CHECK(std::get<tools::expect::Log>(e[5].check).seen);
  CHECK_FALSE(std::get<tools::expect::Log>(e[6].check).seen);
  CHECK(e[6].source.path == "expect[6]");
}

TEST_CASE("scenario: expectation errors") {
  using V = test::Lines;
  CHECK(expect_errors(R"({"node": "master"})") ==
        V{"1 expect[0]: expected one of the keys role, replicates_from, key, info, log, "
          "lost_writes, stale_reads or outage: what to check"});
  CHECK(expect_errors(R"({"role": "master", "key": "k"})") ==
        V{"20 expect[0].key: \"role\" and \"key\" check different things: write two "
          "expectations"});
  CHECK(expect_errors("5") == V{"1 expect[0]: expected an object, got a number"});
  CHECK(expect_errors(R"({"node": "mastr", "role": "leader"})") ==
        V{"10 expect[0].node: unknown node \"mastr\" (did you mean \"master\"?)",
          "27 expect[0].role: expected \"master\" or \"slave\" (as INFO shows role:), got "
          "\"leader\""});
  CHECK(expect_errors(R"({"role": "master"})") ==
        V{"1 expect[0]: missing \"node\": expected the node to check"});
  CHECK(expect_errors(R"({"node": "master", "replicates_from": "master"})") ==
        V{"39 expect[0].replicates_from: expected another node: a node does not replicate from "
          "itself"});
  CHECK(expect_errors(R"({"node": "master", "key": "k", "value": 5, "at": "1s", "by": "2s"})") ==
        V{"41 expect[0].value: expected a string, or null for a missing key, got a number",
          "62 expect[0].by: expected \"at\" or \"by\", not both"});
  CHECK(expect_errors(R"({"node": "master", "key": "k"})") ==
        V{"1 expect[0]: missing \"value\": expected the value, or null for a missing key"});
  CHECK(expect_errors(R"({"node": "master", "info": "Role", "equals": "x", "at_most": 5})") ==
        V{"28 expect[0].info: expected an INFO field name (lowercase letters, digits and '_'), "
          "got \"Role\"",
          "62 expect[0]: expected exactly one of equals, at_least, at_most or same_as"});
  CHECK(expect_errors(R"({"node": "master", "info": "role"})") ==
        V{"1 expect[0]: expected exactly one of equals, at_least, at_most or same_as"});
  CHECK(expect_errors(R"({"node": "master", "info": "role", "equals": true})") ==
        V{"46 expect[0].equals: expected a string or a number, got a boolean"});
  CHECK(expect_errors(R"({"node": "master", "info": "x", "at_least": 1.5})") ==
        V{"45 expect[0].at_least: expected an integer, got the number 1.5"});
  CHECK(expect_errors(R"({"node": "master", "info": "x", "same_as": "master"})") ==
        V{"44 expect[0].same_as: expected another node than \"node\""});
  CHECK(expect_errors(R"({"log": "", "at": "1s", "count": -1})") ==
        V{"9 expect[0].log: expected an event name",
          "13 expect[0].at: unknown key \"at\": expected log, node, seen, count or by",
          "34 expect[0].count: expected a count of 0 or more"});
  CHECK(expect_errors(R"({"log": "+sdown", "count": 1, "seen": true})") ==
        V{"28 expect[0].count: expected \"count\" or \"seen\", not both"});
  CHECK(expect_errors(R"({"node": "master", "role": "master", "by": "101s"})") ==
        V{"44 expect[0].by: 101s is after \"until\" (100s): the run ends before it"});
  CHECK(diagnostics(scenario_with("\"expect\": {}")) ==
        V{"3:11 expect: expected an array of expectations, got an object"});
}

TEST_CASE("scenario: a diagnostic prints as file:line:col: severity: path: message") {
  tools::Diagnostic d{tools::Diagnostic::Severity::kError, "f.jsonc", 12, 15, "steps[3].do", "m"};
  CHECK(d.to_string() == "f.jsonc:12:15: error: steps[3].do: m");
  d.path = "";
  d.severity = tools::Diagnostic::Severity::kWarning;
  CHECK(d.to_string() == "f.jsonc:12:15: warning: m");
}

TEST_CASE("scenario: redsim check prints a summary, or each problem, and its exit code") {
  std::ostringstream out, err;
  std::string path = std::string(REDSIM_SOURCE_DIR) + "/scenarios/replication-basics.jsonc";
  CHECK(tools::run_check(path, out, err) == 0);
  CHECK(out.str() == path + ": ok: \"replication basics: a master, two replicas, one killed and "
                            "restarted\": 3 nodes, 0 clients, 14 steps, 11 expectations\n");
  CHECK(err.str().empty());

  std::filesystem::path dir = std::filesystem::temp_directory_path() / "redsim_scenario_test";
  std::filesystem::create_directories(dir);
  std::string bad = (dir / "bad.jsonc").string();
  std::ofstream(bad) << scenario_with("\"setps\": [],\n\"clients\": {\"m\": {\"kind\": \"x\"}}");
  out.str("");
  CHECK(tools::run_check(bad, out, err) == 2);
  CHECK(out.str().empty());
  CHECK(err.str() == bad + ":3:1: error: setps: unknown key \"setps\" (did you mean \"steps\"?): "
                           "expected name, description, seed, nodes, clients, steps, until, "
                           "expect, redis-cli or invariants\n" +
                         bad + ":4:27: error: clients.m.kind: unknown client kind \"x\": expected "
                               "pinned, redis-py, ioredis or jedis\n" +
                         bad + ": 2 errors, 0 warnings\n");
  err.str("");
  CHECK_FALSE(tools::load_scenario_file(bad, err));  // what `redsim run` does first
  CHECK(err.str().ends_with(bad + ": 2 errors, 0 warnings\n"));
  err.str("");
  CHECK(tools::load_scenario_file(path, err)->steps.size() == 14);
  CHECK(err.str().empty());
  CHECK(tools::run_check((dir / "missing.jsonc").string(), out, err) == 2);
  CHECK(err.str() == "redsim: cannot read " + (dir / "missing.jsonc").string() +
                         ": No such file or directory\n");
  err.str("");
  CHECK(tools::run_check(dir.string(), out, err) == 2);
  CHECK(err.str() == "redsim: cannot read " + dir.string() + ": it is a directory\n");
  std::filesystem::remove_all(dir);
}

TEST_CASE("scenario: fuzzing the loader never crashes and every error is inside the file") {
  auto check = [](const std::string& text) {
    tools::LoadResult r = load_scenario("f.jsonc", text);
    RC_ASSERT(r.scenario.has_value() == r.errors.empty());
    for (const auto* list : {&r.errors, &r.warnings}) {
      for (const tools::Diagnostic& d : *list) RC_ASSERT(test::inside(text, d.line, d.col));
    }
    return r.scenario.has_value();
  };
  CHECK(rc::check("random bytes", [&] { check(*rc::gen::arbitrary<std::string>()); }));
  std::vector<std::string> examples = {read_example("replication-basics.jsonc"),
                                       read_example("replicaof-at-runtime.jsonc")};
  CHECK(rc::check("mutated bundled scenarios", [&] {
    std::string text = *rc::gen::elementOf(examples);
    int mutations = *rc::gen::inRange(1, 6);
    for (int i = 0; i < mutations; ++i) text = test::mutate(std::move(text));
    RC_CLASSIFY(check(text), "still valid");
  }));
}

TEST_CASE("scenario: sentinel-aware clients and the expectations about clients") {
  auto clients = [](std::string_view members, std::string_view expect = "[]") {
    return diagnostics(scenario_with("\"clients\": {\n" + std::string(members) +
                                     "},\n\"expect\": " + std::string(expect)));
  };
  tools::LoadResult r = load_scenario("t.jsonc", scenario_with(R"("clients": {"app": {
    "kind": "redis-py", "master": "mymaster", "write_every": "5ms", "write": "INCR",
    "keys": 4, "read_every": "1s", "read_from": "replicas", "retries": 3,
    "timeout": "1s", "start": "2s", "stop": "50s"}})"));
  REQUIRE(r.scenario);
  const tools::ClientSpec& app = r.scenario->clients.at(0);
  CHECK(app.library == model::LibraryKind::kRedisPy);
  CHECK(app.options.master_name == "mymaster");
  REQUIRE(app.options.sentinels.size() == 1);  // every sentinel node monitoring mymaster
  CHECK(app.options.sentinels[0].to_string() == "127.0.0.1:26379");
  CHECK(app.options.retries == 3);
  CHECK(app.options.socket_timeout == sim::Duration::seconds(1));
  CHECK(app.workload.write_command == model::WriteCommand::kIncr);
  CHECK(app.workload.keys == 4);
  CHECK(app.workload.read_from == model::Target::kReplica);
  CHECK(app.start == sim::kTimeZero + sim::Duration::seconds(2));
  CHECK(app.workload.stop == sim::Duration::seconds(48));  // counted from its start

  CHECK(clients(R"("app": {"kind": "redis-py", "master": "mymastr", "write_every": "5ms"})") ==
        test::Lines{"4:39 clients.app.master: no sentinel node monitors \"mymastr\" (did you "
                    "mean \"mymaster\"?): expected mymaster"});
  CHECK(clients(R"("app": {"kind": "redis-py", "master": "mymaster", "write_every": "5ms",
                           "sentinels": ["master"], "write": "DEL", "read_from": "replica"})") ==
        test::Lines{"5:42 clients.app.sentinels[0]: node \"master\" is not a sentinel",
                    "5:62 clients.app.write: unknown write command \"DEL\": expected SET, "
                    "INCR or SADD",
                    "5:82 clients.app.read_from: unknown read_from \"replica\" (did you mean "
                    "\"replicas\"?): expected master or replicas"});
  CHECK(clients(R"("app": {"kind": "pinned", "addr": "127.0.0.1:6379", "write_every": "5ms"})",
                R"([{"lost_writes": "<= x"}, {"outage": "3s..2s", "client": "ap"},
                    {"stale_reads": 0, "at": "5s"}])") ==
        test::Lines{"5:28 expect[0].lost_writes: expected a count (a number) or a bound: "
                    "\"<= X\", \"< X\", \">= X\", \"> X\", \"X..Y\", got \"<= x\"",
                    "5:48 expect[1].outage: expected X..Y with X at most Y, got \"3s..2s\"",
                    "5:68 expect[1].client: unknown client \"ap\" (did you mean \"app\"?): "
                    "expected app",
                    "6:40 expect[2].at: unknown key \"at\": expected stale_reads or client"});
  CHECK(diagnostics(scenario_with(R"("expect": [{"lost_writes": 0}])")) ==
        test::Lines{"3:12 expect[0]: \"lost_writes\" is about the scenario's clients, and it "
                    "has none: add \"clients\""});
}
