#include "tools/scenario_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <ranges>

#include "model/config_syntax.h"
#include "model/sentinel.h"
#include "model/server.h"
#include "tools/cli_session.h"

namespace tools {
namespace {

constexpr std::string_view kCliNode = "redis-cli";
constexpr sim::Duration kWaitPoll = sim::Duration::millis(10);

// The file a node's process reads its config from: redis-server or redis-sentinel.
std::string_view config_file_name(const NodeSpec& node) {
  return node.sentinel ? model::Sentinel::kConfigFile : model::RedisServer::kConfigFile;
}

sim::ProcessFactory process_factory(const NodeSpec& node) {
  if (node.sentinel) {
    return [](sim::Env& env) { return std::make_unique<model::Sentinel>(env); };
  }
  return [](sim::Env& env) { return std::make_unique<model::RedisServer>(env); };
}

// Whether a step or an expectation reads the log of events: keeping it copies every record.
bool reads_events(const Scenario& scenario) {
  for (const Step& s : scenario.steps) {
    const auto* wait = std::get_if<step::WaitUntil>(&s.action);
    if (wait && std::holds_alternative<step::LogCondition>(wait->condition)) return true;
  }
  for (const Expectation& e : scenario.expectations) {
    if (std::holds_alternative<expect::Log>(e.check)) return true;
  }
  return false;
}

}  // namespace

bool RunResult::passed() const {
  for (const CheckResult& c : checks) {
    if (!c.passed) return false;
  }
  return true;
}

ScenarioRun::ScenarioRun(const Scenario& scenario, RunOptions options)
    : scenario_(scenario),
      seed_(options.seed.value_or(scenario.seed)),
      until_(options.until.value_or(scenario.until)),
      world_(seed_),
      events_(std::make_unique<EventLog>()) {
  if (reads_events(scenario)) world_.trace().add_sink(events_.get());
  for (const NodeSpec& node : scenario.nodes) {
    sim::NodeId id = world_.add_node(sim::NodeSpec{node.name, node.addr, process_factory(node)});
    world_.disk(id).write(config_file_name(node), node.config_file());
  }
  cli_node_ = world_.add_node(sim::NodeSpec{std::string(kCliNode), sim::Address{"127.0.0.1", 0},
                                            [](sim::Env& env) {
                                              return std::make_unique<CliSession>(env);
                                            }});
  add_clients();
  if (scenario.invariants) add_invariant_monitor();
}

ScenarioRun::~ScenarioRun() = default;

sim::NodeId ScenarioRun::node_id(const std::string& name) const { return world_.find(name); }

void ScenarioRun::record(std::string_view kind, char level, std::string_view event,
                         std::string_view node, std::string_view text) {
  sim::NodeId id = node.empty() ? sim::kNoNode : world_.find(node);
  std::string_view addr;
  std::string addr_text;
  if (id != sim::kNoNode && world_.address(id).port != 0) {
    addr_text = world_.address(id).to_string();
    addr = addr_text;
  }
  world_.trace().emit(sim::TraceRecord{world_.now(), node, addr, kind, level, event, text,
                                       world_.epoch_unix_us() + world_.now().us, {}});
}

RunResult ScenarioRun::run() {
  for (const NodeSpec& node : scenario_.nodes) {
    sim::NodeId id = world_.find(node.name);
    world_.queue().schedule(node.start, [this, id] { world_.start(id); });
  }
  world_.start(cli_node_);
  // The clients' history is checked at the end, before the expectations that read it.
  if (!scenario_.clients.empty()) world_.queue().schedule(until_, [this] { check_clients(); });
  if (invariants_) world_.queue().schedule(until_, [this] { check_invariants(); });
  for (const Expectation& e : scenario_.expectations) schedule_expectation(e);
  start_next_step();
  world_.run_until(until_);
  if (step_running_) {
    const Step& step = scenario_.steps[next_step_ - 1];
    checks_.push_back({nullptr, false, until_,
                       fmt::format("{}:{}:{}: {}: \"{}\" had not finished when the run ended",
                                   scenario_.file, step.source.pos.line, step.source.pos.col,
                                   step.source.path, step.text)});
  }
  RunResult result;
  result.seed = seed_;
  result.until = until_;
  result.checks = checks_;
  result.clients = client_report_;
  if (invariants_) result.findings = invariants_->findings();
  result.trace_hash = world_.trace().hash();
  result.trace_records = world_.trace().records();
  return result;
}

// --- Steps ------------------------------------------------------------------------------------

void ScenarioRun::start_next_step() {
  step_running_ = false;
  if (next_step_ >= scenario_.steps.size()) return;
  const Step& step = scenario_.steps[next_step_++];
  step_running_ = true;
  sim::Time at = std::max(step.at, world_.now());
  world_.queue().schedule(at, [this, &step] { run_step(step); });
}

void ScenarioRun::finish_step() { start_next_step(); }

void ScenarioRun::run_step(const Step& step) {
  auto id = [this](const std::string& name) { return node_id(name); };
  auto fault = [&](const std::string& node) { record("fault", '#', "fault", node, step.text); };
  std::visit(
      Overloaded{
          [&](const step::Kill& k) {
            fault(k.node);
            k.sigkill ? world_.crash(id(k.node)) : world_.terminate(id(k.node));
            finish_step();
          },
          [&](const step::Shutdown& s) {
            fault(s.node);
            auto* cli = static_cast<CliSession*>(world_.process(cli_node_));
            cli->run(world_.address(id(s.node)), {"SHUTDOWN"}, CliSession::Mode::kOneShot,
                     [this](std::string) {
              finish_step();
            });
          },
          [&](const step::Start& s) {
            fault(s.node);
            if (s.config == step::ConfigFile::kOriginal) {
              const NodeSpec& node = *scenario_.find_node(s.node);
              world_.disk(id(s.node)).write(config_file_name(node), node.config_file());
            }
            world_.start(id(s.node));
            finish_step();
          },
          [&](const step::Pause& p) {
            fault(p.node);
            world_.pause(id(p.node));
            finish_step();
          },
          [&](const step::Resume& r) {
            fault(r.node);
            world_.resume(id(r.node));
            finish_step();
          },
          [&](const step::Partition& p) {
            fault("");
            for (size_t i = 0; i < p.sides.size(); ++i) {
              for (size_t j = i + 1; j < p.sides.size(); ++j) {
                for (const std::string& a : p.sides[i]) {
                  for (const std::string& b : p.sides[j]) {
                    world_.network().cut(id(a), id(b));
                    if (!p.one_way) world_.network().cut(id(b), id(a));
                  }
                }
              }
            }
            finish_step();
          },
          [&](const step::Heal&) {
            fault("");
            world_.network().heal_all();
            finish_step();
          },
          [&](const step::Host& h) {
            fault(h.node);
            h.up ? world_.host_up(id(h.node)) : world_.host_down(id(h.node));
            finish_step();
          },
          [&](const step::Lag& l) {
            fault(l.from);
            world_.network().set_extra_lag(id(l.from), id(l.to), l.extra);
            finish_step();
          },
          [&](const step::ClockJump& c) {
            fault(c.node);
            world_.jump_clock(id(c.node), c.delta);
            finish_step();
          },
          [&](const step::RedisCli& c) {
            auto* cli = static_cast<CliSession*>(world_.process(cli_node_));
            // In the background it is a redis-cli of its own, as `redis-cli ... &` in a shell.
            CliSession::Mode mode = scenario_.interactive_cli && !c.background
                                        ? CliSession::Mode::kInteractive
                                        : CliSession::Mode::kOneShot;
            bool background = c.background;
            cli->run(world_.address(id(c.node)), c.argv, mode,
                     [this, background](std::string output) {
                       record("cli", '*', "redis-cli", kCliNode, output);
                       if (!background) finish_step();
                     });
            if (background) finish_step();
          },
          [&](const step::WaitUntil& w) { wait_until(w, world_.now() + w.within); },
          [&](const step::Sleep& s) {
            world_.queue().after(s.duration, [this] { finish_step(); });
          },
      },
      step.action);
}

void ScenarioRun::wait_until(const step::WaitUntil& wait, sim::Time deadline) {
  const Step& step = scenario_.steps[next_step_ - 1];
  std::string seen;  // what was seen instead, for the timeout message
  std::string node;  // the node the timeout record names
  bool holds = std::visit(
      Overloaded{
          [&](const Condition& c) {
            std::optional<std::string> value = info_field(c.node, c.field);
            seen = fmt::format("{} {} was {}", c.node, c.field,
                               value ? *value : "unavailable (node down)");
            node = c.node;
            return value && *value == c.value;
          },
          [&](const step::LogCondition& c) {
            std::vector<std::string> logged = nodes_that_logged(c, step.at);
            std::string what = c.matching.empty()
                                   ? c.event
                                   : fmt::format("{} matching {}", c.event, c.matching);
            seen = logged.empty()
                       ? fmt::format("no node had logged {}", what)
                       : fmt::format("only {} had logged {}", fmt::join(logged, ","), what);
            node = c.nodes.front();
            return logged.size() >= c.count;
          },
      },
      wait.condition);
  if (holds) {
    finish_step();
    return;
  }
  if (world_.now() >= deadline) {
    checks_.push_back({nullptr, false, world_.now(),
                       fmt::format("{}:{}:{}: {}: \"{}\" timed out at {}: {}", scenario_.file,
                                   step.source.pos.line, step.source.pos.col, step.source.path,
                                   step.text, sim::format_seconds(world_.now()), seen)});
    record("check", '#', "wait-timeout", node, checks_.back().message);
    finish_step();
    return;
  }
  world_.queue().after(kWaitPoll, [this, &wait, deadline] { wait_until(wait, deadline); });
}

void ScenarioRun::add_invariant_monitor() {
  std::vector<MonitoredNode> nodes;
  for (const NodeSpec& n : scenario_.nodes) {
    nodes.push_back({n.name, world_.find(n.name), n.addr, n.sentinel});
  }
  invariants_ = std::make_unique<InvariantMonitor>(world_, std::move(nodes));
  world_.trace().add_live_sink(invariants_.get());  // it reads each process's state
}

// The findings go into the trace at the end, each with the time it was made in its message;
// a violation is also a failed check.
void ScenarioRun::check_invariants() {
  invariants_->check_end(client_report_ ? &*client_report_ : nullptr);
  for (const Finding& f : invariants_->findings()) {
    std::string text = fmt::format("{} {}: {}", f.known ? "known finding" : "violation", f.name,
                                   f.message);
    record("check", '#', f.known ? "known-finding" : "violation", "", text);
    if (!f.known) checks_.push_back({nullptr, false, f.t, text});
  }
}

std::vector<std::string> ScenarioRun::nodes_that_logged(const step::LogCondition& c,
                                                        sim::Time since) const {
  std::vector<std::string> logged;
  const auto& seen = events_->seen;  // in time order
  auto first = std::partition_point(seen.begin(), seen.end(),
                                    [since](const EventLog::Seen& r) { return r.t < since; });
  for (const EventLog::Seen& r : std::ranges::subrange(first, seen.end())) {
    if (r.event != c.event || r.text.find(c.matching) == std::string::npos) continue;
    bool listed = std::find(c.nodes.begin(), c.nodes.end(), r.node) != c.nodes.end();
    if (listed && std::find(logged.begin(), logged.end(), r.node) == logged.end()) {
      logged.push_back(r.node);
    }
  }
  return logged;
}

std::optional<std::string> ScenarioRun::info_field(const std::string& node,
                                                   const std::string& field) const {
  sim::NodeId id = world_.find(node);
  if (id == sim::kNoNode || !world_.alive(id)) return std::nullopt;
  const sim::Process* process = world_.process(id);
  const auto* sentinel = dynamic_cast<const model::Sentinel*>(process);
  auto info = [&](std::string_view section) {
    return sentinel ? sentinel->info(section)
                    : static_cast<const model::RedisServer*>(process)->info(section);
  };
  // The value after "<field>:" on a line of `text`; npos when no line has the field.
  const std::string key = "\n" + field + ":";
  auto value_at = [&key](const std::string& text) {
    if (text.starts_with(std::string_view(key).substr(1))) return key.size() - 1;
    size_t at = text.find(key);
    return at == std::string::npos ? at : at + key.size();
  };
  if (auto known = info_section_of_.find(field); known != info_section_of_.end()) {
    std::string text = info(known->second);
    if (size_t start = value_at(text); start != std::string::npos) {
      return text.substr(start, text.find("\r\n", start) - start);
    }
  }
  std::string text = info("everything");
  size_t start = value_at(text);
  if (start == std::string::npos) return std::nullopt;
  // Its section is the "# <Title>" line above it.
  size_t title = text.rfind("# ", start);
  if (title != std::string::npos) {
    std::string_view line(text.data() + title + 2, text.find("\r\n", title) - title - 2);
    info_section_of_[field] = model::to_lower(line);
  }
  return text.substr(start, text.find("\r\n", start) - start);
}

}  // namespace tools
