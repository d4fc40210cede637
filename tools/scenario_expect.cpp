// Expectations: the `expect` array. What an expectation checks is told by the one key of
// kExpectKinds it holds ("role", "replicates_from", "key", "info", "log"); each kind has its
// own keys, plus "at" or "by" (see When). Later issues add kinds as rows of the table.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "tools/scenario_reader.h"

namespace tools::scenario_detail {
namespace {

using jsonc::Kind;
using jsonc::Value;

// The scenario's clients, for expectations about them.
using Clients = std::vector<ClientSpec>;
using KindReader = std::optional<Check> (*)(Diagnostics&, const NodeIndex&, const ObjectReader&,
                                            const Clients&);

struct ExpectKind {
  std::string_view key;                    // the key that tells this kind
  std::span<const std::string_view> keys;  // every key it takes
  KindReader read;
};

std::optional<std::string> node_of(Diagnostics& d, const NodeIndex& nodes,
                                   const ObjectReader& r, std::string_view key,
                                   std::string_view what) {
  const Value* v = r.require(key, what);
  return v == nullptr ? std::nullopt : nodes.read_node(d, *v, r.path(key));
}

std::optional<Check> read_role(Diagnostics& d, const NodeIndex& nodes, const ObjectReader& r, const Clients&) {
  std::optional<std::string> node = node_of(d, nodes, r, "node", "the node to check");
  const Value* v = r.get("role");
  std::optional<std::string> role = read_string(d, *v, r.path("role"));
  if (role && *role != "master" && *role != "slave") {
    d.error(v->pos, r.path("role"),
            fmt::format("expected \"master\" or \"slave\" (as INFO shows role:), got {}",
                        jsonc::quote(*role)));
    return std::nullopt;
  }
  if (!node || !role) return std::nullopt;
  return expect::NodeRole{*node, *role == "master" ? expect::Role::kMaster : expect::Role::kSlave};
}

std::optional<Check> read_replicates_from(Diagnostics& d, const NodeIndex& nodes,
                                          const ObjectReader& r, const Clients&) {
  std::optional<std::string> node = node_of(d, nodes, r, "node", "the replica to check");
  std::optional<std::string> master = nodes.read_node(d, *r.get("replicates_from"),
                                                      r.path("replicates_from"));
  if (!node || !master) return std::nullopt;
  if (*node == *master) {
    d.error(r.get("replicates_from")->pos, r.path("replicates_from"),
            "expected another node: a node does not replicate from itself");
    return std::nullopt;
  }
  return expect::ReplicatesFrom{*node, *master};
}

std::optional<Check> read_key(Diagnostics& d, const NodeIndex& nodes, const ObjectReader& r, const Clients&) {
  std::optional<std::string> node = node_of(d, nodes, r, "node", "the node to read the key on");
  std::optional<std::string> key = read_string(d, *r.get("key"), r.path("key"));
  const Value* v = r.require("value", "the value, or null for a missing key");
  bool value_ok = v != nullptr && (v->kind == Kind::kString || v->kind == Kind::kNull);
  if (v != nullptr && !value_ok) {
    d.error(v->pos, r.path("value"), fmt::format("expected a string, or null for a missing "
                                                 "key, got {}", jsonc::kind_name(v->kind)));
  }
  if (!node || !key || !value_ok) return std::nullopt;
  std::optional<std::string> value;
  if (v->kind == Kind::kString) value = v->text;
  return expect::KeyValue{*node, *key, value};
}

constexpr std::string_view kInfoOps[] = {"equals", "at_least", "at_most", "same_as"};

// The comparison of an info expectation into `check`; false after reporting a problem.
bool read_info_op(Diagnostics& d, const NodeIndex& nodes, const ObjectReader& r,
                  expect::InfoField& check) {
  std::vector<std::string_view> given;
  for (std::string_view op : kInfoOps) {
    if (r.get(op) != nullptr) given.push_back(op);
  }
  if (given.size() != 1) {
    const Value& at = given.empty() ? r.value() : *r.get(given[1]);
    d.error(at.pos, r.path(), fmt::format("expected exactly one of {}", list_words(kInfoOps)));
    return false;
  }
  std::string_view op = given[0];
  const Value& v = *r.get(op);
  std::string path = r.path(op);
  check.op = static_cast<expect::InfoField::Op>(std::find(std::begin(kInfoOps),
                                                          std::end(kInfoOps), op) -
                                                std::begin(kInfoOps));
  if (check.op == expect::InfoField::Op::kEquals) {
    if (v.kind == Kind::kString || v.kind == Kind::kNumber) {
      check.text = v.text;
      return true;
    }
    d.error(v.pos, path, fmt::format("expected a string or a number, got {}",
                                     jsonc::kind_name(v.kind)));
    return false;
  }
  if (check.op == expect::InfoField::Op::kSameAs) {
    std::optional<std::string> other = nodes.read_node(d, v, path);
    if (other && *other == check.node) {
      d.error(v.pos, path, "expected another node than \"node\"");
      return false;
    }
    check.other = other.value_or("");
    return other.has_value();
  }
  std::optional<int64_t> n = read_int64(d, v, path);
  check.number = n.value_or(0);
  return n.has_value();
}

std::optional<Check> read_info(Diagnostics& d, const NodeIndex& nodes, const ObjectReader& r, const Clients&) {
  expect::InfoField check;
  std::optional<std::string> node = node_of(d, nodes, r, "node", "the node whose INFO to read");
  check.node = node.value_or("");
  const Value& field = *r.get("info");
  if (std::optional<std::string> name = read_string(d, field, r.path("info"))) {
    if (is_info_field(*name)) {
      check.field = *name;
    } else {
      d.error(field.pos, r.path("info"),
              fmt::format("expected an INFO field name (lowercase letters, digits and '_'), "
                          "got {}", jsonc::quote(*name)));
    }
  }
  bool op_ok = read_info_op(d, nodes, r, check);
  if (!node || check.field.empty() || !op_ok) return std::nullopt;
  return check;
}

std::optional<Check> read_log(Diagnostics& d, const NodeIndex& nodes, const ObjectReader& r, const Clients&) {
  expect::Log check;
  const Value& event = *r.get("log");
  std::optional<std::string> name = read_string(d, event, r.path("log"));
  if (name && name->empty()) d.error(event.pos, r.path("log"), "expected an event name");
  bool ok = name && !name->empty();
  check.event = name.value_or("");
  if (const Value* v = r.get("node")) {
    check.node = nodes.read_node(d, *v, r.path("node"));
    ok = ok && check.node.has_value();
  }
  const Value* seen = r.get("seen");
  std::optional<bool> seen_value = seen ? read_bool(d, *seen, r.path("seen")) : true;
  ok = ok && seen_value.has_value();
  check.seen = seen_value.value_or(true);
  if (const Value* v = r.get("count")) {
    check.count = read_int64(d, *v, r.path("count"));
    if (check.count && *check.count < 0) {
      d.error(v->pos, r.path("count"), "expected a count of 0 or more");
    } else if (check.count && seen != nullptr) {
      d.error(v->pos, r.path("count"), "expected \"count\" or \"seen\", not both");
    }
    ok = ok && check.count && *check.count >= 0 && seen == nullptr;
    check.seen = check.count.value_or(0) > 0;
  }
  if (!ok) return std::nullopt;
  return check;
}

// One end of a bound: a count, or a duration for the outage (in microseconds).
std::optional<int64_t> bound_value(std::string_view text, bool duration) {
  if (duration) {
    try {
      return sim::parse_duration(text).us;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0) return std::nullopt;
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "<= X", "< X", ">= X", "> X", "== X", "X", "X..Y"; a count may also be a JSON number.
std::optional<expect::Bound> read_bound(Diagnostics& d, const Value& v, const std::string& path,
                                        bool duration) {
  std::string_view unit = duration ? "a duration such as 2.5s" : "a count";
  std::string format = fmt::format(
      "expected {}{} or a bound: \"<= X\", \"< X\", \">= X\", \"> X\", \"X..Y\"",
      unit, duration ? "" : " (a number)");
  expect::Bound b;
  std::string text;
  if (v.kind == Kind::kNumber && !duration) {
    text = v.text;
  } else if (v.kind == Kind::kString) {
    text = v.text;
  } else {
    d.error(v.pos, path, fmt::format("{}, got {}", format, jsonc::kind_name(v.kind)));
    return std::nullopt;
  }
  b.text = text;
  std::string_view t = trim(text);
  auto bad = [&] {
    d.error(v.pos, path, fmt::format("{}, got {}", format, jsonc::quote(text)));
    return std::nullopt;
  };
  if (size_t dots = t.find(".."); dots != std::string_view::npos) {
    std::optional<int64_t> lo = bound_value(trim(t.substr(0, dots)), duration);
    std::optional<int64_t> hi = bound_value(trim(t.substr(dots + 2)), duration);
    if (!lo || !hi) return bad();
    if (*lo > *hi) {
      d.error(v.pos, path, fmt::format("expected X..Y with X at most Y, got {}",
                                       jsonc::quote(text)));
      return std::nullopt;
    }
    b.lo = *lo;
    b.hi = *hi;
    return b;
  }
  static constexpr std::string_view kOps[] = {"<=", ">=", "==", "<", ">"};
  std::string_view op;
  for (std::string_view o : kOps) {
    if (t.starts_with(o)) {
      op = o;
      break;
    }
  }
  std::optional<int64_t> x = bound_value(trim(t.substr(op.size())), duration);
  if (!x) return bad();
  if (op == "<=") b.hi = *x;
  if (op == "<") b.hi = *x - 1;
  if (op == ">=") b.lo = *x;
  if (op == ">") b.lo = *x + 1;
  if (op.empty() || op == "==") b.lo = b.hi = *x;
  return b;
}

std::optional<Check> read_client_metric(Diagnostics& d, const NodeIndex&, const ObjectReader& r,
                                        const Clients& clients) {
  using Metric = expect::ClientMetric::Metric;
  expect::ClientMetric check;
  std::string_view key = r.get("lost_writes") ? "lost_writes"
                         : r.get("stale_reads") ? "stale_reads"
                                                : "outage";
  check.metric = key == "lost_writes"   ? Metric::kLostWrites
                 : key == "stale_reads" ? Metric::kStaleReads
                                        : Metric::kOutage;
  bool ok = true;
  if (clients.empty()) {
    d.error(r.value().pos, r.path(), fmt::format("\"{}\" is about the scenario's clients, and "
                                                 "it has none: add \"clients\"", key));
    ok = false;
  }
  if (const Value* v = r.get("client")) {
    std::optional<std::string> name = read_string(d, *v, r.path("client"));
    auto known = [&](const std::string& n) {
      return std::any_of(clients.begin(), clients.end(),
                         [&](const ClientSpec& c) { return c.name == n; });
    };
    if (name && !known(*name)) {
      std::vector<std::string_view> names;
      for (const ClientSpec& c : clients) names.push_back(c.name);
      d.error(v->pos, r.path("client"),
              fmt::format("unknown client {}{}{}", jsonc::quote(*name),
                          did_you_mean(*name, names),
                          names.empty() ? "" : ": expected " + list_words(names)));
      name.reset();
    }
    ok = ok && name.has_value();
    check.client = name;
  }
  std::optional<expect::Bound> bound =
      read_bound(d, *r.get(key), r.path(key), check.metric == Metric::kOutage);
  if (!ok || !bound) return std::nullopt;
  check.bound = std::move(*bound);
  return check;
}

constexpr std::string_view kRoleKeys[] = {"node", "role", "at", "by"};
constexpr std::string_view kReplicatesKeys[] = {"node", "replicates_from", "at", "by"};
constexpr std::string_view kKeyKeys[] = {"node", "key", "value", "at", "by"};
constexpr std::string_view kInfoKeys[] = {"node",    "info",    "equals", "at_least",
                                          "at_most", "same_as", "at",     "by"};
constexpr std::string_view kLogKeys[] = {"log", "node", "seen", "count", "by"};
constexpr std::string_view kLostKeys[] = {"lost_writes", "client"};
constexpr std::string_view kStaleKeys[] = {"stale_reads", "client"};
constexpr std::string_view kOutageKeys[] = {"outage", "client"};

constexpr ExpectKind kExpectKinds[] = {
    {"role", kRoleKeys, read_role},
    {"replicates_from", kReplicatesKeys, read_replicates_from},
    {"key", kKeyKeys, read_key},
    {"info", kInfoKeys, read_info},
    {"log", kLogKeys, read_log},
    {"lost_writes", kLostKeys, read_client_metric},
    {"stale_reads", kStaleKeys, read_client_metric},
    {"outage", kOutageKeys, read_client_metric},
};
constexpr std::string_view kKindKeys[] = {"role", "replicates_from", "key",        "info",
                                          "log",  "lost_writes",     "stale_reads", "outage"};

// The kind the object's keys tell, or nullptr after reporting none or several.
const ExpectKind* kind_of(Diagnostics& d, const Value& item, const std::string& path) {
  const ExpectKind* found = nullptr;
  for (const jsonc::Member& m : item.members) {
    for (const ExpectKind& kind : kExpectKinds) {
      if (kind.key != m.key) continue;
      if (found != nullptr) {
        d.error(m.key_pos, jsonc::member_path(path, m.key),
                fmt::format("\"{}\" and \"{}\" check different things: write two expectations",
                            found->key, kind.key));
        return nullptr;
      }
      found = &kind;
    }
  }
  if (found == nullptr) {
    d.error(item.pos, path, fmt::format("expected one of the keys {}: what to check",
                                        list_words(kKindKeys)));
  }
  return found;
}

std::optional<When> read_when(Diagnostics& d, const ObjectReader& r,
                              const std::optional<Until>& until) {
  const Value* at = r.get("at");
  const Value* by = r.get("by");
  if (at != nullptr && by != nullptr) {
    d.error(by->pos, r.path("by"), "expected \"at\" or \"by\", not both");
    return std::nullopt;
  }
  if (at == nullptr && by == nullptr) return When{};
  std::string_view key = at != nullptr ? "at" : "by";
  std::optional<sim::Time> t = read_time(d, at != nullptr ? *at : *by, r.path(key), until);
  if (!t) return std::nullopt;
  return When{at != nullptr ? When::Kind::kAt : When::Kind::kBy, *t};
}

}  // namespace

std::vector<Expectation> read_expectations(Diagnostics& d, const NodeIndex& nodes,
                                           const Value& expect, const std::string& path,
                                           const std::optional<Until>& until,
                                           const std::vector<ClientSpec>& clients) {
  std::vector<Expectation> out;
  if (expect.kind != Kind::kArray) {
    d.error(expect.pos, path, fmt::format("expected an array of expectations, got {}",
                                          jsonc::kind_name(expect.kind)));
    return out;
  }
  for (size_t i = 0; i < expect.items.size() && !d.full(); ++i) {
    const Value& item = expect.items[i];
    std::string item_path = jsonc::item_path(path, i);
    if (item.kind != Kind::kObject) {
      d.error(item.pos, item_path, fmt::format("expected an object, got {}",
                                               jsonc::kind_name(item.kind)));
      continue;
    }
    const ExpectKind* kind = kind_of(d, item, item_path);
    if (kind == nullptr) continue;
    ObjectReader r(d, item, item_path, kind->keys);
    std::optional<When> when = read_when(d, r, until);
    std::optional<Check> check = kind->read(d, nodes, r, clients);
    if (when && check) out.push_back({*when, std::move(*check), {item.pos, item_path}});
  }
  return out;
}

}  // namespace tools::scenario_detail
