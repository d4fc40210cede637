// CONFIG GET and CONFIG SET (config.c configGetCommand, configSetCommand).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "model/config.h"
#include "model/config_syntax.h"

namespace model {
namespace {

using namespace config_flag;

constexpr int64_t kProtectedAllowedYes = 1, kProtectedAllowedLocal = 2;  // PROTECTED_ACTION_*

RespValue set_failed(std::string_view name, std::string_view err) {
  return RespValue::error(
      fmt::format("ERR CONFIG SET failed (possibly related to argument '{}') - {}", name, err));
}

// performInterfaceSet: a kMultiArg value is split on every single space (sdssplitlen), so
// "" gives no argument and two spaces give an empty one.
std::vector<std::string> split_value(const ConfigSpec& spec, const std::string& value) {
  if (!spec.has(kMultiArg)) return {value};
  std::vector<std::string> parts;
  for (size_t start = 0; !value.empty();) {
    size_t space = value.find(' ', start);
    parts.push_back(value.substr(start, space - start));
    if (space == std::string::npos) break;
    start = space + 1;
  }
  return parts;
}

}  // namespace

RespValue Config::config_get(std::span<const std::string> args) const {
  if (args.empty()) {
    return RespValue::error("ERR wrong number of arguments for 'config|get' command");
  }
  struct Match {
    uint16_t rank;  // the reply follows this process's dict order
    std::string key;
    ConfigId id;
  };
  std::vector<Match> matches;
  std::set<std::string> seen;  // lowercase names: dictFind(matches) ignores case
  std::span<const ConfigName> names = config_names();
  for (const std::string& arg : args) {
    std::string_view pattern = c_string(arg);
    if (pattern.find_first_of("[*?") == std::string_view::npos) {
      const ConfigName* name = find_config(pattern);
      if (name == nullptr || !seen.insert(to_lower(pattern)).second) continue;
      auto index = static_cast<size_t>(name - names.data());
      matches.push_back({dict_rank_[index], std::string(pattern), name->id});
      continue;
    }
    for (uint16_t i : dict_order_) {  // hidden directives need their exact name
      if (config_spec(names[i].id).has(kHidden) || seen.contains(std::string(names[i].name))) {
        continue;
      }
      if (!glob_match(pattern, names[i].name, true)) continue;
      seen.emplace(names[i].name);
      matches.push_back({dict_rank_[i], std::string(names[i].name), names[i].id});
    }
  }
  std::sort(matches.begin(), matches.end(),
            [](const Match& a, const Match& b) { return a.rank < b.rank; });
  std::vector<RespValue> reply;
  for (const Match& m : matches) {
    reply.push_back(RespValue::bulk(m.key));
    reply.push_back(RespValue::bulk(get(m.id)));
  }
  return RespValue::array(std::move(reply));
}

// Three phases as in Redis: check every name, set every value (restoring all on an error),
// then run each distinct apply function once (restoring and re-applying on an error).
RespValue Config::config_set(std::span<const std::string> args, const ConfigSetContext& context) {
  if (args.size() < 2) {
    return RespValue::error("ERR wrong number of arguments for 'config|set' command");
  }
  if (args.size() % 2 != 0) return RespValue::error("ERR syntax error");
  size_t count = args.size() / 2;
  std::vector<const ConfigName*> found(count, nullptr);
  std::string_view unknown, err_name;
  std::string err;
  bool invalid = false, deny_loading = false;
  int64_t protected_allowed = number(ConfigId::kEnableProtectedConfigs);
  bool may_set_protected = protected_allowed == kProtectedAllowedYes ||
                           (protected_allowed == kProtectedAllowedLocal && context.local_client);
  for (size_t i = 0; i < count && !invalid; ++i) {
    const std::string& name = args[2 * i];
    const ConfigName* entry = find_config(name);
    const ConfigSpec* spec = entry ? &config_spec(entry->id) : nullptr;
    if (spec == nullptr) {
      unknown = c_string(name);
    } else if (spec->has(kImmutable) || (spec->has(kProtected) && !may_set_protected)) {
      err = spec->has(kImmutable) ? "can't set immutable config" : "can't set protected config";
      err_name = c_string(name);
    } else if (context.loading && spec->has(kDenyLoading)) {
      deny_loading = true;
    } else if (std::find(found.begin(), found.begin() + static_cast<ptrdiff_t>(i), entry) !=
               found.begin() + static_cast<ptrdiff_t>(i)) {
      err = "duplicate parameter";  // an alias is another entry: not a duplicate
      err_name = c_string(name);
    }
    invalid = spec == nullptr || !err.empty() || deny_loading;
    found[i] = entry;
  }
  if (deny_loading) return RespValue::error("LOADING Redis is loading the dataset in memory");
  if (!unknown.empty() || (invalid && err.empty())) {
    return RespValue::error(
        fmt::format("ERR Unknown option or number of arguments for CONFIG SET - '{}'", unknown));
  }
  if (invalid) return set_failed(err_name, err);

  auto saved_numbers = numbers_;
  auto saved_strings = strings_;
  SpecialValues saved_special = special_;
  auto restore = [&] {
    numbers_ = saved_numbers;
    strings_ = saved_strings;
    special_ = saved_special;
  };
  std::vector<std::pair<ConfigApply, size_t>> applies;  // in order of first change
  for (size_t i = 0; i < count; ++i) {
    const ConfigSpec& spec = config_spec(found[i]->id);
    SetResult result = set(spec, split_value(spec, args[2 * i + 1]), err);
    if (result == SetResult::kError) {
      restore();
      return set_failed(found[i]->name, err);
    }
    bool known = std::any_of(applies.begin(), applies.end(),
                             [&](const auto& a) { return a.first == spec.apply; });
    if (result == SetResult::kChanged && spec.apply != ConfigApply::kNone && !known) {
      applies.emplace_back(spec.apply, i);
    }
  }
  for (const auto& [apply, i] : applies) {
    err = run_apply(apply, context);
    if (err.empty()) continue;
    restore();
    for (const auto& again : applies) run_apply(again.first, context);
    return set_failed(found[i]->name, err);
  }
  return RespValue::ok();
}

std::string Config::run_apply(ConfigApply apply, const ConfigSetContext& context) {
  if (apply == ConfigApply::kHz) {  // updateHZ
    int64_t& hz = numbers_[index_of(ConfigId::kHz)];
    hz = std::clamp<int64_t>(hz, kConfigMinHz, kConfigMaxHz);
  } else if (apply == ConfigApply::kReplBacklogSize) {  // resizeReplicationBacklog
    int64_t& size = numbers_[index_of(ConfigId::kReplBacklogSize)];
    size = std::max(size, kReplBacklogMinSize);
  }
  return context.apply ? context.apply(apply) : std::string();
}

}  // namespace model
