// Config::load: config.c's loadServerConfig and loadServerConfigFromString, and the error
// report redis-server prints before exiting.
#include <fmt/format.h>

#include <algorithm>

#include "model/config.h"
#include "model/config_syntax.h"

namespace model {
namespace {

using namespace config_flag;
using Kind = ConfigLoadError::Kind;

constexpr size_t kConfigReadLen = 1024;  // CONFIG_READ_LEN

// loadServerConfig reads the file with fgets into a CONFIG_READ_LEN buffer and sdscat's each
// chunk, which stops at a NUL: a NUL drops the bytes after it up to the chunk's end.
std::string read_like_fgets(std::string_view file) {
  std::string out;
  size_t pos = 0;
  while (pos < file.size()) {
    size_t newline = file.find('\n', pos);
    size_t end = std::min({newline == std::string_view::npos ? file.size() : newline + 1,
                           pos + kConfigReadLen, file.size()});
    out.append(c_string(file.substr(pos, end - pos)));
    pos = end;
  }
  return out;
}

// sdssplitlen(text, "\n"): "" has no lines; a final newline leaves a last, empty line.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  if (text.empty()) return lines;
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string_view::npos; nl = text.find('\n', start)) {
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  lines.push_back(text.substr(start));
  return lines;
}

bool has_wildcard(std::string_view path) {
  return c_string(path).find_first_of("*?[") != std::string_view::npos;
}

}  // namespace

std::string ConfigLoadError::redis_output() const {
  if (kind == Kind::kMissingInclude) return reason;
  std::string out = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n";
  if (line > 0) {
    out += fmt::format("Reading the configuration file, at line {}\n>>> '{}'\n", line,
                       line_text);
  }
  return out + reason + "\n";
}

std::string ConfigLoadError::describe(std::string_view file_name) const {
  if (line == 0) return fmt::format("{}: {}", file_name, reason);
  return fmt::format("{}:{}: {}", file_name, line, reason);
}

std::optional<ConfigLoadError> Config::load(std::string_view file_text) {
  reading_file_ = true;
  return load_lines(read_like_fgets(file_text));
}

// loadServerConfigFromString.
std::optional<ConfigLoadError> Config::load_lines(std::string_view text) {
  std::vector<std::string_view> lines = split_lines(text);
  std::vector<std::string> argv;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = trim_line(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    if (!split_args(line, argv)) {
      return ConfigLoadError{Kind::kBadLine, i + 1, std::string(line),
                             "Unbalanced quotes in configuration line"};
    }
    if (argv.empty()) continue;
    argv[0] = to_lower(argv[0]);
    if (auto err = load_line(argv, i + 1, line)) return err;
  }
  return finish_load();
}

// One directive: the table's, then the deprecated ones, then those only a file may hold.
std::optional<ConfigLoadError> Config::load_line(const std::vector<std::string>& argv,
                                                 size_t line, std::string_view text) {
  auto fail = [&](std::string reason) {
    return ConfigLoadError{Kind::kBadLine, line, std::string(text), std::move(reason)};
  };
  if (const ConfigName* name = find_config(argv[0])) {
    if (auto err = load_standard(config_spec(name->id), argv)) return fail(std::move(*err));
    return std::nullopt;
  }
  if (is_deprecated_directive(argv[0]) && argv.size() == 2) return std::nullopt;
  std::optional<FileDirective> kind = find_file_directive(argv[0]);
  std::span<const std::string> rest = std::span(argv).subspan(1);
  std::optional<std::string> err;
  if (kind == FileDirective::kInclude && argv.size() == 2) {
    // Nothing on the simulated disk matches a pattern, and a named file does not exist.
    if (has_wildcard(argv[1])) return load_lines("");
    return ConfigLoadError{Kind::kMissingInclude, line, std::string(text),
                           fmt::format("Fatal error, can't open config file '{}': No such file "
                                       "or directory", c_string(argv[1]))};
  } else if (kind == FileDirective::kRenameCommand && argv.size() == 3) {
    err = rename_command(argv[1], argv[2]);
  } else if (kind == FileDirective::kUser && argv.size() >= 2) {
    err = add_user(rest);
  } else if (kind == FileDirective::kLoadmodule && argv.size() >= 2) {
    file_.modules.emplace_back(rest.begin(), rest.end());
  } else if (argv[0].find('.') != std::string::npos) {
    if (argv.size() < 2) return fail("Module config specified without value");
    add_module_config(argv);
  } else if (kind == FileDirective::kSentinel) {
    if (argv.size() == 1) return std::nullopt;  // `--sentinel`, handled by main()
    if (!sentinel_mode()) return fail("sentinel directive while not in sentinel mode");
    file_.sentinel_lines.push_back({line, std::string(text), {rest.begin(), rest.end()}});
  } else {
    return fail("Bad directive or wrong number of arguments");
  }
  if (err) return fail(std::move(*err));
  return std::nullopt;
}

std::optional<std::string> Config::load_standard(const ConfigSpec& spec,
                                                 std::span<const std::string> argv) {
  bool multi = spec.has(kMultiArg);
  if (!multi && argv.size() != 2) return "wrong number of arguments";
  std::vector<std::string> args;
  if (multi && argv.size() == 2 && !argv[1].empty()) {
    // `save "900 1 300 10"`: a single argument is split again; unbalanced quotes give none.
    if (!split_args(argv[1], args)) args.clear();
  } else {
    args.assign(argv.begin() + 1, argv.end());
  }
  std::string err;
  if (set(spec, args, err) == SetResult::kError) return err;
  return std::nullopt;
}

// rename-command: lookupCommandBySds, dictDelete, then dictAdd under the new name. Redis
// 7.0.15 asserts on a "container|subcommand" name; here it is "No such command".
std::optional<std::string> Config::rename_command(const std::string& from,
                                                  const std::string& to) {
  std::string key = to_lower(from);
  std::string command;
  if (auto it = command_aliases_.find(key); it != command_aliases_.end()) {
    command = it->second;
    command_aliases_.erase(it);
  } else if (is_command_name(key, sentinel_mode()) && !file_.renamed_commands.contains(key)) {
    command = key;
  } else {
    return "No such command in rename-command";
  }
  file_.renamed_commands[command] = "";
  if (to.empty()) return std::nullopt;
  std::string new_key = to_lower(to);
  bool taken = command_aliases_.contains(new_key) ||
               (is_command_name(new_key, sentinel_mode()) &&
                !file_.renamed_commands.contains(new_key));
  if (taken) return "Target command name already exists";
  command_aliases_[new_key] = command;
  file_.renamed_commands[command] = to;
  return std::nullopt;
}

// ACLAppendUserForLoading, without checking the rules: ACL is not modelled.
std::optional<std::string> Config::add_user(std::span<const std::string> args) {
  const std::string& name = args[0];
  if (file_.users.contains(name)) {
    return fmt::format("Error in user declaration '{}': Duplicate user found. A user can only "
                       "be defined once in config files", c_string(name));
  }
  file_.users[name].assign(args.begin() + 1, args.end());
  return std::nullopt;
}

// module_configs_queue is a dict: a name given twice keeps its last value.
void Config::add_module_config(std::span<const std::string> argv) {
  std::string value = argv[1];
  for (size_t i = 2; i < argv.size(); ++i) value += " " + argv[i];
  auto same = [&](const auto& entry) { return entry.first == argv[0]; };
  auto it = std::find_if(file_.module_configs.begin(), file_.module_configs.end(), same);
  if (it != file_.module_configs.end()) {
    it->second = std::move(value);
  } else {
    file_.module_configs.emplace_back(argv[0], std::move(value));
  }
}

// The checks after the last line. The logfile one cannot fail on the simulated host.
std::optional<ConfigLoadError> Config::finish_load() {
  reading_file_ = false;
  if (yes(ConfigId::kClusterEnabled) && special_.replicaof) {
    return ConfigLoadError{Kind::kBadLine, 0, "",
                           "replicaof directive not allowed in cluster mode"};
  }
  int64_t& hz = numbers_[index_of(ConfigId::kHz)];
  hz = std::clamp<int64_t>(hz, kConfigMinHz, kConfigMaxHz);
  return std::nullopt;
}

}  // namespace model
