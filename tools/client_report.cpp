#include "tools/client_report.h"

#include <fmt/format.h>

#include <ostream>

namespace tools {
namespace {

// "master (127.0.0.1:6379)" for a node's address, the address alone otherwise.
std::string server_name(const Scenario& scenario, const sim::Address& addr) {
  if (addr.port == 0) return "no server";
  const NodeSpec* node = scenario.find_node(addr);
  return node ? fmt::format("{} ({})", node->name, addr.to_string()) : addr.to_string();
}

// Runs of operations (indices into History::ops) that follow each other in a client's history
// and went to the same server: "the writes lost", told as a few lines rather than thousands.
struct Run {
  size_t first, last;  // History::ops indices
  size_t count;
};
std::vector<Run> runs_of(const model::History& history, const std::vector<size_t>& ops) {
  std::vector<Run> runs;
  for (size_t k : ops) {
    const model::Operation& op = history.ops[k];
    if (!runs.empty()) {
      const model::Operation& last = history.ops[runs.back().last];
      bool next = op.seq == last.seq + 1 || op.kind == model::Operation::Kind::kRead;
      if (next && op.server == last.server) {
        runs.back().last = k;
        ++runs.back().count;
        continue;
      }
    }
    runs.push_back({k, k, 1});
  }
  return runs;
}

std::string kind_of(const Scenario& scenario, const std::string& client) {
  for (const ClientSpec& c : scenario.clients) {
    if (c.name == client) return c.kind;
  }
  return "?";
}

nlohmann::json ops_json(const model::History& history, const std::vector<size_t>& ops) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t k : ops) {
    const model::Operation& op = history.ops[k];
    list.push_back({{"key", op.key},
                    {"seq", op.seq},
                    {"invoked_us", op.invoked.us},
                    {"completed_us", op.completed.us},
                    {"server", op.server.port == 0 ? "" : op.server.to_string()},
                    {"error", op.error}});
  }
  return list;
}

// "2.247s": a length with millisecond precision, as the times around it are printed.
std::string seconds(sim::Duration d) { return sim::format_seconds(sim::kTimeZero + d); }

}  // namespace

void print_client_report(std::ostream& out, const Scenario& scenario,
                         const model::History& history, const model::HistoryReport& report) {
  out << (report.final_master
              ? fmt::format("clients (writes read back from {} at the end):\n",
                            *report.final_master)
              : std::string("clients (no master running at the end: losses unknown):\n"));
  for (const model::ClientReport& c : report.clients) {
    out << fmt::format("  {:<10} {}\n", c.name, kind_of(scenario, c.name));
    if (c.writes > 0) {
      out << fmt::format("    writes: {} acknowledged of {}", c.acked, c.writes);
      if (report.final_master) {
        out << fmt::format(", {} lost, {} failed but applied", c.lost.size(),
                           c.failed_but_applied.size());
      }
      out << "\n";
    }
    if (c.reads > 0) {
      out << fmt::format("    reads: {} answered of {}, {} stale\n", c.read_ok, c.reads,
                         c.stale_reads.size());
    }
    if (!c.errors.empty()) {
      std::string errors;
      for (const auto& [name, n] : c.errors) {
        errors += fmt::format("{}{} {}", errors.empty() ? "" : ", ", name, n);
      }
      out << fmt::format("    errors: {}\n", errors);
    }
    if (c.longest_no_ack) {
      const model::NoAckWindow& w = *c.longest_no_ack;
      out << fmt::format("    longest without an acknowledged write: {} ({} to {}{}); "
                         "unavailable {} in total\n",
                         seconds(w.length()), sim::format_seconds(w.from),
                         sim::format_seconds(w.to), w.open ? ", never recovered" : "",
                         seconds(c.unavailable));
    }
    auto print_runs = [&](std::string_view what, const std::vector<size_t>& ops) {
      for (const Run& r : runs_of(history, ops)) {
        const model::Operation& first = history.ops[r.first];
        const model::Operation& last = history.ops[r.last];
        out << fmt::format("    {}: {} {} ({}) via {}, {} to {}\n", what, r.count,
                           r.count == 1 ? first.key : fmt::format("{} .. {}", first.key, last.key),
                           r.count == 1 ? "1 call" : fmt::format("{} calls", r.count),
                           server_name(scenario, first.server),
                           sim::format_seconds(first.completed),
                           sim::format_seconds(last.completed));
      }
    };
    print_runs("lost", c.lost);
    print_runs("failed but applied", c.failed_but_applied);
    print_runs("stale reads", c.stale_reads);
  }
}

nlohmann::json client_report_json(const Scenario& scenario, const model::History& history,
                                  const model::HistoryReport& report) {
  nlohmann::json clients = nlohmann::json::array();
  for (const model::ClientReport& c : report.clients) {
    nlohmann::json j = {{"name", c.name},
                        {"kind", kind_of(scenario, c.name)},
                        {"writes", c.writes},
                        {"acked", c.acked},
                        {"write_failures", c.write_failures},
                        {"reads", c.reads},
                        {"read_ok", c.read_ok},
                        {"read_failures", c.read_failures},
                        {"errors", c.errors},
                        {"unavailable_us", c.unavailable.us}};
    if (report.final_master) {
      j["lost"] = ops_json(history, c.lost);
      j["lost_by_server"] = c.lost_by_server;
      j["failed_but_applied"] = ops_json(history, c.failed_but_applied);
    } else {
      j["lost"] = nullptr;
    }
    j["stale_reads"] = ops_json(history, c.stale_reads);
    if (c.longest_no_ack) {
      j["longest_no_ack"] = {{"from_us", c.longest_no_ack->from.us},
                             {"to_us", c.longest_no_ack->to.us},
                             {"length_us", c.longest_no_ack->length().us},
                             {"open", c.longest_no_ack->open}};
    }
    clients.push_back(std::move(j));
  }
  return {{"final_master", report.final_master ? nlohmann::json(*report.final_master)
                                               : nlohmann::json(nullptr)},
          {"clients", std::move(clients)}};
}

}  // namespace tools
