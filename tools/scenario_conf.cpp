// A node's `conf` lines: loaded by model::Config as redis-server 7.0.15 (or redis-sentinel)
// would load the file, each refused line an error at its array element; then the scenario's
// own rules (port vs address, modules, `sentinel monitor` targets) and one warning per
// accepted directive the simulation does not model.
#include <fmt/format.h>

#include "model/config.h"
#include "model/config_syntax.h"
#include "model/config_table.h"
#include "model/resp.h"
#include "model/sentinel_state.h"
#include "sim/error.h"
#include "tools/scenario_reader.h"

namespace tools::scenario_detail {
namespace {

using jsonc::Value;

// Where each conf line is in the scenario file.
class ConfSite {
 public:
  ConfSite(const NodeSpec& node, const Value* conf, const std::string& path)
      : node_(node), conf_(conf), path_(conf == nullptr ? node.source.path : path) {}

  // `line` is 1-based, as in ConfigLoadError; 0 means the whole file.
  jsonc::Position pos(size_t line) const {
    if (conf_ == nullptr) return node_.source.pos;
    if (line == 0 || line > conf_->items.size()) return conf_->pos;
    return conf_->items[line - 1].pos;
  }
  std::string path(size_t line) const {
    if (conf_ == nullptr || line == 0 || line > conf_->items.size()) return path_;
    return jsonc::item_path(path_, line - 1);
  }

 private:
  const NodeSpec& node_;
  const Value* conf_;
  std::string path_;
};

// A conf line split as Redis splits it, the directive lowercase; empty for blank, comment and
// unsplittable lines.
std::vector<std::string> args_of(std::string_view line) {
  std::string_view trimmed = model::trim_line(line);
  std::vector<std::string> argv;
  if (trimmed.empty() || trimmed[0] == '#' || !model::split_args(trimmed, argv)) return {};
  if (!argv.empty()) argv[0] = model::to_lower(argv[0]);
  return argv;
}

std::string directive_of(std::string_view line) {
  std::vector<std::string> argv = args_of(line);
  return argv.empty() ? "" : argv[0];
}

// The 1-based number of the last line (the first, with `first`) whose directive matches; 0
// when none does.
template <typename Match>
size_t find_line(const std::vector<std::string>& lines, Match match, bool first = false) {
  size_t found = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!match(directive_of(lines[i]))) continue;
    found = i + 1;
    if (first) break;
  }
  return found;
}

std::string program(const NodeSpec& node) {
  return node.sentinel ? "redis-sentinel 7.0" : "redis-server 7.0";
}

void report_load_error(Diagnostics& d, const NodeSpec& node, const ConfSite& site,
                       size_t line, const model::ConfigLoadError& err) {
  std::string hint;
  if (err.kind == model::ConfigLoadError::Kind::kMissingInclude) {
    hint = " (a simulated host has no files besides the node's config)";
  } else if (err.reason == "sentinel directive while not in sentinel mode") {
    hint = " (a Sentinel node has \"sentinel\": true)";
  }
  std::string_view what = line == 0 ? "this config" : "this line";
  d.error(site.pos(line), site.path(line),
          fmt::format("{} refuses {}: {}{}", program(node), what, err.reason, hint));
}

// Loads the lines as Redis would; after a refused line, goes on with the lines after it in a
// fresh Config, so each refused line gets its message. Returns the Config of a clean load.
std::optional<model::Config> load_lines(Diagnostics& d, const NodeSpec& node,
                                        const ConfSite& site) {
  size_t from = 0;  // lines before `from` were read
  while (!d.full()) {
    model::Config config(model::ConfigOptions{.sentinel_mode = node.sentinel});
    std::string text;
    for (size_t i = from; i < node.conf.size(); ++i) text += node.conf[i] + "\n";
    std::optional<model::ConfigLoadError> err = config.load(text);
    if (!err) return from == 0 ? std::optional(std::move(config)) : std::nullopt;
    report_load_error(d, node, site, err->line == 0 ? 0 : from + err->line, *err);
    if (err->line == 0) break;  // a check after the last line: nothing left to read
    from += err->line;
  }
  return std::nullopt;
}

void check_port(Diagnostics& d, const NodeSpec& node, const ConfSite& site,
                const model::Config& config) {
  size_t line = find_line(node.conf, [](const std::string& name) { return name == "port"; });
  if (line == 0 || node.addr.port == 0 || config.port() == node.addr.port) return;
  d.error(site.pos(line), site.path(line),
          fmt::format("port {} does not match the node's address {}", config.port(),
                      node.addr.to_string()));
}

void check_modules(Diagnostics& d, const NodeSpec& node, const ConfSite& site,
                   const model::Config& config) {
  const model::FileDirectives& file = config.file_directives();
  if (!file.modules.empty()) {
    size_t line = find_line(
        node.conf, [](const std::string& name) { return name == "loadmodule"; }, true);
    d.error(site.pos(line), site.path(line),
            fmt::format("a simulated host has no module files: {} would abort with \"Can't "
                        "load module from {}: server aborting\"",
                        program(node), file.modules.front().front()));
  } else if (!file.module_configs.empty()) {
    auto is_module_config = [](const std::string& name) {
      return name.find('.') != std::string::npos;
    };
    size_t line = find_line(node.conf, is_module_config, true);
    d.error(site.pos(line), site.path(line),
            fmt::format("{} would abort with \"Module Configuration detected without "
                        "loadmodule directive or no ApplyConfig call: aborting\"",
                        program(node)));
  }
}

void check_replicaof(Diagnostics& d, const NodeIndex& nodes, const NodeSpec& node,
                     const ConfSite& site, const model::Config& config) {
  const std::optional<model::ReplicaOf>& master = config.replicaof();
  if (!master || master->port < 1 || master->port > 65535) return;
  sim::Address addr{master->host, static_cast<uint16_t>(master->port)};
  if (nodes.by_address(addr) != nullptr) return;
  size_t line = find_line(node.conf, [](const std::string& name) {
    return name == "replicaof" || name == "slaveof";
  });
  d.warning(site.pos(line), site.path(line),
            fmt::format("{}; the replica will try to connect for the whole run",
                        nodes.unknown_address(addr)));
}

// `sentinel monitor <name> <ip> <port> <quorum>`: its target must be a Redis server of the
// scenario. Returns false after reporting a problem.
bool check_monitor(Diagnostics& d, const NodeIndex& nodes, const ConfSite& site,
                   const model::SentinelLine& line) {
  const std::vector<std::string>& args = line.args;
  auto fail = [&](std::string message) {
    d.error(site.pos(line.line), site.path(line.line), std::move(message));
    return false;
  };
  if (args.size() != 5) {
    return fail("wrong number of arguments: expected sentinel monitor <master-name> <ip> "
                "<redis-port> <quorum>");
  }
  int64_t quorum = 0;
  if (!model::parse_ll(args[4], quorum) || quorum < 1) {
    return fail(fmt::format("invalid quorum \"{}\": expected 1 or more", args[4]));
  }
  sim::Address addr;
  try {
    addr = {args[2], sim::parse_port(args[3])};
  } catch (const sim::InputError& e) {
    return fail(e.what());
  }
  const NodeSpec* target = nodes.by_address(addr);
  if (target == nullptr) return fail(nodes.unknown_address(addr));
  if (target->sentinel) {
    return fail(fmt::format("{} is node {}, a Sentinel: expected a Redis server to monitor",
                            addr.to_string(), jsonc::quote(target->name)));
  }
  return true;
}

// The `sentinel` lines as redis-sentinel loads them after the rest (sentinelHandleConfiguration):
// the first line it refuses is reported in its words.
void check_sentinel_lines(Diagnostics& d, const NodeSpec& node, const ConfSite& site,
                          const model::Config& config) {
  model::SentinelState state;
  if (std::optional<model::ConfigLoadError> err = model::load_sentinel_config(config, state, 0)) {
    report_load_error(d, node, site, err->line, *err);
  }
}

void warn_unmodelled(Diagnostics& d, const NodeSpec& node, const ConfSite& site,
                     const model::Config& config) {
  for (model::ConfigId id : config.unmodelled_changes()) {
    const model::ConfigSpec& spec = model::config_spec(id);
    size_t line = find_line(node.conf, [&](const std::string& name) {
      return name == spec.name || (!spec.alias.empty() && name == spec.alias);
    });
    d.warning(site.pos(line), site.path(line),
              fmt::format("\"{}\" is accepted but not simulated: it changes nothing in the run",
                          spec.name));
  }
}

// Accepted lines outside the directive table that change nothing in the simulation.
void warn_ignored_lines(Diagnostics& d, const NodeSpec& node, const ConfSite& site) {
  for (size_t i = 0; i < node.conf.size(); ++i) {
    std::vector<std::string> argv = args_of(node.conf[i]);
    std::string message;
    if (argv.empty()) continue;
    if (argv[0] == "user") {
      message = "\"user\" is accepted but not simulated: ACL rules are not checked";
    } else if (argv[0] == "include" && argv.size() == 2) {
      message = fmt::format("include {}: no file on a simulated host matches it", argv[1]);
    } else if (argv.size() == 2 && model::is_deprecated_directive(argv[0])) {
      message = fmt::format("\"{}\" is deprecated: Redis 7.0 accepts and ignores it", argv[0]);
    }
    if (!message.empty()) d.warning(site.pos(i + 1), site.path(i + 1), std::move(message));
  }
}

}  // namespace

void check_node_config(Diagnostics& d, const NodeIndex& nodes, const NodeSpec& node,
                       const Value* conf, const std::string& conf_path) {
  ConfSite site(node, conf, conf_path);
  std::optional<model::Config> config = load_lines(d, node, site);
  if (!config) return;
  check_port(d, node, site, *config);
  check_modules(d, node, site, *config);
  check_replicaof(d, nodes, node, site, *config);
  bool monitors_ok = true;
  for (const model::SentinelLine& line : config->file_directives().sentinel_lines) {
    if (!line.args.empty() && model::to_lower(line.args[0]) == "monitor") {
      monitors_ok = check_monitor(d, nodes, site, line) && monitors_ok;
    }
  }
  if (node.sentinel && monitors_ok) check_sentinel_lines(d, node, site, *config);
  warn_unmodelled(d, node, site, *config);
  warn_ignored_lines(d, node, site);
}

}  // namespace tools::scenario_detail
