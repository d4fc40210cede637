// `redsim bench WORKLOAD`: the benchmark workloads (tools/bench_workloads.h) on the command
// line, each printing a table, or with --json its figures as JSON.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>

namespace tools {

class BenchCommand {
 public:
  // Registers `bench` and one subcommand per workload on `app`.
  explicit BenchCommand(CLI::App& app);
  ~BenchCommand();

  bool parsed() const;
  // Runs the workload the command line named. Returns the exit code (2: bad input).
  int run(std::ostream& out, std::ostream& err) const;

 private:
  struct Options;
  std::unique_ptr<Options> options_;
};

}  // namespace tools
