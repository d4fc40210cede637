// Scenario steps: the `steps` array (times, order, keys) and the grammar of "do", each error
// with its exact message and the offset in the "do" string it points at.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "tests/unit/scenario_harness.h"
#include "tools/scenario.h"
#include "tools/scenario_run.h"

using test::scenario_with;
using V = test::Lines;
using Args = std::vector<std::string>;

namespace {

// The errors of a scenario with the one step {"do": <text>}, as "offset: message", where
// offset is the place in `text` the error points at. `text` is JSON string content.
V step_errors(std::string_view text) {
  std::string json = scenario_with("\"steps\": [\n{\"do\": \"" + std::string(text) + "\"}]");
  tools::LoadResult r = tools::load_scenario("t.jsonc", json);
  V out;
  for (const tools::Diagnostic& d : r.errors) {
    CHECK(d.line == 4);
    CHECK(d.path == "steps[0].do");
    out.push_back(fmt::format("{}: {}", static_cast<int>(d.col) - 9, d.message));
  }
  return out;
}

// The action of the one step {"do": <text>}.
tools::StepAction action(std::string_view text) {
  std::string json = scenario_with("\"steps\": [{\"do\": \"" + std::string(text) + "\"}]");
  tools::LoadResult r = tools::load_scenario("t.jsonc", json);
  REQUIRE(r.scenario);
  REQUIRE(r.scenario->steps.size() == 1);
  return r.scenario->steps[0].action;
}

template <typename T>
T as(std::string_view text) {
  tools::StepAction a = action(text);
  REQUIRE(std::holds_alternative<T>(a));
  return std::get<T>(a);
}

constexpr std::string_view kVerbs = "kill, shutdown, start, pause, resume, partition, heal, host, "
                                    "lag, clock, redis-cli, wait or sleep";

// Plays kNodes with `steps` until 20s; returns the fault and check records as "TIME text"
// (a wait's timeout is a check record), and whether every check passed.
struct Played {
  V records;
  bool passed = false;
};
Played play(std::string_view steps) {
  tools::LoadResult r = tools::load_scenario("t.jsonc", scenario_with(std::string(steps)));
  REQUIRE(r.scenario);
  class Sink : public sim::TraceSink {
   public:
    void write(const sim::TraceRecord& record) override {
      if (record.kind != "fault" && record.kind != "check") return;
      out.push_back(fmt::format("{} {}", sim::format_seconds(record.t), record.text));
    }
    V out;
  } sink;
  tools::ScenarioRun run(*r.scenario, {.seed = std::nullopt, .until = sim::kTimeZero +
                                                                        sim::Duration::seconds(20)});
  run.add_sink(&sink);
  bool passed = run.run().passed();
  return {sink.out, passed};
}

}  // namespace

TEST_CASE("scenario steps: each kind of step parses into its typed action") {
  using namespace tools::step;
  CHECK(as<Kill>("kill -9 master").sigkill);
  CHECK_FALSE(as<Kill>("kill  replica1 ").sigkill);
  CHECK(as<Shutdown>("shutdown master").node == "master");
  CHECK(as<Start>("start master").config == ConfigFile::kCurrent);
  CHECK(as<Start>("start master original").config == ConfigFile::kOriginal);
  CHECK(as<Start>("start master current").config == ConfigFile::kCurrent);
  CHECK(as<Pause>("pause replica1").node == "replica1");
  CHECK(as<Resume>("resume replica1").node == "replica1");
  Partition two_way = as<Partition>("partition master,replica1 | replica2 | sentinel1");
  CHECK_FALSE(two_way.one_way);
  CHECK(two_way.sides == std::vector<Args>{{"master", "replica1"}, {"replica2"}, {"sentinel1"}});
  Partition one_way = as<Partition>("partition master, replica1->replica2");
  CHECK(one_way.one_way);
  CHECK(one_way.sides == std::vector<Args>{{"master", "replica1"}, {"replica2"}});
  as<Heal>("heal");
  CHECK_FALSE(as<Host>("host down replica2").up);
  CHECK(as<Host>("host up replica2").up);
  Lag lag = as<Lag>("lag master replica1 200ms");
  CHECK((lag.from == "master" && lag.to == "replica1" && lag.extra.us == 200000));
  CHECK(as<Lag>("lag replica1 master 0ms").extra.us == 0);
  CHECK(as<ClockJump>("clock jump master +30s").delta == sim::Duration::seconds(30));
  CHECK(as<ClockJump>("clock jump master -1.5s").delta == sim::Duration::millis(-1500));
  RedisCli cli = as<RedisCli>(R"(redis-cli -p 6380 set \"a b\" 'c d' x\\\\y)");
  CHECK(cli.node == "replica1");
  CHECK(cli.argv == Args{"set", "a b", "c d", R"(x\\y)"});
  CHECK(as<RedisCli>("redis-cli get k").node == "master");  // redis-cli's default 6379
  CHECK(!as<RedisCli>("redis-cli get k").background);
  RedisCli background = as<RedisCli>("redis-cli -p 26379 sentinel failover mymaster &");
  CHECK(background.background);
  CHECK(background.argv == Args{"sentinel", "failover", "mymaster"});
  CHECK(as<RedisCli>("redis-cli -h 127.0.0.1 -p 26379 sentinel masters").node == "sentinel1");
  CHECK(as<RedisCli>("redis-cli -p 6379 incrby k -5").argv == Args{"incrby", "k", "-5"});
  WaitUntil wait = as<WaitUntil>("wait until replica1 master_link_status is up within 10s");
  const auto& link = std::get<tools::Condition>(wait.condition);
  CHECK((link.node == "replica1" && link.field == "master_link_status" && link.value == "up" &&
         wait.within == sim::Duration::seconds(10)));
  WaitUntil role = as<WaitUntil>("wait until master role is master within 1s");
  CHECK(std::get<tools::Condition>(role.condition).field == "role");
  WaitUntil info = as<WaitUntil>("wait until master info connected_slaves is 2 within 1m");
  const auto& slaves = std::get<tools::Condition>(info.condition);
  CHECK((slaves.field == "connected_slaves" && slaves.value == "2"));
  WaitUntil one = as<WaitUntil>("wait until sentinel1 logs +switch-master within 30s");
  const auto& switched = std::get<LogCondition>(one.condition);
  CHECK((switched.nodes == Args{"sentinel1"} && switched.count == 1 &&
         switched.event == "+switch-master" && switched.matching.empty()));
  WaitUntil all = as<WaitUntil>("wait until sentinel1,replica1 log -sdown matching 6380 within 1s");
  const auto& sdown = std::get<LogCondition>(all.condition);
  CHECK((sdown.nodes == Args{"sentinel1", "replica1"} && sdown.count == 2 &&
         sdown.event == "-sdown" && sdown.matching == "6380"));
  WaitUntil some = as<WaitUntil>("wait until 1 of master,replica2 logs x within 1s");
  CHECK(std::get<LogCondition>(some.condition).count == 1);
  CHECK(as<Sleep>("sleep 1500ms").duration == sim::Duration::millis(1500));
}

TEST_CASE("scenario steps: times default to the previous step's and must not decrease") {
  tools::LoadResult r = tools::load_scenario("t.jsonc", scenario_with(R"("steps": [
    {"do": "heal"}, {"at": "5s", "do": "heal"}, {"do": "heal"}, {"at": "100s", "do": "heal"}])"));
  REQUIRE(r.scenario);
  const auto& steps = r.scenario->steps;
  CHECK(steps[0].at == sim::kTimeZero);
  CHECK(steps[2].at == sim::kTimeZero + sim::Duration::seconds(5));
  CHECK(steps[3].at == r.scenario->until);
  CHECK(steps[1].source.path == "steps[1]");
  CHECK(test::diagnostics(scenario_with(R"("steps": [
{"at": "10s", "do": "heal"}, {"at": "5s", "do": "heal"}, {"at": "-1s", "do": "heal"},
{"at": "101s", "do": "heal"}, {"at": 5, "do": "heal"}, {"at": "1s"}, {"when": "1s", "do": "heal"},
"heal", {"do": 7}])")) ==
        V{"4:37 steps[1].at: 5s is before the previous step's time (10s): steps run in file "
          "order, so their times must not decrease",
          "4:65 steps[2].at: invalid duration \"-1s\": expected a non-negative number followed "
          "by us, ms, s, m or h (e.g. 30s, 1500ms)",
          "5:8 steps[3].at: 101s is after \"until\" (100s): the run ends before it",
          "5:38 steps[4].at: expected a duration such as \"30s\" or \"1500ms\", got the number 5",
          "5:56 steps[5]: missing \"do\": expected what to do, such as \"kill -9 master\"",
          "5:63 steps[5].at: 1s is before the previous step's time (10s): steps run in file "
          "order, so their times must not decrease",
          "5:71 steps[6].when: unknown key \"when\": expected at or do",
          "6:1 steps[7]: expected an object, got the string \"heal\"",
          "6:16 steps[8].do: expected a string, got the number 7"});
  // Times print as the file writes them.
  CHECK(test::diagnostics(scenario_with(R"("steps": [{"at": "60s", "do": "heal"},
{"at": "0.5m", "do": "heal"}])")) ==
        V{"4:8 steps[1].at: 0.5m is before the previous step's time (60s): steps run in file "
          "order, so their times must not decrease"});
  CHECK(test::diagnostics(scenario_with("\"steps\": {}")) ==
        V{"3:10 steps: expected an array of steps, got an object"});
}

TEST_CASE("scenario steps: unknown steps and nodes") {
  CHECK(step_errors("") == V{fmt::format("0: expected a step such as \"kill -9 master\": {}",
                                         kVerbs)});
  CHECK(step_errors("paus master") ==
        V{fmt::format("0: unknown step \"paus\" (did you mean \"pause\"?): expected {}", kVerbs)});
  CHECK(step_errors("dance") == V{fmt::format("0: unknown step \"dance\": expected {}", kVerbs)});
  CHECK(step_errors("kill -9 mastr") ==
        V{"8: unknown node \"mastr\" (did you mean \"master\"?)"});
  CHECK(step_errors("pause x") ==
        V{"6: unknown node \"x\": expected master, replica1, replica2 or sentinel1"});
}

TEST_CASE("scenario steps: kill, shutdown, start, pause, resume, heal, host") {
  const std::string kill_usage = " (usage: kill -9 NODE, or kill NODE for SIGTERM)";
  CHECK(step_errors("kill") == V{"4: expected a node name" + kill_usage});
  CHECK(step_errors("kill -9") == V{"7: expected a node name" + kill_usage});
  CHECK(step_errors("kill -15 master") == V{"5: unsupported signal \"-15\"" + kill_usage});
  CHECK(step_errors("kill -9 master now") == V{"15: unexpected \"now\"" + kill_usage});
  CHECK(step_errors("shutdown") == V{"8: expected a node name (usage: shutdown NODE)"});
  CHECK(step_errors("resume") == V{"6: expected a node name (usage: resume NODE)"});
  CHECK(step_errors("pause master replica1") ==
        V{"13: unexpected \"replica1\" (usage: pause NODE)"});
  CHECK(step_errors("start master originl") ==
        V{"13: expected original or current, got \"originl\" (usage: start NODE "
          "[original|current])"});
  CHECK(step_errors("start master original now") ==
        V{"22: unexpected \"now\" (usage: start NODE [original|current])"});
  CHECK(step_errors("heal now") == V{"5: unexpected \"now\" (usage: heal)"});
  CHECK(step_errors("host sideways master") ==
        V{"5: expected down or up, got \"sideways\" (usage: host down NODE or host up NODE)"});
  CHECK(step_errors("host down") ==
        V{"9: expected a node name (usage: host down NODE or host up NODE)"});
}

TEST_CASE("scenario steps: partition sides") {
  const std::string usage =
      " (usage: partition A,B | C,D (two-way) or partition A,B -> C (one-way))";
  CHECK(step_errors("partition master") ==
        V{"16: expected sides separated by '|' or '->'" + usage});
  CHECK(step_errors("partition master | replica1 -> replica2") ==
        V{"28: expected either '|' (two-way) or '->' (one-way)" + usage});
  CHECK(step_errors("partition master -> replica1 -> replica2") ==
        V{"29: a one-way partition has two sides" + usage});
  CHECK(step_errors("partition master | ") == V{"19: expected a node name" + usage});
  CHECK(step_errors("partition master,,replica1 | replica2") ==
        V{"17: expected a node name" + usage});
  CHECK(step_errors("partition master replica1 | replica2") ==
        V{"16: expected ',' between node names" + usage});
  CHECK(step_errors("partition master | mastr, replica3") ==
        V{"19: unknown node \"mastr\" (did you mean \"master\"?)",
          "26: unknown node \"replica3\" (did you mean \"replica1\"?)"});
  CHECK(step_errors("partition master,replica1 | master") ==
        V{"28: node \"master\" is named twice in the partition"});
}

TEST_CASE("scenario steps: lag and clock jump") {
  CHECK(step_errors("lag master replica1") ==
        V{"19: expected a duration such as 200ms (usage: lag FROM TO DURATION)"});
  CHECK(step_errors("lag master master 10ms") ==
        V{"11: expected two different nodes (usage: lag FROM TO DURATION)"});
  CHECK(step_errors("lag master replica1 10x") ==
        V{"20: invalid duration \"10x\": expected a non-negative number followed by us, ms, s, "
          "m or h (e.g. 30s, 1500ms)"});
  const std::string usage = " (usage: clock jump NODE +DURATION or clock jump NODE -DURATION)";
  CHECK(step_errors("clock skew master +1s") == V{"6: expected jump, got \"skew\"" + usage});
  CHECK(step_errors("clock jump master 30s") ==
        V{"18: expected a signed duration such as +30s or -30s, got \"30s\"" + usage});
  CHECK(step_errors("clock jump master +1x") ==
        V{"18: invalid duration \"1x\": expected a non-negative number followed by us, ms, s, m "
          "or h (e.g. 30s, 1500ms)"});
}

TEST_CASE("scenario steps: redis-cli finds its node by address") {
  const std::string usage = " (usage: redis-cli [-h HOST] [-p PORT] COMMAND [ARG...] [&])";
  CHECK(step_errors("redis-cli -p 6390 get k") ==
        V{"13: no node has the address 127.0.0.1:6390 (did you mean 127.0.0.1:6380, node "
          "\"replica1\"?)"});
  CHECK(step_errors("redis-cli -h localhost -p 6379 ping") ==
        V{"26: no node has the address localhost:6379"});
  CHECK(step_errors("redis-cli -p 99999 get k") ==
        V{"13: invalid port \"99999\": expected a number from 1 to 65535"});
  CHECK(step_errors("redis-cli -n 1 get k") == V{"10: unsupported option \"-n\"" + usage});
  CHECK(step_errors("redis-cli -p") == V{"12: expected a port after -p" + usage});
  CHECK(step_errors("redis-cli -p 6379") == V{"17: expected a command" + usage});
  CHECK(step_errors("redis-cli -p 6379 set 'a b") ==
        V{"18: unbalanced quotes in the command" + usage});
  // Escapes in the JSON string: the error points at the string's opening quote.
  CHECK(step_errors(R"(redis-cli -p 6379 set \"a)") ==
        V{"-1: unbalanced quotes in the command" + usage});
  // A trailing "&" runs it in the background; alone it is no command.
  CHECK(step_errors("redis-cli -p 6379 &") == V{"18: expected a command" + usage});
}

TEST_CASE("scenario steps: wait until CONDITION within DURATION") {
  const std::string usage = " (usage: wait until CONDITION within DURATION)";
  const std::string condition = " (usage: NODE role is master|slave, NODE master_link_status is "
                                "up|down, NODE info FIELD is VALUE or [N of] NODE[,NODE...] logs "
                                "EVENT [matching TEXT])";
  CHECK(step_errors("wait for replica1 role is master within 5s") ==
        V{"5: expected until, got \"for\"" + usage});
  CHECK(step_errors("wait until replica1 role is master") ==
        V{"34: expected \"within DURATION\" at the end" + usage});
  CHECK(step_errors("wait until within 5s") == V{"11: expected a node name" + condition});
  CHECK(step_errors("wait until replica1 role is primary within 5s") ==
        V{"28: expected master or slave, got \"primary\""});
  CHECK(step_errors("wait until replica1 master_link_status is sideways within 5s") ==
        V{"42: expected up or down, got \"sideways\""});
  CHECK(step_errors("wait until replica1 rol is master within 5s") ==
        V{"20: unknown condition \"rol\" (did you mean \"role\"?)" + condition});
  CHECK(step_errors("wait until replica1 logz x within 5s") ==
        V{"20: unknown condition \"logz\" (did you mean \"logs\"?)" + condition});
  CHECK(step_errors("wait until replica1 role be master within 5s") ==
        V{"25: expected is, got \"be\"" + condition});
  CHECK(step_errors("wait until replica1 role is master now within 5s") ==
        V{"35: unexpected \"now\"" + condition});
  CHECK(step_errors("wait until replica1 role within 5s") == V{"25: expected is" + condition});
  CHECK(step_errors("wait until replica1 info Role is x within 5s") ==
        V{"25: expected an INFO field name (lowercase letters, digits and '_'), got \"Role\""});
  CHECK(step_errors("wait until replica1 role is master within") ==
        V{"41: expected a duration after within" + usage});
  CHECK(step_errors("wait until replica1 role is master within 5s 6s") ==
        V{"45: unexpected \"6s\"" + usage});
  CHECK(step_errors("wait until replica1 role is master within 5") ==
        V{"42: invalid duration \"5\": expected a non-negative number followed by us, ms, s, m "
          "or h (e.g. 30s, 1500ms)"});
}

TEST_CASE("scenario steps: wait until ... logs EVENT, and sleep") {
  const std::string condition = " (usage: NODE role is master|slave, NODE master_link_status is "
                                "up|down, NODE info FIELD is VALUE or [N of] NODE[,NODE...] logs "
                                "EVENT [matching TEXT])";
  CHECK(step_errors("wait until sentinel1 logs within 5s") ==
        V{"26: expected an event name such as +switch-master" + condition});
  CHECK(step_errors("wait until two of sentinel1 logs x within 5s") ==
        V{"11: expected a number of nodes before of, got \"two\"" + condition});
  CHECK(step_errors("wait until 3 of sentinel1,master logs x within 5s") ==
        V{"11: expected a number from 1 to 2 (the nodes listed), got 3"});
  CHECK(step_errors("wait until 0 of sentinel1 logs x within 5s") ==
        V{"11: expected a number from 1 to 1 (the nodes listed), got 0"});
  CHECK(step_errors("wait until 1 of within 5s") == V{"16: expected a node name" + condition});
  CHECK(step_errors("wait until 1 of sentinel1,sentinl2 logs x within 5s") ==
        V{"26: unknown node \"sentinl2\" (did you mean \"sentinel1\"?)"});
  CHECK(step_errors("wait until sentinel1,sentinel1 log x within 5s") ==
        V{"21: node \"sentinel1\" is named twice in the list"});
  CHECK(step_errors("wait until 1 of sentinel1 says x within 5s") ==
        V{"26: expected logs, got \"says\"" + condition});
  CHECK(step_errors("wait until sentinel1 logs x containing y within 5s") ==
        V{"28: expected matching, got \"containing\"" + condition});
  CHECK(step_errors("wait until sentinel1 logs x matching within 5s") ==
        V{"37: expected a text after matching" + condition});
  CHECK(step_errors("wait until sentinel1 logs x matching a b within 5s") ==
        V{"39: unexpected \"b\"" + condition});
  const std::string usage = " (usage: sleep DURATION)";
  CHECK(step_errors("sleep") == V{"5: expected a duration such as 2s" + usage});
  CHECK(step_errors("sleep 1s 2s") == V{"9: unexpected \"2s\"" + usage});
  CHECK(step_errors("sleep 2") ==
        V{"6: invalid duration \"2\": expected a non-negative number followed by us, ms, s, m "
          "or h (e.g. 30s, 1500ms)"});
}

TEST_CASE("scenario steps: sleep holds the next step back; log waits count from the step's time") {
  // sentinel1 logs +monitor when it starts, at 0s and on its restart at 7s. The wait's time
  // is 7s (the previous step's), so the record logged while the sleep ran counts and the wait
  // holds at once, at 9s.
  Played p = play(R"("steps": [
    {"at": "7s", "do": "kill -9 sentinel1"},
    {"do": "start sentinel1"},
    {"do": "sleep 2s"},
    {"do": "wait until sentinel1 logs +monitor matching 6379 within 1s"},
    {"do": "kill -9 master"}])");
  CHECK(p.passed);
  CHECK(p.records ==
        V{"7.000s kill -9 sentinel1", "7.000s start sentinel1", "9.000s kill -9 master"});
  // The record at 0s is before the wait's time: it times out, and the next step runs then.
  p = play(R"("steps": [
    {"at": "12s", "do": "wait until 1 of sentinel1,master logs +monitor within 2s"},
    {"do": "kill -9 master"}])");
  CHECK_FALSE(p.passed);
  CHECK(p.records ==
        V{"14.000s t.jsonc:4:5: steps[0]: \"wait until 1 of sentinel1,master logs +monitor "
          "within 2s\" timed out at 14.000s: no node had logged +monitor",
          "14.000s kill -9 master"});
  // Every listed node must log it unless "N of" says fewer; `matching` filters the text.
  p = play(R"("steps": [
    {"at": "7s", "do": "kill -9 sentinel1"},
    {"do": "start sentinel1"},
    {"do": "wait until sentinel1,master logs +monitor within 1s"},
    {"do": "wait until 1 of sentinel1,master logs +monitor within 1s"},
    {"do": "wait until sentinel1 logs +monitor matching 6399 within 1s"}])");
  CHECK(p.records ==
        V{"7.000s kill -9 sentinel1", "7.000s start sentinel1",
          "8.000s t.jsonc:6:5: steps[2]: \"wait until sentinel1,master logs +monitor within "
          "1s\" timed out at 8.000s: only sentinel1 had logged +monitor",
          "9.000s t.jsonc:8:5: steps[4]: \"wait until sentinel1 logs +monitor matching 6399 "
          "within 1s\" timed out at 9.000s: no node had logged +monitor matching 6399"});
}

TEST_CASE("scenario steps: past the error limit, checking stops with a message saying where") {
  std::string steps;
  for (int i = 0; i < 150; ++i) steps += fmt::format("{}{{\"do\": \"x\"}}", i == 0 ? "" : ",");
  std::string text = scenario_with("\"steps\": [" + steps + "]");
  tools::LoadResult r = tools::load_scenario("t.jsonc", text);
  REQUIRE(r.errors.size() == 101);
  CHECK(r.errors[99].path == "steps[99].do");
  CHECK(r.errors[100].path == "steps[99].do");
  CHECK(r.errors[100].message == "reached the limit of 100 errors: stopped checking here");
}
