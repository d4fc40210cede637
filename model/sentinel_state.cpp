// Sentinel's records and their dicts, and sentinel.conf loading (sentinel.c
// createSentinelRedisInstance, createSentinelAddr, sentinelHandleConfiguration).
#include "model/sentinel_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

#include "model/config_syntax.h"
#include "model/keyspace_util.h"

namespace model {
namespace {

// anetResolve with ANET_IP_ONLY: a dotted quad or an IPv6 literal.
bool is_ip_literal(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view part = host.substr(start, dot == std::string_view::npos ? host.npos
                                                                             : dot - start);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(part)) > 255) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

}  // namespace

std::string_view failover_state_name(FailoverState state) {
  switch (state) {
    case FailoverState::kNone: return "none";
    case FailoverState::kWaitStart: return "wait_start";
    case FailoverState::kSelectSlave: return "select_slave";
    case FailoverState::kSendSlaveofNoone: return "send_slaveof_noone";
    case FailoverState::kWaitPromotion: return "wait_promotion";
    case FailoverState::kReconfSlaves: return "reconf_slaves";
    case FailoverState::kUpdateConfig: return "update_config";
  }
  return "unknown";
}

std::string_view SentinelInstance::type_name() const {
  return is(sri::kMaster) ? "master" : is(sri::kSlave) ? "slave" : "sentinel";
}

std::string instance_address(const sim::Address& addr) {
  if (addr.host.find(':') != std::string::npos) return fmt::format("[{}]:{}", addr.host, addr.port);
  return fmt::format("{}:{}", addr.host, addr.port);
}

// --- InstanceDict ------------------------------------------------------------------------------

SentinelInstance* InstanceDict::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

SentinelInstance& InstanceDict::insert(std::unique_ptr<SentinelInstance> instance) {
  uint64_t rank = order_hash(instance->name, seed_);
  auto at = std::upper_bound(order_.begin(), order_.end(), rank);
  auto index = at - order_.begin();
  order_.insert(at, rank);
  by_name_.emplace(instance->name, instance.get());
  auto it = entries_.insert(entries_.begin() + index, std::move(instance));
  return **it;
}

std::unique_ptr<SentinelInstance> InstanceDict::take(const SentinelInstance& instance) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].get() != &instance) continue;
    std::unique_ptr<SentinelInstance> out = std::move(entries_[i]);
    by_name_.erase(out->name);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    order_.erase(order_.begin() + static_cast<std::ptrdiff_t>(i));
    return out;
  }
  return nullptr;
}

std::vector<std::unique_ptr<SentinelInstance>> InstanceDict::take_all() {
  order_.clear();
  by_name_.clear();
  return std::exchange(entries_, {});
}

// --- Records -----------------------------------------------------------------------------------

SentinelInstance* create_instance(SentinelState& state, std::string_view name, uint32_t kind,
                                  const std::string& host, int64_t port, unsigned quorum,
                                  SentinelInstance* master, int64_t now, std::string& error) {
  if (port < 0 || port > 65535) {
    error = "Invalid port number.";
    return nullptr;
  }
  if (!state.resolve_hostnames && !is_ip_literal(host)) {
    error = "Can't resolve instance hostname.";
    return nullptr;
  }
  auto ri = std::make_unique<SentinelInstance>();
  ri->flags = kind;
  ri->addr = sim::Address{host, static_cast<uint16_t>(port)};
  ri->name = kind == sri::kSlave ? instance_address(ri->addr) : std::string(name);
  InstanceDict& table = kind == sri::kMaster  ? state.masters
                        : kind == sri::kSlave ? master->slaves
                                              : master->sentinels;
  if (table.find(ri->name) != nullptr) {
    error = kind == sri::kMaster  ? "Duplicate master name."
            : kind == sri::kSlave ? "Duplicate hostname and port for replica."
                                  : "Duplicate runid for sentinel.";
    return nullptr;
  }
  ri->link = std::make_shared<InstanceLink>(now);
  ri->last_pub_time = now;
  ri->last_hello_time = now;
  ri->last_master_down_reply_time = now;
  ri->down_after_period = master ? master->down_after_period : state.timers.default_down_after;
  ri->failover_timeout = state.timers.default_failover_timeout;
  ri->quorum = quorum;
  ri->master = master;
  ri->sentinels = InstanceDict(state.dict_seed);
  ri->slaves = InstanceDict(state.dict_seed);
  ri->role_reported = kind & (sri::kMaster | sri::kSlave);
  ri->role_reported_time = now;
  ri->slave_conf_change_time = now;
  return &table.insert(std::move(ri));
}

// --- sentinel.conf -----------------------------------------------------------------------------

namespace {

// The options loaded before the `monitor` lines (preMonitorCfgName).
constexpr std::string_view kPreMonitorOptions[] = {
    "announce-ip",    "announce-port",     "deny-scripts-reconfig", "sentinel-user",
    "sentinel-pass",  "current-epoch",     "myid",                  "resolve-hostnames",
    "announce-hostnames"};

std::optional<bool> yes_no(std::string_view s) {  // yesnotoi
  if (equals_nocase(s, "yes")) return true;
  if (equals_nocase(s, "no")) return false;
  return std::nullopt;
}

// sentinelHandleConfiguration: nullopt, or the error text.
std::optional<std::string> handle_line(SentinelState& state, std::span<const std::string> argv,
                                       int64_t now) {
  size_t argc = argv.size();
  auto is = [&](std::string_view option, size_t n) {
    return argc == n && equals_nocase(argv[0], option);
  };
  std::string error;
  SentinelInstance* ri = nullptr;
  // Options naming a master find it first.
  auto master = [&]() -> bool {
    ri = state.masters.find(argv[1]);
    return ri != nullptr;
  };
  constexpr std::string_view kNoMaster = "No such master with specified name.";

  if (is("monitor", 5)) {
    int64_t quorum = c_strtoll(argv[4], 10).value;
    if (quorum <= 0) return "Quorum must be 1 or greater.";
    if (!create_instance(state, argv[1], sri::kMaster, argv[2], c_strtoll(argv[3], 10).value,
                         static_cast<unsigned>(quorum), nullptr, now, error)) {
      return error;
    }
  } else if (is("down-after-milliseconds", 3)) {
    if (!master()) return std::string(kNoMaster);
    ri->down_after_period = c_strtoll(argv[2], 10).value;
    if (ri->down_after_period <= 0) return "negative or zero time parameter.";
    for (const auto& s : ri->slaves) s->down_after_period = ri->down_after_period;
    for (const auto& s : ri->sentinels) s->down_after_period = ri->down_after_period;
  } else if (is("failover-timeout", 3)) {
    if (!master()) return std::string(kNoMaster);
    ri->failover_timeout = c_strtoll(argv[2], 10).value;
    if (ri->failover_timeout <= 0) return "negative or zero time parameter.";
  } else if (is("parallel-syncs", 3)) {
    if (!master()) return std::string(kNoMaster);
    ri->parallel_syncs = static_cast<int>(c_strtoll(argv[2], 10).value);
  } else if (is("notification-script", 3) || is("client-reconfig-script", 3)) {
    if (!master()) return std::string(kNoMaster);
    // Scripts never run in the simulation (each call is a trace record), so the path is taken
    // without Redis's check that the file is executable.
    (equals_nocase(argv[0], "notification-script") ? ri->notification_script
                                                   : ri->client_reconfig_script) = argv[2];
  } else if (is("auth-pass", 3)) {
    if (!master()) return std::string(kNoMaster);
    ri->auth_pass = argv[2];
  } else if (is("auth-user", 3)) {
    if (!master()) return std::string(kNoMaster);
    ri->auth_user = argv[2];
  } else if (is("current-epoch", 2)) {
    auto epoch = static_cast<uint64_t>(c_strtoll(argv[1], 10).value);
    state.current_epoch = std::max(state.current_epoch, epoch);
  } else if (is("myid", 2)) {
    if (argv[1].size() != 40) return "Malformed Sentinel id in myid option.";
    state.myid = argv[1];
  } else if (is("config-epoch", 3)) {
    if (!master()) return std::string(kNoMaster);
    ri->config_epoch = static_cast<uint64_t>(c_strtoll(argv[2], 10).value);
    state.current_epoch = std::max(state.current_epoch, ri->config_epoch);
  } else if (is("leader-epoch", 3)) {
    if (!master()) return std::string(kNoMaster);
    ri->leader_epoch = static_cast<uint64_t>(c_strtoll(argv[2], 10).value);
  } else if (is("known-slave", 4) || is("known-replica", 4)) {
    if (!master()) return std::string(kNoMaster);
    if (!create_instance(state, "", sri::kSlave, argv[2], c_strtoll(argv[3], 10).value,
                         ri->quorum, ri, now, error)) {
      return error;
    }
  } else if (is("known-sentinel", 4) || is("known-sentinel", 5)) {
    if (argc == 5) {  // the old form without a run id is ignored
      if (!master()) return std::string(kNoMaster);
      SentinelInstance* si =
          create_instance(state, argv[4], sri::kSentinel, argv[2], c_strtoll(argv[3], 10).value,
                          ri->quorum, ri, now, error);
      if (!si) return error;
      si->runid = argv[4];
    }
  } else if (is("rename-command", 4)) {
    if (!master()) return std::string(kNoMaster);
    if (!ri->renamed_commands.emplace(to_lower(argv[2]), argv[3]).second) {
      return "Same command renamed multiple times with rename-command.";
    }
  } else if (is("announce-ip", 2)) {
    if (!argv[1].empty()) state.announce_ip = argv[1];
  } else if (is("announce-port", 2)) {
    state.announce_port = static_cast<int>(c_strtoll(argv[1], 10).value);
  } else if (is("deny-scripts-reconfig", 2)) {
    std::optional<bool> v = yes_no(argv[1]);
    if (!v) return "Please specify yes or no for the deny-scripts-reconfig options.";
    state.deny_scripts_reconfig = *v;
  } else if (is("sentinel-user", 2)) {
    if (!argv[1].empty()) state.sentinel_auth_user = argv[1];
  } else if (is("sentinel-pass", 2)) {
    if (!argv[1].empty()) state.sentinel_auth_pass = argv[1];
  } else if (is("resolve-hostnames", 2)) {
    std::optional<bool> v = yes_no(argv[1]);
    if (!v) return "Please specify yes or no for the resolve-hostnames option.";
    state.resolve_hostnames = *v;
  } else if (is("announce-hostnames", 2)) {
    std::optional<bool> v = yes_no(argv[1]);
    if (!v) return "Please specify yes or no for the announce-hostnames option.";
    state.announce_hostnames = *v;
  } else if (is("master-reboot-down-after-period", 3)) {
    if (!master()) return std::string(kNoMaster);
    ri->master_reboot_down_after_period = c_strtoll(argv[2], 10).value;
    if (ri->master_reboot_down_after_period < 0) return "negative time parameter.";
  } else {
    return "Unrecognized sentinel configuration statement.";
  }
  return std::nullopt;
}

}  // namespace

std::optional<ConfigLoadError> load_sentinel_config(const Config& config, SentinelState& state,
                                                    int64_t now) {
  const std::vector<SentinelLine>& lines = config.file_directives().sentinel_lines;
  auto phase_of = [](const SentinelLine& line) {
    if (equals_nocase(line.args[0], "monitor")) return 1;
    for (std::string_view name : kPreMonitorOptions) {
      if (equals_nocase(line.args[0], name)) return 0;
    }
    return 2;
  };
  for (int phase = 0; phase < 3; ++phase) {
    for (const SentinelLine& line : lines) {
      if (line.args.empty() || phase_of(line) != phase) continue;
      if (std::optional<std::string> error = handle_line(state, line.args, now)) {
        ConfigLoadError e;
        e.line = line.line;
        e.line_text = line.text;
        e.reason = *error;
        return e;
      }
    }
  }
  return std::nullopt;
}

}  // namespace model
