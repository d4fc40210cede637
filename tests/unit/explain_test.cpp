// `redsim run --explain`: the table of sentences, the lines ExplainSink adds under the timeline
// and the Redis log, the --explain / --lang options, and that every replication and fault event
// the bundled scenarios produce has a sentence in both languages.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>
#include <sstream>
#include <string>
#include <vector>

#include "tools/check_command.h"
#include "tools/explain.h"
#include "tools/list_command.h"
#include "tools/redis_log.h"
#include "tools/run_command.h"
#include "tools/scenario_run.h"

namespace {

// What a run's records were: kind, event and text.
class RecordLog : public sim::TraceSink {
 public:
  struct Seen {
    std::string kind, event, text;
    bool operator<(const Seen& o) const {
      return std::tie(kind, event, text) < std::tie(o.kind, o.event, o.text);
    }
  };
  void write(const sim::TraceRecord& r) override {
    std::string text(r.kind == "fault" ? r.text : "");  // a fault's verb is in its text
    seen.insert({std::string(r.kind), std::string(r.event), text});
  }
  std::set<Seen> seen;
};

sim::TraceRecord server_record(std::string_view node, std::string_view event,
                               std::string_view text) {
  return sim::TraceRecord{sim::kTimeZero + sim::Duration::millis(5001), node, "127.0.0.1:6379",
                          "server", '*', event, text, 1767225605001000, "1234:M"};
}

sim::TraceRecord fault_record(std::string_view text) {
  return sim::TraceRecord{sim::kTimeZero, "replica2", "", "fault", '#', "fault", text, 0, ""};
}

// The server's start-up banner: the lines before "Ready to accept connections", which alone
// gets a sentence.
const std::set<std::string> kStartupBanner = {"starting", "version",  "config-loaded",
                                              "monotonic", "running", "initialized"};

}  // namespace

TEST_CASE("explain: every row has a sentence in English and in Chinese, one row per event") {
  std::set<std::pair<std::string_view, std::string_view>> keys;
  for (const tools::Explanation& e : tools::explanation_table()) {
    CAPTURE(e.key);
    CHECK((e.kind == "server" || e.kind == "sentinel" || e.kind == "fault"));
    CHECK_FALSE(e.en.empty());
    CHECK_FALSE(e.zh.empty());
    CHECK(e.en != e.zh);
    CHECK(std::any_of(e.zh.begin(), e.zh.end(), [](char c) { return (c & 0x80) != 0; }));
    CHECK(keys.insert({e.kind, e.key}).second);
  }
}

TEST_CASE("explain: a server record by its event name, a fault by its step's verb") {
  using tools::Language;
  auto record = server_record("master", "psync-no-backlog", "Unable to partial resync ...");
  CHECK(tools::explain(record, Language::kEnglish) ==
        "The bytes the replica missed are no longer in the backlog: a full copy is needed.");
  CHECK(tools::explain(record, Language::kChinese) ==
        "从节点缺失的数据已不在复制积压缓冲区中：需要全量复制。");
  CHECK(tools::explain(server_record("master", "version", "Redis version=7.0.15"),
                       Language::kEnglish)
            .empty());
  // The longest verb that starts the text: "kill -9" before "kill".
  CHECK(tools::explain(fault_record("kill -9 replica2"), Language::kEnglish).starts_with(
      "The process dies at once"));
  CHECK(tools::explain(fault_record("kill  replica2"), Language::kEnglish).starts_with(
      "SIGTERM"));
  CHECK(tools::explain(fault_record("host down replica2"), Language::kEnglish).starts_with(
      "The machine goes off"));
  CHECK(tools::explain(fault_record("killall replica2"), Language::kEnglish).empty());
  // A server event named like a fault verb is not a fault.
  CHECK(tools::explain(server_record("master", "heal", "heal"), Language::kEnglish).empty());
  CHECK(tools::parse_language("zh") == Language::kChinese);
  CHECK(tools::parse_language("en") == Language::kEnglish);
  CHECK_FALSE(tools::parse_language("fr"));
}

TEST_CASE("explain: the sentence goes under the text column of the timeline and of the log") {
  auto record = server_record("master", "bgsave-delayed", "Delay next BGSAVE for diskless SYNC");
  std::ostringstream timeline;
  sim::TimelineSink lines(timeline);
  tools::ExplainSink explained(timeline, tools::Language::kEnglish,
                               tools::ExplainLayout::kTimeline, "");
  lines.write(record);
  explained.write(record);
  explained.write(sim::TraceRecord{sim::kTimeZero, "redis-cli", "", "cli", '*', "redis-cli",
                                   "127.0.0.1:6379> get k1\n\"v1\"", 0, ""});
  CHECK(timeline.str() ==
        "     5.001s master     * Delay next BGSAVE for diskless SYNC\n"
        "                         = The master waits repl-diskless-sync-delay (5 s) so more "
        "replicas can share one snapshot.\n");

  std::ostringstream log;
  tools::ExplainSink log_explained(log, tools::Language::kChinese,
                                   tools::ExplainLayout::kRedisLog, "replica1");
  log_explained.write(record);  // master's line: not in replica1's log
  CHECK(log.str().empty());
  record.node = "replica1";
  log_explained.write(record);
  std::string line = tools::format_redis_log_line(record);
  CHECK(log.str() == std::string(line.size() - record.text.size(), ' ') + "= " +
                         "主节点等待 repl-diskless-sync-delay（5 秒），让更多从节点共用一次快照。\n");
  log.str("");
  log_explained.write(fault_record("kill -9 replica1"));  // faults are not log lines
  CHECK(log.str().empty());
}

TEST_CASE("explain: --lang needs --explain, a known language, and a timeline or log format") {
  tools::RunCommandOptions options;
  options.path = (tools::bundled_scenario_dir() / "replication-basics.jsonc").string();
  std::ostringstream out, err;
  options.lang = "zh";
  CHECK(tools::run_scenario_command(options, out, err) == 2);
  CHECK(err.str() == "redsim run: --lang needs --explain\n");
  err.str("");
  options.explain = true;
  options.lang = "fr";
  CHECK(tools::run_scenario_command(options, out, err) == 2);
  CHECK(err.str() == "redsim run: unknown --lang \"fr\": expected en or zh\n");
  err.str("");
  options.lang = "en";
  options.format = "jsonl";
  CHECK(tools::run_scenario_command(options, out, err) == 2);
  CHECK(err.str() == "redsim run: --explain annotates --format timeline or log, not jsonl\n");
  CHECK(out.str().empty());
}

TEST_CASE("explain: every replication and fault event of the bundled scenarios is explained") {
  std::filesystem::path dir = tools::bundled_scenario_dir();
  size_t scenarios = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".jsonc") continue;
    ++scenarios;
    std::ostringstream err;
    std::optional<tools::Scenario> scenario = tools::load_scenario_file(entry.path().string(), err);
    REQUIRE_MESSAGE(scenario, err.str());
    RecordLog records;
    tools::ScenarioRun run(*scenario, {});
    run.add_sink(&records);
    run.run();
    for (const RecordLog::Seen& seen : records.seen) {
      if (seen.kind != "server" && seen.kind != "sentinel" && seen.kind != "fault") continue;
      if (kStartupBanner.contains(seen.event)) continue;
      sim::TraceRecord r{sim::kTimeZero, "n", "", seen.kind, '*', seen.event, seen.text, 0, ""};
      CAPTURE(entry.path().filename().string());
      CAPTURE(seen.event);
      CAPTURE(seen.text);
      CHECK_FALSE(tools::explain(r, tools::Language::kEnglish).empty());
      CHECK_FALSE(tools::explain(r, tools::Language::kChinese).empty());
    }
  }
  CHECK(scenarios >= 6);
}
