// The scenario loader: the top-level object, nodes and clients; steps, expectations and
// config checks are in scenario_steps.cpp, scenario_expect.cpp and scenario_conf.cpp.
#include "tools/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

#include "tools/scenario_reader.h"

namespace tools {
namespace {

using jsonc::Kind;
using jsonc::Value;
using scenario_detail::Diagnostics;
using scenario_detail::NodeIndex;
using scenario_detail::ObjectReader;
using scenario_detail::check_name;


struct NodeRead {
  const Value* conf = nullptr;
  std::string conf_path;
};

std::vector<std::string> read_conf(Diagnostics& d, const Value& conf, const std::string& path) {
  std::vector<std::string> lines;
  if (conf.kind != Kind::kArray) {
    d.error(conf.pos, path, fmt::format("expected an array of redis.conf lines, got {}",
                                        jsonc::kind_name(conf.kind)));
    return lines;
  }
  for (size_t i = 0; i < conf.items.size() && !d.full(); ++i) {
    std::string item = jsonc::item_path(path, i);
    std::optional<std::string> line = scenario_detail::read_string(d, conf.items[i], item);
    if (line && line->find_first_of(std::string_view("\n\0", 2)) != std::string::npos) {
      d.error(conf.items[i].pos, item, "a conf line must not contain a line break or a NUL "
                                       "byte: give each directive its own string");
      line.reset();
    }
    lines.push_back(line.value_or(""));  // keeps line numbers when a line is bad
  }
  return lines;
}

constexpr std::string_view kNodeKeys[] = {"addr", "conf", "sentinel", "start"};

// One member of "nodes": appends the node to `nodes` and where its conf is to `reads`.
void read_node(Diagnostics& d, const jsonc::Member& m, const std::string& path,
               std::map<sim::Address, const jsonc::Member*>& addresses,
               std::vector<NodeSpec>& nodes, std::vector<NodeRead>& reads,
               const std::optional<scenario_detail::Until>& until) {
  ObjectReader r(d, m.value, path, kNodeKeys);
  if (!check_name(d, m, path, "node") || !r.ok()) return;
  NodeSpec node;
  NodeRead read;
  node.name = m.key;
  node.source = {m.key_pos, path};
  if (const Value* v = r.require("addr", "the address it listens on, such as \"127.0.0.1:6379\"")) {
    if (auto addr = scenario_detail::read_address(d, *v, r.path("addr"))) {
      auto [it, fresh] = addresses.emplace(*addr, &m);
      if (fresh) {
        node.addr = *addr;
      } else {
        d.error(v->pos, r.path("addr"),
                fmt::format("duplicate address {}: node {} (line {}) has it already",
                            addr->to_string(), jsonc::quote(it->second->key),
                            it->second->key_pos.line));
      }
    }
  }
  if (const Value* v = r.get("conf")) {
    read.conf = v;
    read.conf_path = r.path("conf");
    node.conf = read_conf(d, *v, read.conf_path);
  }
  if (const Value* v = r.get("sentinel")) {
    node.sentinel = scenario_detail::read_bool(d, *v, r.path("sentinel")).value_or(false);
  }
  if (const Value* v = r.get("start")) {
    node.start = scenario_detail::read_time(d, *v, r.path("start"), until).value_or(sim::Time{});
  }
  nodes.push_back(std::move(node));
  reads.push_back(std::move(read));
}

void read_nodes(Diagnostics& d, const Value& value, Scenario& s,
                const std::optional<scenario_detail::Until>& until) {
  if (value.kind != Kind::kObject || value.members.empty()) {
    d.error(value.pos, "nodes", "expected an object of nodes by name, with at least one node");
    return;
  }
  if (value.members.size() > kMaxNodes) {
    d.error(value.pos, "nodes", fmt::format("{} nodes: expected at most {}",
                                            value.members.size(), kMaxNodes));
    return;
  }
  std::map<sim::Address, const jsonc::Member*> addresses;
  std::vector<NodeRead> reads;  // reads[i] is about s.nodes[i]
  for (const jsonc::Member& m : value.members) {
    if (d.full()) return;
    read_node(d, m, jsonc::member_path("nodes", m.key), addresses, s.nodes, reads, until);
  }
  NodeIndex index(s.nodes);
  for (size_t i = 0; i < s.nodes.size() && !d.full(); ++i) {
    scenario_detail::check_node_config(d, index, s.nodes[i], reads[i].conf, reads[i].conf_path);
  }
}

constexpr std::string_view kTopKeys[] = {"name",  "description", "seed",  "nodes",    "clients",
                                         "steps", "until",       "expect", "redis-cli",
                                         "invariants"};

void read_header(Diagnostics& d, const ObjectReader& top, Scenario& s) {
  if (const Value* v = top.require("name", "a short title for the scenario")) {
    s.name = scenario_detail::read_string(d, *v, "name").value_or("");
    if (v->kind == Kind::kString && s.name.empty()) {
      d.error(v->pos, "name", "expected a non-empty title");
    }
  }
  if (const Value* v = top.get("description")) {
    s.description = scenario_detail::read_string(d, *v, "description").value_or("");
  }
  if (const Value* v = top.get("seed")) {
    s.seed = scenario_detail::read_uint64(d, *v, "seed").value_or(1);
  }
  if (const Value* v = top.get("invariants")) {
    if (v->kind == Kind::kBool) {
      s.invariants = v->boolean;
    } else {
      d.error(v->pos, "invariants", "expected true or false");
    }
  }
  if (const Value* v = top.get("redis-cli")) {
    std::optional<std::string> mode = scenario_detail::read_string(d, *v, "redis-cli");
    if (mode == "interactive") {
      s.interactive_cli = true;
    } else if (mode && mode != "one-shot") {
      d.error(v->pos, "redis-cli",
              fmt::format("unknown mode {}: expected \"one-shot\" or \"interactive\"",
                          jsonc::quote(*mode)));
    }
  }
}

std::optional<scenario_detail::Until> read_until(Diagnostics& d, const ObjectReader& top) {
  const Value* v = top.require("until", "the time the run ends, such as \"180s\"");
  if (v == nullptr) return std::nullopt;
  std::optional<sim::Duration> until = scenario_detail::read_duration(d, *v, "until");
  if (!until) return std::nullopt;
  if (until->us == 0) {
    d.error(v->pos, "until", "expected a time after the start (0s)");
    return std::nullopt;
  }
  return scenario_detail::Until{sim::kTimeZero + *until, v->text};
}

void read_scenario(Diagnostics& d, const Value& root, Scenario& s) {
  ObjectReader top(d, root, "", kTopKeys);
  if (!top.ok()) return;
  read_header(d, top, s);
  std::optional<scenario_detail::Until> until = read_until(d, top);
  s.until = until ? until->t : sim::kTimeZero;
  if (const Value* v = top.require("nodes", "an object of nodes by name")) {
    read_nodes(d, *v, s, until);
  }
  NodeIndex nodes(s.nodes);
  if (const Value* v = top.get("clients")) {
    s.clients = scenario_detail::read_clients(d, nodes, *v, until, s.nodes);
  }
  if (const Value* v = top.get("steps")) {
    s.steps = scenario_detail::read_steps(d, nodes, *v, "steps", until);
  }
  if (const Value* v = top.get("expect")) {
    s.expectations = scenario_detail::read_expectations(d, nodes, *v, "expect", until, s.clients);
  }
}

}  // namespace

namespace scenario_detail {

constexpr size_t kMaxNameLength = 64;

// Node and client names appear in steps between spaces, commas, '|' and "->".
static bool valid_name(std::string_view name) {
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
  };
  return !name.empty() && name.size() <= kMaxNameLength && name[0] != '.' && name[0] != '-' &&
         std::all_of(name.begin(), name.end(), ok);
}

bool check_name(Diagnostics& d, const jsonc::Member& m, const std::string& path,
                std::string_view what) {
  if (valid_name(m.key)) return true;
  d.error(m.key_pos, path,
          fmt::format("invalid {} name {}: expected at most {} letters, digits, '_', '.' or "
                      "'-', not starting with '.' or '-'",
                      what, jsonc::quote(m.key), kMaxNameLength));
  return false;
}

}  // namespace scenario_detail

std::string Diagnostic::to_string() const {
  std::string_view severity_name = severity == Severity::kError ? "error" : "warning";
  if (path.empty()) return fmt::format("{}:{}:{}: {}: {}", file, line, col, severity_name, message);
  return fmt::format("{}:{}:{}: {}: {}: {}", file, line, col, severity_name, path, message);
}

// std::sort on indexes rather than std::stable_sort, which allocates a temporary buffer.
void sort_by_position(std::vector<Diagnostic>& diagnostics) {
  std::vector<size_t> order(diagnostics.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Diagnostic& x = diagnostics[a];
    const Diagnostic& y = diagnostics[b];
    return std::tie(x.line, x.col, a) < std::tie(y.line, y.col, b);
  });
  std::vector<Diagnostic> sorted;
  sorted.reserve(order.size());
  for (size_t i : order) sorted.push_back(std::move(diagnostics[i]));
  diagnostics = std::move(sorted);
}

std::string NodeSpec::config_file() const {
  std::string text;
  for (const std::string& line : conf) text += line + "\n";
  return text;
}

const NodeSpec* Scenario::find_node(std::string_view node_name) const {
  for (const NodeSpec& n : nodes) {
    if (n.name == node_name) return &n;
  }
  return nullptr;
}

const NodeSpec* Scenario::find_node(const sim::Address& addr) const {
  for (const NodeSpec& n : nodes) {
    if (n.addr == addr) return &n;
  }
  return nullptr;
}

LoadResult load_scenario(std::string_view file_name, std::string_view text) {
  Diagnostics d{std::string(file_name)};
  LoadResult result;
  jsonc::ParseResult parsed = jsonc::parse(text);
  Scenario s;
  if (parsed.value) {
    s.file = std::string(file_name);
    read_scenario(d, *parsed.value, s);
  } else {
    d.error(parsed.error.pos, parsed.error.path, parsed.error.message);
  }
  d.finish(result);
  if (result.errors.empty()) result.scenario = std::move(s);
  return result;
}

}  // namespace tools
