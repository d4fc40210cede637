// redsim: the command-line program. Each subcommand is a thin layer over tools/.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include "tools/bench_command.h"
#include "tools/check_command.h"
#include "tools/fuzz_command.h"
#include "tools/kernel_demo.h"
#include "tools/list_command.h"
#include "tools/run_command.h"

namespace {

int run_demo(uint64_t seed) {
  fmt::print("redsim {} kernel demo, seed {}\n", REDSIM_VERSION, seed);
  sim::TimelineSink timeline(std::cout);
  uint64_t hash = tools::run_kernel_demo(seed, &timeline);
  fmt::print("trace hash {:016x}\n", hash);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"redsim: a deterministic simulator of Redis replication and Sentinel"};
  app.set_version_flag("--version", std::string(REDSIM_VERSION));
  app.require_subcommand(1);

  tools::RunCommandOptions run_opts;
  auto* run = app.add_subcommand("run", "Run a scenario file and check its expectations");
  run->add_option("FILE", run_opts.path, "Scenario file (.jsonc)")->required();
  run->add_option("--seed", run_opts.seed, "Seed instead of the scenario's");
  run->add_option("--until", run_opts.until, "Virtual time to run to instead of the scenario's")
      ->type_name("DURATION");
  run->add_option("--format", run_opts.format, "timeline (default), log, jsonl or summary");
  run->add_option("--node", run_opts.node, "With --format log: only this node's log");
  run->add_option("-o,--output", run_opts.output, "Write the trace to FILE");
  run->add_option("--report", run_opts.report,
                  "Write the verdicts and what the clients saw (lost writes, outage, stale reads) "
                  "as JSON to FILE");
  run->add_flag("--force", run_opts.force, "Let -o and --report overwrite an existing file");
  run->add_flag("--explain", run_opts.explain,
                "Add a plain sentence under each replication event (timeline, log)");
  run->add_option("--lang", run_opts.lang, "With --explain: en (default) or zh");

  std::string check_path;
  auto* check = app.add_subcommand("check", "Validate a scenario file without running it");
  check->add_option("FILE", check_path, "Scenario file (.jsonc)")->required();

  std::optional<std::filesystem::path> list_dir;
  auto* list = app.add_subcommand("list", "List the scenario files of a directory");
  list->add_option("--dir", list_dir,
                   "Directory of *.jsonc files (default: the bundled scenarios/, " +
                       tools::bundled_scenario_dir().string() + ")");

  uint64_t demo_seed = 1;
  auto* demo = app.add_subcommand("demo", "Run the kernel demo: ping-pong processes under faults");
  demo->add_option("--seed", demo_seed, "Random seed");

  tools::FuzzOptions fuzz_opts;
  CLI::App* fuzz = tools::add_fuzz_command(app, fuzz_opts);

  tools::BenchCommand bench(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; bad command lines are bad input: exit code 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (run->parsed()) return tools::run_scenario_command(run_opts, std::cout, std::cerr);
  if (check->parsed()) return tools::run_check(check_path, std::cout, std::cerr);
  if (list->parsed()) return tools::run_list(list_dir, std::cout, std::cerr);
  if (demo->parsed()) return run_demo(demo_seed);
  if (fuzz->parsed()) return tools::run_fuzz(fuzz_opts, std::cout, std::cerr);
  if (bench.parsed()) return bench.run(std::cout, std::cerr);
  return 0;
}
