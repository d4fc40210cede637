// The scenario engine: builds the simulated world a Scenario describes, plays its steps in file
// order at their times, and checks its expectations.
//
// Every node gets its config file on its disk and starts at time 0. Steps run one after the
// other: a step runs at its time or when the step before it finished, whichever is later (a
// redis-cli command finishes when its reply arrives; `sleep` after its duration; `wait until`
// when its condition holds or its bound passes). What happens is all in the trace: faults as
// kind "fault", redis-cli output as kind "cli" (the text exactly as redis-cli prints it),
// servers' log lines, and each expectation's verdict as kind "check".
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/history.h"
#include "model/history_check.h"
#include "sim/world.h"
#include "tools/invariants.h"
#include "tools/scenario.h"

namespace tools {

class CliSession;

// std::visit over the step and expectation variants with one lambda per alternative.
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

struct RunOptions {
  std::optional<uint64_t> seed;   // instead of the scenario's
  std::optional<sim::Time> until;  // instead of the scenario's
};

struct CheckResult {
  const Expectation* expectation = nullptr;  // nullptr: a step that failed (wait until)
  bool passed = false;
  sim::Time t;
  std::string message;  // what was expected, what was seen
};

struct RunResult {
  uint64_t seed = 0;
  sim::Time until;
  uint64_t trace_hash = 0;
  uint64_t trace_records = 0;
  std::vector<CheckResult> checks;
  // What the scenario's clients experienced; set when it has clients.
  std::optional<model::HistoryReport> clients;
  // With "invariants": every violation (also a failed check) and known finding.
  std::vector<Finding> findings;
  bool passed() const;
};

class ScenarioRun {
 public:
  // The world is built at once; `add_sink` before `run` to see the trace.
  ScenarioRun(const Scenario& scenario, RunOptions options);
  ~ScenarioRun();

  void add_sink(sim::TraceSink* sink) { world_.trace().add_sink(sink); }
  RunResult run();
  sim::World& world() { return world_; }
  // Every call the clients made (complete once run() returns).
  const model::History& history() const { return history_; }

 private:
  // Every trace record's event, for the `log` expectations and `wait until ... logs` steps
  // (attached only when the scenario has some).
  class EventLog : public sim::TraceSink {
   public:
    struct Seen {
      sim::Time t;
      std::string node;
      std::string event;
      std::string text;
    };
    void write(const sim::TraceRecord& r) override {
      seen.push_back({r.t, std::string(r.node), std::string(r.event), std::string(r.text)});
    }
    std::vector<Seen> seen;
  };

  void start_next_step();
  void run_step(const Step& step);
  void finish_step();
  void wait_until(const step::WaitUntil& wait, sim::Time deadline);
  // The nodes of `c` that have logged its event since `since`, in the order they did.
  std::vector<std::string> nodes_that_logged(const step::LogCondition& c, sim::Time since) const;
  void schedule_expectation(const Expectation& e);
  bool evaluate(const Check& check, std::string& seen) const;
  void record(std::string_view kind, char level, std::string_view event, std::string_view node,
              std::string_view text);
  sim::NodeId node_id(const std::string& name) const;
  std::optional<std::string> info_field(const std::string& node, const std::string& field) const;
  // --- scenario_clients_run.cpp ---
  void add_clients();
  // The node whose data is final for the clients: the master most Sentinels name (for the first
  // sentinel-aware client's master name, or their only one), else the top of the replication
  // chain of the first pinned client's server; nullopt when it is not running.
  std::optional<sim::NodeId> final_master() const;
  void check_clients();
  // --- "invariants": true ---
  void add_invariant_monitor();
  void check_invariants();

  const Scenario& scenario_;
  uint64_t seed_;
  sim::Time until_;
  sim::World world_;
  sim::NodeId cli_node_ = sim::kNoNode;
  std::unique_ptr<EventLog> events_;
  size_t next_step_ = 0;
  bool step_running_ = false;
  std::vector<CheckResult> checks_;
  model::History history_;
  std::optional<model::HistoryReport> client_report_;
  std::unique_ptr<InvariantMonitor> invariants_;
  // The INFO section each field was last found in: a `wait until` asks every 10 ms, and one
  // section is a small part of the whole text. (A field name belongs to one section.)
  mutable std::map<std::string, std::string, std::less<>> info_section_of_;
};

}  // namespace tools
