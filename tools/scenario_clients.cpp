// The scenario loader's `clients`: each a simulated application with a client library of one
// kind and a workload. Options, for every kind:
//   write_every, read_every (durations; at least one), write ("SET", "INCR" or "SADD"; SET by
//   default), keys (how many keys writes cycle over; 0 by default: a new key per SET, one key
//   for INCR and SADD), connect_timeout, start and stop (times).
// Kind by kind:
//   pinned    addr (a node's address, required), read_addr (where reads go; addr by default),
//             timeout (the socket timeout)
//   redis-py  master (a monitored master's name, required), sentinels (sentinel node names in
//             the order the application lists them; by default every sentinel node monitoring
//             that master, in file order), read_from ("master" or "replicas"), timeout,
//             sentinel_timeout, retries, backoff_base, backoff_cap (Retry with
//             ExponentialWithJitterBackoff; 0 retries by default, redis-py 4.x's fail-fast)
//   ioredis   master, sentinels, read_from, command_timeout (none by default),
//             reconnect_on_readonly ("none", the default, "reconnect" or "resend")
//   jedis     master, sentinels, timeout, sentinel_timeout
// Timeouts default to what the reference runs' clients used for pinned and redis-py (200 ms
// socket and connect, 100 ms towards Sentinels), and to the library's own defaults otherwise
// (ioredis: connectTimeout 10 s, no command timeout; Jedis: 2000 ms for everything).
#include <fmt/format.h>

#include <algorithm>

#include "model/config_syntax.h"
#include "tools/scenario_reader.h"

namespace tools::scenario_detail {
namespace {

using jsonc::Kind;
using jsonc::Value;

constexpr std::string_view kPinnedKeys[] = {"addr", "read_addr", "timeout"};
constexpr std::string_view kRedisPyKeys[] = {"master",  "sentinels",        "read_from",
                                             "timeout", "sentinel_timeout", "retries",
                                             "backoff_base", "backoff_cap"};
constexpr std::string_view kIoredisKeys[] = {"master", "sentinels", "read_from",
                                             "command_timeout", "reconnect_on_readonly"};
constexpr std::string_view kJedisKeys[] = {"master", "sentinels", "timeout", "sentinel_timeout"};

struct KindInfo {
  std::string_view name;
  model::LibraryKind library;
  std::span<const std::string_view> keys;  // besides kCommonKeys
  bool via_sentinel;
  // The library's timeouts when the file gives none: socket, connect, towards Sentinels.
  sim::Duration socket_timeout, connect_timeout, sentinel_timeout;
};
constexpr sim::Duration ms(int64_t n) { return sim::Duration::millis(n); }
constexpr KindInfo kKinds[] = {
    {"pinned", model::LibraryKind::kPinned, kPinnedKeys, false, ms(200), ms(200), ms(100)},
    {"redis-py", model::LibraryKind::kRedisPy, kRedisPyKeys, true, ms(200), ms(200), ms(100)},
    {"ioredis", model::LibraryKind::kIoredis, kIoredisKeys, true, ms(200), ms(10000), ms(10000)},
    {"jedis", model::LibraryKind::kJedis, kJedisKeys, true, ms(2000), ms(2000), ms(2000)},
};
constexpr std::string_view kKindNames[] = {"pinned", "redis-py", "ioredis", "jedis"};

constexpr std::string_view kCommonKeys[] = {"kind", "write_every", "read_every", "write",
                                            "keys", "connect_timeout", "start", "stop"};

std::vector<std::string_view> keys_of(const KindInfo& kind) {
  std::vector<std::string_view> keys(std::begin(kCommonKeys), std::end(kCommonKeys));
  keys.insert(keys.end(), kind.keys.begin(), kind.keys.end());
  return keys;
}

// The names of the masters `node` monitors ("sentinel monitor <name> ..." lines).
std::vector<std::string> monitored_masters(const NodeSpec& node) {
  std::vector<std::string> names;
  if (!node.sentinel) return names;
  for (const std::string& line : node.conf) {
    std::vector<std::string> args;
    if (!model::split_args(line, args) || args.size() < 3) continue;
    if (model::equals_nocase(args[0], "sentinel") && model::equals_nocase(args[1], "monitor")) {
      names.push_back(args[2]);
    }
  }
  return names;
}

std::optional<sim::Duration> read_positive(Diagnostics& d, const ObjectReader& r,
                                           std::string_view key, std::string_view noun) {
  const Value* v = r.get(key);
  if (v == nullptr) return std::nullopt;
  std::optional<sim::Duration> period = read_duration(d, *v, r.path(key));
  if (period && period->us == 0) {
    d.error(v->pos, r.path(key), fmt::format("expected a {} longer than 0s", noun));
    return std::nullopt;
  }
  return period;
}

// One of `choices`, by its index; reports anything else as an unknown `what`.
std::optional<size_t> read_choice(Diagnostics& d, const ObjectReader& r, std::string_view key,
                                  std::span<const std::string_view> choices,
                                  std::string_view what) {
  const Value* v = r.get(key);
  if (v == nullptr) return std::nullopt;
  std::optional<std::string> text = read_string(d, *v, r.path(key));
  if (!text) return std::nullopt;
  auto it = std::find(choices.begin(), choices.end(), *text);
  if (it != choices.end()) return static_cast<size_t>(it - choices.begin());
  d.error(v->pos, r.path(key),
          fmt::format("unknown {} {}{}: expected {}", what, jsonc::quote(*text),
                      did_you_mean(*text, choices), list_words(choices)));
  return std::nullopt;
}

// A node's address given as "host:port"; reports one that no node has.
std::optional<sim::Address> read_node_address(Diagnostics& d, const NodeIndex& nodes,
                                              const Value& v, const std::string& path) {
  std::optional<sim::Address> addr = read_address(d, v, path);
  if (addr && nodes.by_address(*addr) == nullptr) {
    d.error(v.pos, path, nodes.unknown_address(*addr));
    return std::nullopt;
  }
  return addr;
}

class ClientReader {
 public:
  ClientReader(Diagnostics& d, const NodeIndex& nodes, const std::vector<NodeSpec>& all_nodes,
               const std::optional<Until>& until)
      : d_(d), nodes_(nodes), all_nodes_(all_nodes), until_(until) {}

  std::optional<ClientSpec> read(const jsonc::Member& m, const std::string& path);

 private:
  bool read_workload(const ObjectReader& r, ClientSpec& c);
  bool read_pinned(const ObjectReader& r, ClientSpec& c);
  bool read_sentinel_kind(const ObjectReader& r, ClientSpec& c);

  Diagnostics& d_;
  const NodeIndex& nodes_;
  const std::vector<NodeSpec>& all_nodes_;
  const std::optional<Until>& until_;
};

std::optional<ClientSpec> ClientReader::read(const jsonc::Member& m, const std::string& path) {
  if (!check_name(d_, m, path, "client")) return std::nullopt;
  bool ok = true;
  if (nodes_.by_name(m.key) != nullptr) {
    d_.error(m.key_pos, path, fmt::format("client name {} is also a node's name: names must "
                                          "be unique", jsonc::quote(m.key)));
    ok = false;
  }
  if (m.value.kind != Kind::kObject) {
    d_.error(m.value.pos, path, fmt::format("expected an object, got {}",
                                            jsonc::kind_name(m.value.kind)));
    return std::nullopt;
  }
  std::string kinds = list_words(kKindNames);
  const Value* kind = m.value.find("kind");
  if (kind == nullptr) {
    d_.error(m.value.pos, path, fmt::format("missing \"kind\": expected {}", kinds));
    return std::nullopt;
  }
  std::optional<std::string> name = read_string(d_, *kind, path + ".kind");
  if (!name) return std::nullopt;
  const KindInfo* info = nullptr;
  for (const KindInfo& k : kKinds) {
    if (k.name == *name) info = &k;
  }
  if (info == nullptr) {
    d_.error(kind->pos, path + ".kind",
             fmt::format("unknown client kind {}{}: expected {}", jsonc::quote(*name),
                         did_you_mean(*name, kKindNames), kinds));
    return std::nullopt;
  }
  std::vector<std::string_view> keys = keys_of(*info);
  ObjectReader r(d_, m.value, path, keys);
  ClientSpec c;
  c.name = m.key;
  c.kind = *name;
  c.library = info->library;
  c.source = {m.key_pos, path};
  c.options.socket_timeout = info->socket_timeout;
  c.options.connect_timeout = info->connect_timeout;
  c.options.sentinel_timeout = info->sentinel_timeout;
  ok = r.ok() && ok;
  ok = read_workload(r, c) && ok;
  ok = (info->via_sentinel ? read_sentinel_kind(r, c) : read_pinned(r, c)) && ok;
  if (!ok) return std::nullopt;
  return c;
}

bool ClientReader::read_workload(const ObjectReader& r, ClientSpec& c) {
  bool ok = true;
  model::WorkloadSpec& w = c.workload;
  for (auto [key, period] : {std::pair{"write_every", &w.write_every},
                             std::pair{"read_every", &w.read_every}}) {
    *period = read_positive(d_, r, key, "period");
    ok = ok && (period->has_value() || r.get(key) == nullptr);
  }
  if (r.ok() && r.get("write_every") == nullptr && r.get("read_every") == nullptr) {
    d_.error(r.value().pos, r.path(), "expected \"write_every\" or \"read_every\" (or both): "
                                      "what the client does");
    ok = false;
  }
  if (r.get("write") != nullptr) {
    constexpr std::string_view kCommands[] = {"SET", "INCR", "SADD"};
    std::optional<size_t> i = read_choice(d_, r, "write", kCommands, "write command");
    ok = ok && i.has_value();
    if (i) w.write_command = static_cast<model::WriteCommand>(*i);
  }
  if (const Value* v = r.get("keys")) {
    std::optional<uint64_t> keys = read_uint64(d_, *v, r.path("keys"));
    ok = ok && keys.has_value();
    w.keys = keys.value_or(0);
  }
  for (auto [key, timeout] : {std::pair{"timeout", &c.options.socket_timeout},
                              std::pair{"connect_timeout", &c.options.connect_timeout},
                              std::pair{"sentinel_timeout", &c.options.sentinel_timeout}}) {
    if (r.get(key) == nullptr) continue;
    std::optional<sim::Duration> value = read_positive(d_, r, key, "timeout");
    ok = ok && value.has_value();
    *timeout = value.value_or(*timeout);
  }
  if (const Value* v = r.get("start")) {
    std::optional<sim::Time> t = read_time(d_, *v, r.path("start"), until_);
    ok = ok && t.has_value();
    c.start = t.value_or(sim::Time{});
  }
  if (const Value* v = r.get("stop")) {
    std::optional<sim::Time> t = read_time(d_, *v, r.path("stop"), until_);
    if (t && *t <= c.start) {
      d_.error(v->pos, r.path("stop"), "expected a time after the client's start");
      t.reset();
    }
    ok = ok && t.has_value();
    if (t) w.stop = *t - c.start;
  }
  return ok;
}

bool ClientReader::read_pinned(const ObjectReader& r, ClientSpec& c) {
  bool ok = true;
  if (const Value* v = r.require("addr", "the address of the node it talks to")) {
    c.options.server = read_node_address(d_, nodes_, *v, r.path("addr"));
    ok = c.options.server.has_value();
  } else {
    ok = false;
  }
  if (const Value* v = r.get("read_addr")) {
    c.options.read_server = read_node_address(d_, nodes_, *v, r.path("read_addr"));
    ok = ok && c.options.read_server.has_value();
  }
  return ok;
}

bool ClientReader::read_sentinel_kind(const ObjectReader& r, ClientSpec& c) {
  bool ok = true;
  model::LibraryOptions& o = c.options;
  std::vector<std::string> all_masters;
  for (const NodeSpec& n : all_nodes_) {
    for (std::string& name : monitored_masters(n)) {
      if (std::find(all_masters.begin(), all_masters.end(), name) == all_masters.end()) {
        all_masters.push_back(std::move(name));
      }
    }
  }
  if (const Value* v = r.require("master", "the name of the master it asks Sentinel for")) {
    std::optional<std::string> name = read_string(d_, *v, r.path("master"));
    if (name && std::find(all_masters.begin(), all_masters.end(), *name) == all_masters.end()) {
      std::vector<std::string_view> candidates(all_masters.begin(), all_masters.end());
      d_.error(v->pos, r.path("master"),
               all_masters.empty()
                   ? fmt::format("no sentinel node monitors {}: add a \"sentinel monitor\" "
                                 "line to a sentinel node's conf",
                                 jsonc::quote(*name))
                   : fmt::format("no sentinel node monitors {}{}: expected {}",
                                 jsonc::quote(*name), did_you_mean(*name, candidates),
                                 list_words(candidates)));
      name.reset();
    }
    ok = name.has_value();
    o.master_name = name.value_or("");
  } else {
    ok = false;
  }
  if (const Value* v = r.get("sentinels")) {
    if (v->kind != Kind::kArray || v->items.empty()) {
      d_.error(v->pos, r.path("sentinels"), "expected a non-empty array of sentinel node names");
      ok = false;
    } else {
      for (size_t i = 0; i < v->items.size(); ++i) {
        std::string item = jsonc::item_path(r.path("sentinels"), i);
        std::optional<std::string> name = nodes_.read_node(d_, v->items[i], item);
        const NodeSpec* node = name ? nodes_.by_name(*name) : nullptr;
        if (node != nullptr && !node->sentinel) {
          d_.error(v->items[i].pos, item,
                   fmt::format("node {} is not a sentinel", jsonc::quote(*name)));
          node = nullptr;
        }
        ok = ok && node != nullptr;
        if (node != nullptr) o.sentinels.push_back(node->addr);
      }
    }
  } else if (ok) {
    for (const NodeSpec& n : all_nodes_) {
      std::vector<std::string> names = monitored_masters(n);
      if (std::find(names.begin(), names.end(), o.master_name) != names.end()) {
        o.sentinels.push_back(n.addr);
      }
    }
  }
  if (r.get("read_from") != nullptr) {
    constexpr std::string_view kFrom[] = {"master", "replicas"};
    std::optional<size_t> i = read_choice(d_, r, "read_from", kFrom, "read_from");
    ok = ok && i.has_value();
    if (i) c.workload.read_from = *i == 0 ? model::Target::kMaster : model::Target::kReplica;
  }
  if (const Value* v = r.get("retries")) {
    std::optional<uint64_t> n = read_uint64(d_, *v, r.path("retries"));
    if (n && *n > 1000) {
      d_.error(v->pos, r.path("retries"), "expected at most 1000 retries");
      n.reset();
    }
    ok = ok && n.has_value();
    o.retries = static_cast<int>(n.value_or(0));
  }
  for (auto [key, value] : {std::pair{"backoff_base", &o.backoff_base},
                            std::pair{"backoff_cap", &o.backoff_cap}}) {
    if (r.get(key) == nullptr) continue;
    std::optional<sim::Duration> d = read_positive(d_, r, key, "duration");
    ok = ok && d.has_value();
    *value = d.value_or(*value);
  }
  if (r.get("command_timeout") != nullptr) {
    o.command_timeout = read_positive(d_, r, "command_timeout", "timeout");
    ok = ok && o.command_timeout.has_value();
  }
  if (r.get("reconnect_on_readonly") != nullptr) {
    constexpr std::string_view kChoices[] = {"none", "reconnect", "resend"};
    std::optional<size_t> i =
        read_choice(d_, r, "reconnect_on_readonly", kChoices, "reconnect_on_readonly");
    ok = ok && i.has_value();
    if (i) o.reconnect_on_readonly = static_cast<model::ReconnectOnError>(*i);
  }
  return ok;
}

}  // namespace

std::vector<ClientSpec> read_clients(Diagnostics& d, const NodeIndex& nodes,
                                     const jsonc::Value& clients,
                                     const std::optional<Until>& until,
                                     const std::vector<NodeSpec>& all_nodes) {
  std::vector<ClientSpec> result;
  if (clients.kind != Kind::kObject) {
    d.error(clients.pos, "clients", fmt::format("expected an object of clients by name, got {}",
                                                jsonc::kind_name(clients.kind)));
    return result;
  }
  ClientReader reader(d, nodes, all_nodes, until);
  for (size_t i = 0; i < clients.members.size() && !d.full(); ++i) {
    const jsonc::Member& m = clients.members[i];
    if (std::optional<ClientSpec> c = reader.read(m, jsonc::member_path("clients", m.key))) {
      result.push_back(std::move(*c));
    }
  }
  return result;
}

}  // namespace tools::scenario_detail
