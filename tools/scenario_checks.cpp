// The scenario engine's expectations: when each is checked, and what it checks.
#include <fmt/format.h>

#include <algorithm>

#include "model/server.h"
#include "tools/scenario_run.h"

namespace tools {
namespace {

std::string describe(const Check& check) {
  return std::visit(
      Overloaded{
          [](const expect::NodeRole& e) {
            return fmt::format("{} is a {}", e.node,
                               e.role == expect::Role::kMaster ? "master" : "slave");
          },
          [](const expect::ReplicatesFrom& e) {
            return fmt::format("{} replicates from {}", e.node, e.master);
          },
          [](const expect::KeyValue& e) {
            return e.value ? fmt::format("{} has {} = \"{}\"", e.node, e.key, *e.value)
                           : fmt::format("{} has no key {}", e.node, e.key);
          },
          [](const expect::InfoField& e) {
            static constexpr const char* kOps[] = {"=", ">=", "<=", "= that of"};
            std::string rhs = e.op == expect::InfoField::Op::kEquals ? e.text
                              : e.op == expect::InfoField::Op::kSameAs
                                  ? e.other
                                  : std::to_string(e.number);
            return fmt::format("{} INFO {} {} {}", e.node, e.field,
                               kOps[static_cast<int>(e.op)], rhs);
          },
          [](const expect::Log& e) {
            std::string who = e.node ? fmt::format(" from {}", *e.node) : "";
            if (e.count) return fmt::format("log event {}{} seen {} times", e.event, who, *e.count);
            return fmt::format("log event {}{} {}", e.event, who, e.seen ? "seen" : "not seen");
          },
          [](const expect::ClientMetric& e) {
            static constexpr const char* kNames[] = {"lost writes", "stale reads",
                                                     "longest window without an acknowledged "
                                                     "write"};
            std::string who = e.client ? fmt::format(" of {}", *e.client) : "";
            return fmt::format("{}{} {}", kNames[static_cast<int>(e.metric)], who, e.bound.text);
          },
      },
      check);
}

// The metric an expectation reads from the history report.
int64_t client_metric(const expect::ClientMetric& e, const model::HistoryReport& report,
                      std::string& seen) {
  using Metric = expect::ClientMetric::Metric;
  int64_t value = 0;
  for (const model::ClientReport& c : report.clients) {
    if (e.client && c.name != *e.client) continue;
    switch (e.metric) {
      case Metric::kLostWrites: value += static_cast<int64_t>(c.lost.size()); break;
      case Metric::kStaleReads: value += static_cast<int64_t>(c.stale_reads.size()); break;
      case Metric::kOutage:
        if (c.longest_no_ack) value = std::max(value, c.longest_no_ack->length().us);
        break;
    }
  }
  seen = e.metric == Metric::kOutage
             ? fmt::format("it was {}", sim::format_seconds(sim::kTimeZero +
                                                            sim::Duration::micros(value)))
             : fmt::format("it was {}", value);
  return value;
}

}  // namespace

void ScenarioRun::schedule_expectation(const Expectation& e) {
  sim::Time at = e.when.kind == When::Kind::kEnd ? until_ : std::min(e.when.t, until_);
  world_.queue().schedule(at, [this, &e] {
    std::string seen;
    bool passed = evaluate(e.check, seen);
    std::string when = e.when.kind == When::Kind::kEnd
                           ? "at the end"
                           : fmt::format("{} {}", e.when.kind == When::Kind::kAt ? "at" : "by",
                                         sim::format_seconds(e.when.t));
    std::string message = fmt::format("{}:{}:{}: {}: expected {} {}: {}", scenario_.file,
                                      e.source.pos.line, e.source.pos.col, e.source.path,
                                      describe(e.check), when, seen);
    checks_.push_back({&e, passed, world_.now(), message});
    record("check", passed ? '*' : '#', passed ? "expect-pass" : "expect-fail", "", message);
  });
}

bool ScenarioRun::evaluate(const Check& check, std::string& seen) const {
  auto server = [this](const std::string& name) -> const model::RedisServer* {
    sim::NodeId id = world_.find(name);
    if (id == sim::kNoNode || !world_.alive(id)) return nullptr;
    return dynamic_cast<const model::RedisServer*>(world_.process(id));  // null for a Sentinel
  };
  auto down = [&seen](const std::string& node) {
    seen = fmt::format("{} is not running", node);
    return false;
  };
  return std::visit(
      Overloaded{
          [&](const expect::NodeRole& e) {
            const model::RedisServer* s = server(e.node);
            if (s == nullptr) return down(e.node);
            bool master = s->view().is_master;
            seen = fmt::format("it is a {}", master ? "master" : "slave");
            return master == (e.role == expect::Role::kMaster);
          },
          [&](const expect::ReplicatesFrom& e) {
            const model::RedisServer* s = server(e.node);
            if (s == nullptr) return down(e.node);
            model::ServerView v = s->view();
            const NodeSpec* master = scenario_.find_node(e.master);
            seen = v.is_master ? "it is a master"
                               : fmt::format("it replicates from {}:{}", v.master_host,
                                             v.master_port);
            return !v.is_master && master != nullptr && master->addr.host == v.master_host &&
                   master->addr.port == v.master_port;
          },
          [&](const expect::KeyValue& e) {
            const model::RedisServer* s = server(e.node);
            if (s == nullptr) return down(e.node);
            const model::Entry* entry = s->keyspace().peek(0, e.key);
            int64_t now_ms = world_.env(world_.find(e.node)).unix_us() / 1000;
            if (entry == nullptr || (entry->has_expire() && entry->expire_ms <= now_ms)) {
              seen = "the key is missing";
              return !e.value.has_value();
            }
            const auto* text = std::get_if<std::string>(&entry->value);
            seen = text ? fmt::format("it is \"{}\"", *text) : "it is not a string";
            return text != nullptr && e.value && *text == *e.value;
          },
          [&](const expect::InfoField& e) {
            std::optional<std::string> value = info_field(e.node, e.field);
            if (!value) return down(e.node);
            seen = fmt::format("it is {}", *value);
            switch (e.op) {
              case expect::InfoField::Op::kEquals: return *value == e.text;
              case expect::InfoField::Op::kAtLeast: return std::stoll(*value) >= e.number;
              case expect::InfoField::Op::kAtMost: return std::stoll(*value) <= e.number;
              case expect::InfoField::Op::kSameAs: {
                std::optional<std::string> other = info_field(e.other, e.field);
                seen += fmt::format(" and {}'s is {}", e.other, other.value_or("unavailable"));
                return other && *other == *value;
              }
            }
            return false;
          },
          [&](const expect::Log& e) {
            int64_t count = std::count_if(
                events_->seen.begin(), events_->seen.end(), [&](const EventLog::Seen& s) {
                  return s.event == e.event && (!e.node || s.node == *e.node);
                });
            seen = fmt::format("seen {} times", count);
            if (e.count) return count == *e.count;
            return (count > 0) == e.seen;
          },
          [&](const expect::ClientMetric& e) {
            if (!client_report_) {
              seen = "the clients' history was not checked";
              return false;
            }
            if (e.metric == expect::ClientMetric::Metric::kLostWrites &&
                !client_report_->final_master) {
              seen = "no master was running at the end to read the writes back from";
              return false;
            }
            return e.bound.contains(client_metric(e, *client_report_, seen));
          },
      },
      check);
}

}  // namespace tools
