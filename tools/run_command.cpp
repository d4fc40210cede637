#include "tools/run_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <ostream>

#include "sim/error.h"
#include "tools/check_command.h"
#include "tools/client_report.h"
#include "tools/explain.h"
#include "tools/redis_log.h"
#include "tools/run_summary.h"
#include "tools/scenario_run.h"

namespace tools {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;

// The sink for --format; nullptr for summary (a RunSummary, printed after the run).
std::unique_ptr<sim::TraceSink> make_sink(const RunCommandOptions& options, std::ostream& out) {
  if (options.format == "timeline") return std::make_unique<sim::TimelineSink>(out);
  if (options.format == "jsonl") return std::make_unique<sim::JsonLinesSink>(out);
  if (options.format == "log") return std::make_unique<RedisLogSink>(out, options.node);
  return nullptr;
}

// The explanations --explain asks for, after the sink's lines; nullptr without --explain.
std::unique_ptr<ExplainSink> make_explain_sink(const RunCommandOptions& options,
                                               Language language, std::ostream& out) {
  if (!options.explain) return nullptr;
  ExplainLayout layout =
      options.format == "log" ? ExplainLayout::kRedisLog : ExplainLayout::kTimeline;
  return std::make_unique<ExplainSink>(out, language, layout, options.node);
}

// The language of --explain's sentences; nullopt after printing why the options are wrong.
std::optional<Language> explain_language(const RunCommandOptions& options, std::ostream& err) {
  if (!options.explain) {
    if (!options.lang) return Language::kEnglish;  // unused: nothing is explained
    err << "redsim run: --lang needs --explain\n";
    return std::nullopt;
  }
  if (options.format != "timeline" && options.format != "log") {
    err << fmt::format("redsim run: --explain annotates --format timeline or log, not {}\n",
                       options.format);
    return std::nullopt;
  }
  std::optional<Language> language = parse_language(options.lang.value_or("en"));
  if (!language) {
    err << fmt::format("redsim run: unknown --lang \"{}\": expected en or zh\n", *options.lang);
  }
  return language;
}

void print_verdicts(const RunResult& result, std::ostream& out) {
  size_t failed = 0;
  for (const CheckResult& c : result.checks) {
    if (!c.passed) ++failed;
    out << (c.passed ? "ok   " : "FAIL ") << c.message << "\n";
  }
  out << fmt::format("{} of {} checks passed; trace hash {:016x} ({} records)\n",
                     result.checks.size() - failed, result.checks.size(), result.trace_hash,
                     result.trace_records);
}

// Opens `path` for writing, unless it exists and --force was not given; false after saying why.
bool open_output(const std::string& path, bool force, std::string_view option,
                 std::ofstream& file, std::ostream& err) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !force) {
    err << fmt::format("redsim run: {} exists; add --force to let {} overwrite it\n", path,
                       option);
    return false;
  }
  file.open(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    err << fmt::format("redsim run: cannot write {}\n", path);
    return false;
  }
  return true;
}

nlohmann::json report_json(const Scenario& scenario, const ScenarioRun& run,
                           const RunResult& result) {
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckResult& c : result.checks) {
    checks.push_back({{"passed", c.passed}, {"t_us", c.t.us}, {"message", c.message}});
  }
  nlohmann::json j = {{"scenario", scenario.name},
                      {"file", scenario.file},
                      {"seed", result.seed},
                      {"until_us", result.until.us},
                      {"trace_hash", fmt::format("{:016x}", result.trace_hash)},
                      {"trace_records", result.trace_records},
                      {"passed", result.passed()},
                      {"checks", std::move(checks)}};
  j["clients"] = result.clients ? client_report_json(scenario, run.history(), *result.clients)
                                : nlohmann::json(nullptr);
  return j;
}

}  // namespace

int run_scenario_command(const RunCommandOptions& options, std::ostream& out,
                         std::ostream& err) {
  static constexpr std::string_view kFormats[] = {"timeline", "log", "jsonl", "summary"};
  if (std::find(std::begin(kFormats), std::end(kFormats), options.format) == std::end(kFormats)) {
    err << fmt::format("redsim run: unknown --format \"{}\": expected timeline, log, jsonl or "
                       "summary\n", options.format);
    return kExitBadInput;
  }
  std::optional<Language> language = explain_language(options, err);
  if (!language) return kExitBadInput;
  RunOptions run_options;
  run_options.seed = options.seed;
  if (options.until) {
    try {
      run_options.until = sim::kTimeZero + sim::parse_duration(*options.until);
    } catch (const sim::InputError& e) {
      err << "redsim run: --until: " << e.what() << "\n";
      return kExitBadInput;
    }
  }
  std::optional<Scenario> scenario = load_scenario_file(options.path, err);
  if (!scenario) return kExitBadInput;
  if (!options.node.empty() && scenario->find_node(options.node) == nullptr) {
    err << fmt::format("redsim run: --node: no node named \"{}\" in {}\n", options.node,
                       options.path);
    return kExitBadInput;
  }
  std::ofstream file;
  if (!options.output.empty() && !open_output(options.output, options.force, "-o", file, err)) {
    return kExitBadInput;
  }
  std::ofstream report_file;
  if (!options.report.empty() &&
      !open_output(options.report, options.force, "--report", report_file, err)) {
    return kExitBadInput;
  }
  std::ostream& sink_out = options.output.empty() ? out : file;
  ScenarioRun run(*scenario, run_options);
  uint64_t seed = options.seed.value_or(scenario->seed);
  if (options.format != "jsonl") {
    sink_out << fmt::format("redsim {}: {} ({}), seed {}\n", REDSIM_VERSION, scenario->name,
                            options.path, seed);
  }
  std::unique_ptr<sim::TraceSink> sink = make_sink(options, sink_out);
  if (sink) run.add_sink(sink.get());
  std::unique_ptr<ExplainSink> explain_sink = make_explain_sink(options, *language, sink_out);
  if (explain_sink) run.add_sink(explain_sink.get());
  RunSummary summary;
  if (options.format == "summary") run.add_sink(&summary);
  RunResult result = run.run();
  if (options.format == "summary") {
    summary.print(sink_out, result.until);
    if (result.clients) print_client_report(sink_out, *scenario, run.history(), *result.clients);
  }
  if (report_file.is_open()) report_file << report_json(*scenario, run, result).dump(2) << "\n";
  print_verdicts(result, options.format == "jsonl" && options.output.empty() ? err : out);
  return result.passed() ? 0 : kExitFailed;
}

}  // namespace tools
