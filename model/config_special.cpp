// Config: the directives with their own parsers and formats (config.c's createSpecialConfig
// rows: dir, save, client-output-buffer-limit, oom-score-adj-values, notify-keyspace-events,
// bind, replicaof, latency-tracking-info-percentiles).
#include <fmt/format.h>

#include <algorithm>

#include "model/config.h"
#include "model/config_syntax.h"

namespace model {
namespace {

constexpr size_t kBindAddrMax = 16;  // CONFIG_BINDADDR_MAX

// notify.c's classes, in keyspaceEventsFlagsToString's order; 'A' is all of the first ten.
struct EventClass {
  char letter;
  int flag;
};
constexpr EventClass kEventClasses[] = {
    {'g', 1 << 2},  {'$', 1 << 3}, {'l', 1 << 4},  {'s', 1 << 5},  {'h', 1 << 6},
    {'z', 1 << 7},  {'x', 1 << 8}, {'e', 1 << 9},  {'t', 1 << 10}, {'d', 1 << 13},
    {'n', 1 << 14}, {'K', 1 << 0}, {'E', 1 << 1},  {'m', 1 << 11}};
constexpr int kNotifyAll = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) |
                           (1 << 8) | (1 << 9) | (1 << 10) | (1 << 13);
constexpr int kNotifyNew = 1 << 14;

// keyspaceEventsStringToFlags: -1 on an unknown letter.
int parse_event_classes(std::string_view classes) {
  int flags = 0;
  for (char c : c_string(classes)) {
    if (c == 'A') {
      flags |= kNotifyAll;
      continue;
    }
    const EventClass* found = std::find_if(std::begin(kEventClasses), std::end(kEventClasses),
                                           [c](const EventClass& e) { return e.letter == c; });
    if (found == std::end(kEventClasses)) return -1;
    flags |= found->flag;
  }
  return flags;
}

// keyspaceEventsFlagsToString: "A" stands for the ten classes, 'n' is then not shown.
std::string format_event_classes(int flags) {
  std::string out;
  bool all = (flags & kNotifyAll) == kNotifyAll;
  if (all) out.push_back('A');
  for (const EventClass& e : kEventClasses) {
    bool in_all = (e.flag & (kNotifyAll | kNotifyNew)) != 0;
    if ((flags & e.flag) != 0 && !(all && in_all)) out.push_back(e.letter);
  }
  return out;
}

// getClientTypeByName, minus the master class that limits refuse.
int client_class(std::string_view name) {
  if (equals_nocase(name, "normal")) return 0;
  if (equals_nocase(name, "slave") || equals_nocase(name, "replica")) return 1;
  if (equals_nocase(name, "pubsub")) return 2;
  return -1;
}

// chdir + getcwd on a host where every directory exists: an absolute, normalised path.
std::string resolve_dir(const std::string& cwd, std::string_view path) {
  std::string joined = path.starts_with('/') ? std::string(path) : cwd + "/" + std::string(path);
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
  }
  std::string out;
  for (std::string_view part : parts) out.append("/").append(part);
  return out.empty() ? "/" : out;
}

}  // namespace

Config::SetResult Config::set_special(Special which, std::span<const std::string> args,
                                      std::string& err) {
  switch (which) {
    case Special::kDir: return set_dir(args, err);
    case Special::kSave: return set_save(args, err);
    case Special::kClientOutputBufferLimit: return set_obuf_limits(args, err);
    case Special::kOomScoreAdjValues: return set_oom_values(args, err);
    case Special::kReplicaof: return set_replicaof_args(args, err);
    case Special::kLatencyTrackingInfoPercentiles: return set_percentiles(args, err);
    case Special::kNotifyKeyspaceEvents: {
      int flags = args.size() == 1 ? parse_event_classes(args[0]) : -1;
      if (args.size() != 1) err = "wrong number of arguments";
      else if (flags == -1) err = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
      if (flags == -1) return SetResult::kError;
      special_.notify_keyspace_events = flags;
      return SetResult::kChanged;
    }
    case Special::kBind:
      if (args.size() > kBindAddrMax) {
        err = "Too many bind addresses specified.";
        return SetResult::kError;
      }
      special_.bind.clear();
      if (!(args.size() == 1 && args[0].empty())) {
        for (const std::string& a : args) special_.bind.emplace_back(c_string(a));
      }
      return SetResult::kChanged;
    case Special::kNone: break;
  }
  return SetResult::kError;
}

Config::SetResult Config::set_dir(std::span<const std::string> args, std::string& err) {
  if (args.size() != 1) {
    err = "wrong number of arguments";
    return SetResult::kError;
  }
  if (c_string(args[0]).empty()) {
    err = "No such file or directory";  // chdir("") fails with ENOENT
    return SetResult::kError;
  }
  special_.dir = resolve_dir(special_.dir, c_string(args[0]));
  return SetResult::kChanged;
}

// setConfigSaveOption. While a file is read its `save` lines add up, the first one replacing
// the defaults; otherwise each call replaces the list.
Config::SetResult Config::set_save(std::span<const std::string> args, std::string& err) {
  if (args.size() == 1 && c_string(args[0]).empty()) {
    special_.save.clear();
    args = {};
  }
  bool valid = args.size() % 2 == 0;
  for (size_t j = 0; valid && j < args.size(); ++j) {
    StrtollResult r = c_strtoll(args[j], 10);
    valid = r.whole && r.value >= (j % 2 == 0 ? 1 : 0);
  }
  if (!valid) {
    err = "Invalid save parameters";
    return SetResult::kError;
  }
  if (!reading_file_ || !save_loaded_) special_.save.clear();
  if (reading_file_) save_loaded_ = true;
  for (size_t j = 0; j < args.size(); j += 2) {
    special_.save.push_back({c_strtoll(args[j], 10).value,
                             static_cast<int32_t>(c_strtoll(args[j + 1], 10).value)});
  }
  return SetResult::kChanged;
}

// updateClientOutputBufferLimit: all groups are checked before any is stored.
Config::SetResult Config::set_obuf_limits(std::span<const std::string> args, std::string& err) {
  if (args.size() % 4 != 0) {
    err = "Wrong number of arguments in buffer limit configuration.";
    return SetResult::kError;
  }
  std::array<std::optional<ClientBufferLimit>, 3> values;
  for (size_t j = 0; j < args.size(); j += 4) {
    int cls = client_class(args[j]);
    if (cls < 0) {
      err = "Invalid client class specified in buffer limit configuration.";
      return SetResult::kError;
    }
    ClientBufferLimit limit;
    StrtollResult seconds = c_strtoll(args[j + 3], 10);
    limit.soft_seconds = static_cast<int32_t>(seconds.value);  // an int in Redis
    if (!parse_memory(args[j + 1], limit.hard_bytes) ||
        !parse_memory(args[j + 2], limit.soft_bytes) || limit.soft_seconds < 0 ||
        !seconds.whole) {
      err = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      return SetResult::kError;
    }
    values[static_cast<size_t>(cls)] = limit;
  }
  for (size_t c = 0; c < values.size(); ++c) {
    if (values[c]) special_.obuf_limits[c] = *values[c];
  }
  return SetResult::kChanged;
}

Config::SetResult Config::set_oom_values(std::span<const std::string> args, std::string& err) {
  if (args.size() != special_.oom_score_adj_values.size()) {
    err = "wrong number of arguments";
    return SetResult::kError;
  }
  std::array<int, 3> values{};
  for (size_t i = 0; i < values.size(); ++i) {
    StrtollResult r = c_strtoll(args[i], 10);
    if (!r.whole || r.value < -2000 || r.value > 2000) {
      err = "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
      return SetResult::kError;
    }
    values[i] = static_cast<int>(r.value);
  }
  if (values == special_.oom_score_adj_values) return SetResult::kUnchanged;
  special_.oom_score_adj_values = values;
  return SetResult::kChanged;
}

// setConfigReplicaOfOption: the old master is forgotten before the port is checked.
Config::SetResult Config::set_replicaof_args(std::span<const std::string> args,
                                             std::string& err) {
  if (args.size() != 2) {
    err = "wrong number of arguments";
    return SetResult::kError;
  }
  special_.replicaof.reset();
  if (equals_nocase(args[0], "no") && equals_nocase(args[1], "one")) return SetResult::kChanged;
  StrtollResult r = c_strtoll(args[1], 10);
  auto port = static_cast<int32_t>(r.value);  // strtol's long lands in an int
  if (port < 0 || port > 65535 || !r.whole) {
    err = "Invalid master port";
    return SetResult::kError;
  }
  special_.replicaof = ReplicaOf{std::string(c_string(args[0])), port};
  return SetResult::kChanged;
}

Config::SetResult Config::set_percentiles(std::span<const std::string> args, std::string& err) {
  std::vector<double> values;
  if (!(args.size() == 1 && args[0].empty())) {
    for (const std::string& a : args) {
      double v = 0;
      if (!parse_double(a, v)) {
        err = "Invalid latency-tracking-info-percentiles parameters";
        return SetResult::kError;
      }
      if (v > 100.0 || v < 0.0) {
        err = "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
        return SetResult::kError;
      }
      values.push_back(v);
    }
  }
  special_.latency_percentiles = std::move(values);
  return SetResult::kChanged;
}

std::string Config::get_special(Special which) const {
  auto join = [](const auto& items, auto format) {
    std::string out;
    for (const auto& item : items) {
      if (&item != &*std::begin(items)) out.push_back(' ');
      out += format(item);
    }
    return out;
  };
  switch (which) {
    case Special::kDir: return special_.dir;
    case Special::kSave:
      return join(special_.save, [](const SaveParam& p) {
        return fmt::format("{} {}", p.seconds, p.changes);
      });
    case Special::kClientOutputBufferLimit: {
      static constexpr std::string_view kNames[] = {"normal", "slave", "pubsub"};
      return join(special_.obuf_limits, [&](const ClientBufferLimit& l) {
        return fmt::format("{} {} {} {}", kNames[&l - special_.obuf_limits.data()], l.hard_bytes,
                           l.soft_bytes, l.soft_seconds);
      });
    }
    case Special::kOomScoreAdjValues:
      return join(special_.oom_score_adj_values, [](int v) { return fmt::format("{}", v); });
    case Special::kNotifyKeyspaceEvents:
      return format_event_classes(special_.notify_keyspace_events);
    case Special::kBind: return join(special_.bind, [](const std::string& a) { return a; });
    case Special::kReplicaof:
      if (!special_.replicaof) return "";
      return fmt::format("{} {}", special_.replicaof->host, special_.replicaof->port);
    case Special::kLatencyTrackingInfoPercentiles:
      return join(special_.latency_percentiles, format_double);
    case Special::kNone: break;
  }
  return "";
}

}  // namespace model
