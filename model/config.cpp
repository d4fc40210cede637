// Config: defaults, the per-process dict order, and set / get for bool, string, enum and
// number directives (config.c's boolConfigSet, stringConfigSet, enumConfigSet,
// numericConfigSet and their get functions).
#include "model/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "model/config_syntax.h"
#include "sim/rng.h"

namespace model {
namespace {

using namespace config_flag;

constexpr int64_t kShutdownSave = 1, kShutdownNosave = 2;  // SHUTDOWN_SAVE, SHUTDOWN_NOSAVE
constexpr size_t kNetHostStrLen = 256;                     // NET_HOST_STR_LEN
constexpr int kSentinelPort = 26379;                       // REDIS_SENTINEL_PORT

// !pathIsBaseName (util.c).
bool is_path(std::string_view s) { return c_string(s).find_first_of("/\\") != std::string::npos; }

bool is_hostname_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.';
}

// The sds-typed strings keep every byte; the char* ones are C strings (createSDSConfig).
bool is_binary_safe(const ConfigSpec& spec) {
  return spec.id == ConfigId::kMasterauth || spec.id == ConfigId::kRequirepass;
}

std::string enum_error(const ConfigSpec& spec) {
  std::string err = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < spec.names.size(); ++i) {
    if (i > 0) err += ", ";
    err += spec.names[i].name;
  }
  return err;
}

// The default of a special directive, as CONFIG GET shows it (initServerConfig).
std::string special_default(Special which, const std::string& cwd) {
  switch (which) {
    case Special::kDir: return cwd;
    case Special::kSave: return "3600 1 300 100 60 10000";
    case Special::kClientOutputBufferLimit:
      return "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
    case Special::kOomScoreAdjValues: return "0 200 800";
    case Special::kBind: return "* -::*";
    case Special::kLatencyTrackingInfoPercentiles: return "50 99 99.9";
    case Special::kNotifyKeyspaceEvents:
    case Special::kReplicaof:
    case Special::kNone: break;
  }
  return "";
}

}  // namespace

Config::Config(ConfigOptions options) : options_(std::move(options)) {
  for (const ConfigSpec& spec : config_table()) {
    numbers_[index_of(spec.id)] = spec.default_number;
    if (spec.default_text != nullptr) strings_[index_of(spec.id)] = spec.default_text;
  }
  special_.dir = options_.cwd;
  special_.save = {{3600, 1}, {300, 100}, {60, 10000}};
  special_.obuf_limits = kDefaultObufLimits;
  special_.oom_score_adj_values = kDefaultOomScoreAdjValues;
  special_.bind = {"*", "-::*"};
  special_.latency_percentiles = {50.0, 99.0, 99.9};
  if (options_.sentinel_mode) {  // initSentinelConfig
    numbers_[index_of(ConfigId::kPort)] = kSentinelPort;
    numbers_[index_of(ConfigId::kProtectedMode)] = 0;
  }
  // The configs dict's iteration order: entries sorted by a hash keyed with the seed.
  std::span<const ConfigName> names = config_names();
  std::vector<uint64_t> keys(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    uint64_t state = options_.hash_seed ^ sim::hash_name(names[i].name);
    keys[i] = sim::splitmix64(state);
  }
  dict_order_.resize(names.size());
  std::iota(dict_order_.begin(), dict_order_.end(), uint16_t{0});
  auto before = [&](uint16_t a, uint16_t b) {
    return keys[a] != keys[b] ? keys[a] < keys[b] : a < b;
  };
  std::sort(dict_order_.begin(), dict_order_.end(), before);
  dict_rank_.resize(names.size());
  for (size_t pos = 0; pos < dict_order_.size(); ++pos) {
    dict_rank_[dict_order_[pos]] = static_cast<uint16_t>(pos);
  }
}

Config::SetResult Config::set(const ConfigSpec& spec, std::span<const std::string> args,
                              std::string& err) {
  switch (spec.type) {
    case ConfigType::kBool: return set_bool(spec, args[0], err);
    case ConfigType::kString: return set_string(spec, args[0], err);
    case ConfigType::kEnum: return set_enum(spec, args, err);
    case ConfigType::kNumber: return set_number(spec, args[0], err);
    case ConfigType::kSpecial: return set_special(spec.special, args, err);
  }
  return SetResult::kError;
}

Config::SetResult Config::set_bool(const ConfigSpec& spec, std::string_view arg,
                                   std::string& err) {
  int64_t value = 0;
  if (equals_nocase(arg, "yes")) {
    value = 1;
  } else if (!equals_nocase(arg, "no")) {
    err = "argument must be 'yes' or 'no'";
    return SetResult::kError;
  }
  if (!passes_check(spec, arg, value, err)) return SetResult::kError;
  int64_t& slot = numbers_[index_of(spec.id)];
  if (slot == value) return SetResult::kUnchanged;
  slot = value;
  return SetResult::kChanged;
}

Config::SetResult Config::set_string(const ConfigSpec& spec, const std::string& arg,
                                     std::string& err) {
  if (!passes_check(spec, arg, 0, err)) return SetResult::kError;
  std::string value = is_binary_safe(spec) ? arg : std::string(c_string(arg));
  std::optional<std::string> next;
  if (!(spec.has(kEmptyIsNull) && value.empty())) next = std::move(value);
  std::optional<std::string>& slot = strings_[index_of(spec.id)];
  if (slot == next) return SetResult::kUnchanged;
  slot = std::move(next);
  return SetResult::kChanged;
}

// configEnumGetValue: one name, or with kMultiArg several whose values are OR'ed.
Config::SetResult Config::set_enum(const ConfigSpec& spec, std::span<const std::string> args,
                                   std::string& err) {
  bool bitflags = spec.has(kMultiArg);
  int64_t value = 0;
  bool valid = !args.empty() && (bitflags || args.size() == 1);
  for (size_t i = 0; valid && i < args.size(); ++i) {
    bool matched = false;
    for (const EnumName& e : spec.names) {
      if (!equals_nocase(args[i], e.name)) continue;
      value |= e.value;
      matched = true;
    }
    valid = matched;
  }
  if (!valid) {
    err = enum_error(spec);
    return SetResult::kError;
  }
  if (!passes_check(spec, "", value, err)) return SetResult::kError;
  int64_t& slot = numbers_[index_of(spec.id)];
  if (slot == value) return SetResult::kUnchanged;
  slot = value;
  return SetResult::kChanged;
}

// numericParseString then numericBoundaryCheck.
Config::SetResult Config::set_number(const ConfigSpec& spec, std::string_view arg,
                                     std::string& err) {
  int64_t value = 0;
  bool parsed = false;
  bool memory = spec.syntax == NumberSyntax::kMemory ||
                spec.syntax == NumberSyntax::kMemoryOrPercent;
  bool percent = spec.syntax == NumberSyntax::kMemoryOrPercent;
  uint64_t bytes = 0;
  if (memory && parse_memory(arg, bytes)) {
    value = static_cast<int64_t>(bytes);
    parsed = true;
  }
  if (!parsed && percent && arg.size() > 1 && arg.back() == '%' &&
      parse_ll(arg.substr(0, arg.size() - 1), value) && value >= 0) {
    value = -value;  // percentages are stored negated
    parsed = true;
  }
  if (!parsed && spec.syntax == NumberSyntax::kOctal) {
    StrtollResult r = c_strtoll(arg, 8);
    value = r.value;
    parsed = r.whole && !r.overflow;
  }
  if (!parsed && spec.syntax == NumberSyntax::kInteger) parsed = parse_ll(arg, value);
  if (!parsed) {
    err = percent ? "argument must be a memory or percent value"
          : memory ? "argument must be a memory value"
          : spec.syntax == NumberSyntax::kOctal ? "argument couldn't be parsed as an octal number"
                                                : "argument couldn't be parsed into an integer";
    return SetResult::kError;
  }
  if (spec.has(kUnsigned)) {
    auto u = static_cast<uint64_t>(value);
    auto lo = static_cast<uint64_t>(spec.lower), hi = static_cast<uint64_t>(spec.upper);
    if (u < lo || u > hi) {
      err = spec.syntax == NumberSyntax::kOctal
                ? fmt::format("argument must be between {:o} and {:o} inclusive", lo, hi)
                : fmt::format("argument must be between {} and {} inclusive", lo, hi);
      return SetResult::kError;
    }
  } else if (percent && value < 0) {
    if (value < spec.lower) {
      err = fmt::format("percentage argument must be less or equal to {}", -spec.lower);
      return SetResult::kError;
    }
  } else if (value < spec.lower || value > spec.upper) {
    err = fmt::format("argument must be between {} and {} inclusive", spec.lower, spec.upper);
    return SetResult::kError;
  }
  int64_t& slot = numbers_[index_of(spec.id)];
  if (slot == value) return SetResult::kUnchanged;
  slot = value;
  return SetResult::kChanged;
}

// The is_valid_fn of config.c's table.
bool Config::passes_check(const ConfigSpec& spec, std::string_view text, int64_t n,
                          std::string& err) const {
  std::string_view s = c_string(text);
  switch (spec.check) {
    case ConfigCheck::kNone: return true;
    case ConfigCheck::kActiveDefrag:  // the reference build has no HAVE_DEFRAG
      if (n != 0) {
        err = "Active defragmentation cannot be enabled: it requires a Redis server compiled "
              "with a modified Jemalloc like the one shipped by default with the Redis source "
              "distribution";
      }
      return n == 0;
    case ConfigCheck::kDbFilename:
      if (is_path(s)) err = "dbfilename can't be a path, just a filename";
      return !is_path(s);
    case ConfigCheck::kAofFilename:
      if (s.empty()) err = "appendfilename can't be empty";
      else if (is_path(s)) err = "appendfilename can't be a path, just a filename";
      return !s.empty() && !is_path(s);
    case ConfigCheck::kAofDirname:
      if (s.empty()) err = "appenddirname can't be empty";
      else if (is_path(s)) err = "appenddirname can't be a path, just a dirname";
      return !s.empty() && !is_path(s);
    case ConfigCheck::kShutdownFlags:
      if ((n & kShutdownSave) && (n & kShutdownNosave)) {
        err = "shutdown options SAVE and NOSAVE can't be used simultaneously";
        return false;
      }
      return true;
    case ConfigCheck::kAnnouncedHostname:
      if (s.size() >= kNetHostStrLen) err = "Hostnames must be less than 256 characters";
      else if (!std::all_of(s.begin(), s.end(), is_hostname_char)) {
        err = "Hostnames may only contain alphanumeric characters, hyphens or dots";
      }
      return err.empty();
    case ConfigCheck::kProcTitleTemplate:
      if (!valid_proc_title(s)) err = "template format is invalid or contains unknown variables";
      return err.empty();
  }
  return true;
}

// validateProcTitleTemplate: sdstemplate expansion with an empty title must succeed and not be
// blank. Only whether a variable expands to "" matters, so values are stand-ins.
bool Config::valid_proc_title(std::string_view tmpl) const {
  std::string out;
  size_t p = 0;
  while (p < tmpl.size()) {
    size_t open = tmpl.find('{', p);
    out.append(tmpl.substr(p, open - p));
    if (open == std::string_view::npos) break;
    if (open + 1 == tmpl.size()) return false;
    if (tmpl[open + 1] == '{') {  // "{{" is a literal '{'
      out.push_back('{');
      p = open + 2;
      continue;
    }
    size_t close = tmpl.find('}', open + 1);
    if (close == std::string_view::npos) return false;
    std::string_view var = tmpl.substr(open + 1, close - open - 1);
    if (var == "server-mode") {
      out += yes(ConfigId::kClusterEnabled) ? "[cluster]" : sentinel_mode() ? "[sentinel]" : "";
    } else if (var == "unixsocket") {
      out += text(ConfigId::kUnixsocket).value_or("");
    } else if (var == "listen-addr" || var == "config-file" || var == "port" ||
               var == "tls-port") {
      out += "x";  // never empty
    } else if (var != "title") {
      return false;
    }
    p = close + 1;
  }
  return out.find_first_not_of(' ') != std::string::npos;
}

std::string Config::enum_names(const ConfigSpec& spec, int64_t value) const {
  bool bitflags = spec.has(kMultiArg);
  std::string names;
  int64_t unmatched = value;
  for (const EnumName& e : spec.names) {
    if (value == e.value) return std::string(e.name);
    // Bitflags: names listed high to low would win; Redis's lists go low to high anyway.
    if (bitflags && e.value != 0 && e.value == (unmatched & e.value)) {
      if (!names.empty()) names += ' ';
      names += e.name;
      unmatched &= ~static_cast<int64_t>(e.value);
    }
  }
  return (names.empty() || unmatched != 0) ? "unknown" : names;
}

std::string Config::get(ConfigId id) const {
  const ConfigSpec& spec = config_spec(id);
  int64_t n = number(id);
  switch (spec.type) {
    case ConfigType::kBool: return n != 0 ? "yes" : "no";
    case ConfigType::kString: return text(id).value_or("");
    case ConfigType::kEnum: return enum_names(spec, n);
    case ConfigType::kSpecial: return get_special(spec.special);
    case ConfigType::kNumber: break;
  }
  if (spec.syntax == NumberSyntax::kMemoryOrPercent && n < 0) return fmt::format("{}%", -n);
  if (spec.syntax == NumberSyntax::kMemory || spec.syntax == NumberSyntax::kMemoryOrPercent) {
    return fmt::format("{}", static_cast<uint64_t>(n));
  }
  if (spec.syntax == NumberSyntax::kOctal) return fmt::format("{:o}", static_cast<uint64_t>(n));
  return fmt::format("{}", n);
}

bool Config::is_default(ConfigId id) const {
  const ConfigSpec& spec = config_spec(id);
  switch (spec.type) {
    case ConfigType::kString:
      return spec.default_text == nullptr ? !text(id).has_value()
                                          : text(id) == std::string(spec.default_text);
    case ConfigType::kSpecial: return get(id) == special_default(spec.special, options_.cwd);
    case ConfigType::kBool:
    case ConfigType::kEnum:
    case ConfigType::kNumber: break;
  }
  return number(id) == spec.default_number;
}

std::vector<ConfigId> Config::unmodelled_changes() const {
  std::vector<ConfigId> changed;
  for (const ConfigSpec& spec : config_table()) {
    if (!spec.has(kModelled) && !is_default(spec.id)) changed.push_back(spec.id);
  }
  return changed;
}

}  // namespace model
