#include "tools/bench_command.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <ostream>
#include <string>

#include "sim/error.h"
#include "sim/time.h"
#include "tools/bench_workloads.h"

namespace tools {
namespace {

// CLI11 validator for durations such as 30s, 1500ms.
struct DurationValidator : CLI::Validator {
  DurationValidator() {
    name_ = "DURATION";
    func_ = [](const std::string& text) {
      try {
        sim::parse_duration(text);
        return std::string();
      } catch (const sim::InputError& e) {
        return std::string(e.what());
      }
    };
  }
};

CLI::Option* add_duration(CLI::App* app, const std::string& name, std::string& value,
                          const std::string& help) {
  return app->add_option(name, value, help + " (default " + value + ")")
      ->check(DurationValidator())
      ->type_name("DURATION");
}

}  // namespace

struct BenchCommand::Options {
  CLI::App* bench = nullptr;
  CLI::App *kernel = nullptr, *idle = nullptr, *busy = nullptr, *failover = nullptr,
           *scale = nullptr, *fuzz = nullptr;
  bool json = false;
  KernelBenchOptions kernel_options;
  std::string kernel_for = "5s", kernel_warmup = "1s";
  std::string idle_for = "24h";
  BusyBenchOptions busy_options;
  std::string busy_for = "1h";
  FailoverBenchOptions failover_options;
  ScaleBenchOptions scale_options;
  std::string scale_for = "10m";
  FuzzBenchOptions fuzz_options;
};

BenchCommand::BenchCommand(CLI::App& app) : options_(std::make_unique<Options>()) {
  Options& o = *options_;
  o.bench = app.add_subcommand("bench", "Run a benchmark workload (figures in BENCHMARKS.md)");
  o.bench->require_subcommand(1);

  o.kernel = o.bench->add_subcommand("kernel", "Kernel events/s: ping-pong among processes");
  o.kernel->add_option("--processes", o.kernel_options.processes,
                       "Number of processes (default 1000)")
      ->check(CLI::Range(2u, 1000000u));
  add_duration(o.kernel, "--for", o.kernel_for, "Virtual time measured");
  add_duration(o.kernel, "--warmup", o.kernel_warmup, "Virtual warm-up time");
  o.kernel->add_option("--seed", o.kernel_options.seed, "Random seed");

  o.idle = o.bench->add_subcommand(
      "idle", "1 master, 2 replicas, 3 Sentinels left alone: speed-up over real time");
  add_duration(o.idle, "--for", o.idle_for, "Virtual time");

  o.busy = o.bench->add_subcommand(
      "busy", "The idle deployment with writers on the master: speed-up over real time");
  add_duration(o.busy, "--for", o.busy_for, "Virtual time");
  o.busy->add_option("--writes-per-second", o.busy_options.writes_per_second,
                     "Writes per virtual second, all writers together (default 10000)")
      ->check(CLI::Range(1u, 1000000u));
  o.busy->add_option("--writers", o.busy_options.writers, "Pinned clients writing (default 4)")
      ->check(CLI::Range(1u, 1000u));
  o.busy->add_option("--keys", o.busy_options.keys, "Keys each writer cycles over (default 1000)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));

  o.failover = o.bench->add_subcommand(
      "failover", "The default scenario's failover, kill -9 to +convert-to-slave, vs real Redis");
  o.failover->add_option("--repeat", o.failover_options.repeat, "Runs, for a median (default 20)")
      ->check(CLI::Range(1u, 100000u));

  o.scale = o.bench->add_subcommand(
      "scale", "Sentinels watching 10, 100, 1000 masters: wall time and peak RSS per size");
  o.scale->add_option("--masters", o.scale_options.masters,
                      "Sizes, in masters with 2 replicas each (default 10,100,1000)")
      ->delimiter(',')
      ->check(CLI::Range(1u, 65536u));
  o.scale->add_option("--sentinels", o.scale_options.sentinels, "Sentinels (default 5)")
      ->check(CLI::Range(1u, 254u));
  add_duration(o.scale, "--for", o.scale_for, "Virtual time");

  o.fuzz = o.bench->add_subcommand(
      "fuzz", "Fuzz-sized simulations per second on one core: a 2-minute failover, a writer");
  o.fuzz->add_option("--runs", o.fuzz_options.runs, "Simulations (default 50)")
      ->check(CLI::Range(1u, 1000000u));

  for (CLI::App* w : {o.kernel, o.idle, o.busy, o.failover, o.scale, o.fuzz}) {
    w->add_flag("--json", o.json, "Print machine-readable figures");
  }
}

BenchCommand::~BenchCommand() = default;

bool BenchCommand::parsed() const { return options_->bench->parsed(); }

int BenchCommand::run(std::ostream& out, std::ostream& err) const {
  Options o = *options_;
  BenchReport report;
  try {
    if (o.kernel->parsed()) {
      o.kernel_options.measured = sim::parse_duration(o.kernel_for);
      o.kernel_options.warmup = sim::parse_duration(o.kernel_warmup);
      report = run_kernel_workload(o.kernel_options);
    } else if (o.idle->parsed()) {
      report = run_idle_bench({sim::parse_duration(o.idle_for)});
    } else if (o.busy->parsed()) {
      o.busy_options.duration = sim::parse_duration(o.busy_for);
      report = run_busy_bench(o.busy_options);
    } else if (o.failover->parsed()) {
      report = run_failover_bench(o.failover_options);
    } else if (o.scale->parsed()) {
      o.scale_options.duration = sim::parse_duration(o.scale_for);
      report = run_scale_bench(o.scale_options);
    } else if (o.fuzz->parsed()) {
      report = run_fuzz_bench(o.fuzz_options);
    }
  } catch (const sim::InputError& e) {
    fmt::print(err, "redsim bench: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {  // a scale child that failed
    fmt::print(err, "{}\n", e.what());
    return 1;
  }
  o.json ? print_json(report, out) : print_table(report, out);
  return 0;
}

}  // namespace tools
