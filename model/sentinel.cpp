// Sentinel: start, sentinel.conf, events and the tick (sentinel.c sentinelIsRunning,
// sentinelFlushConfig, rewriteConfigSentinelOption, sentinelEvent, sentinelTimer,
// sentinelHandleDictOfRedisInstances, sentinelHandleRedisInstance).
#include "model/sentinel.h"

#include <fmt/format.h>

#include <charconv>
#include <string_view>
#include <type_traits>

#include "model/config_rewrite.h"
#include "model/process_start.h"

namespace model {
namespace {

// " <word>" onto a config line: a number in decimal, anything else as its text.
template <typename Word>
void append_config_word(std::string& line, const Word& word) {
  line += ' ';
  if constexpr (std::is_arithmetic_v<Word>) {
    char digits[24];
    line.append(digits, std::to_chars(digits, digits + sizeof digits, word).ptr);
  } else {
    line.append(std::string_view(word));
  }
}

}  // namespace

Sentinel::Sentinel(sim::Env& env) : Process(env), hz_rng_(env.rng("hz")) {}

Sentinel::~Sentinel() = default;

// --- Start -------------------------------------------------------------------------------------

void Sentinel::start() {
  pid_ = static_cast<int>(env().rng("pid").uniform(100, 32767));
  run_id_ = random_hex40(env().rng("runid"));
  start_time_ = env().now();
  StartLog start_log = [this](char level, std::string_view event, std::string_view text) {
    log(level, event, text);
  };
  log_starting(start_log, pid_);
  if (!load_config()) return;
  log('#', "config-loaded", "Configuration loaded");
  if (!start_listening(env(), start_log, "sentinel", config_.port())) return;
  // sentinelIsRunning: a Sentinel without an id picks one and persists it at once.
  if (state_.myid.empty()) {
    state_.myid = random_hex40(env().rng("myid"));
    flush_config();
  }
  log('#', "sentinel-id", fmt::format("Sentinel ID is {}", state_.myid));
  for (const auto& master : state_.masters) {
    event('#', "+monitor", master.get(), fmt::format(" quorum {}", master->quorum));
  }
  env().after(sim::Duration::millis(1), [this] { timer(); });  // serverCron's first run
}

bool Sentinel::load_config() {
  const std::string* text = env().disk().read(kConfigFile);
  if (text == nullptr) {  // sentinelCheckConfigFile
    log('#', "no-config", "Sentinel needs config file on disk to save state. Exiting...");
    env().exit();
    return false;
  }
  ConfigOptions options;
  options.sentinel_mode = true;
  options.hash_seed = env().rng("config").next_u64();
  config_ = Config(options);
  state_ = SentinelState(env().rng("dict").next_u64());
  state_.previous_time = mstime();
  std::optional<ConfigLoadError> error = config_.load(*text);
  if (!error) error = load_sentinel_config(config_, state_, mstime());
  if (error) {
    log('#', "config-error", error->redis_output());
    env().exit();
    return false;
  }
  return true;
}

// --- sentinel.conf -----------------------------------------------------------------------------

// sentinelFlushConfig: CONFIG REWRITE of the whole file, the `sentinel` lines included
// (rewriteConfigSentinelOption). Lines at their default value are dropped, as 7.0 drops them.
// The save blocks the whole process for a few ms (config_save_time).
void Sentinel::flush_config() {
  const std::string* old_text = env().disk().read(kConfigFile);
  // The layout of our last save describes the file as long as nothing else wrote to the disk.
  bool layout_current = config_layout_disk_writes_ == env().disk().writes();
  ConfigRewriter rw(old_text ? std::string_view(*old_text) : std::string_view(), true,
                    layout_current ? &config_layout_ : nullptr);
  config_.rewrite_into(rw);
  // Every line is "<option> <word> <word>...". With a thousand masters a save writes ten
  // thousand of them, so they are joined by hand rather than through fmt, in one buffer.
  std::string text;
  auto line = [&rw, &text](ConfigRewriter::Option& option, bool force, const auto&... words) {
    text = option.name();
    (append_config_word(text, words), ...);
    rw.rewrite_line(option, text, force);
  };
  // The options every master writes, looked up once per save; the rarer ones where used.
  auto& monitor = rw.option("sentinel monitor");
  auto& down_after = rw.option("sentinel down-after-milliseconds");
  auto& failover_timeout = rw.option("sentinel failover-timeout");
  auto& parallel_syncs = rw.option("sentinel parallel-syncs");
  auto& config_epoch = rw.option("sentinel config-epoch");
  auto& leader_epoch = rw.option("sentinel leader-epoch");
  auto& known_replica = rw.option("sentinel known-replica");
  auto& known_sentinel = rw.option("sentinel known-sentinel");
  const SentinelState& s = state_;
  line(rw.option("sentinel myid"), true, s.myid);
  line(rw.option("sentinel deny-scripts-reconfig"), !s.deny_scripts_reconfig,
       s.deny_scripts_reconfig ? "yes" : "no");
  line(rw.option("sentinel resolve-hostnames"), s.resolve_hostnames,
       s.resolve_hostnames ? "yes" : "no");
  line(rw.option("sentinel announce-hostnames"), s.announce_hostnames,
       s.announce_hostnames ? "yes" : "no");
  for (const auto& m : s.masters) {
    const sim::Address& current = current_master_address(*m);
    line(monitor, true, m->name, current.host, current.port, m->quorum);
    if (m->down_after_period != s.timers.default_down_after) {
      line(down_after, true, m->name, m->down_after_period);
    }
    if (m->failover_timeout != s.timers.default_failover_timeout) {
      line(failover_timeout, true, m->name, m->failover_timeout);
    }
    if (m->parallel_syncs != 1) line(parallel_syncs, true, m->name, m->parallel_syncs);
    if (m->notification_script) {
      line(rw.option("sentinel notification-script"), true, m->name, *m->notification_script);
    }
    if (m->client_reconfig_script) {
      line(rw.option("sentinel client-reconfig-script"), true, m->name, *m->client_reconfig_script);
    }
    if (m->auth_pass) line(rw.option("sentinel auth-pass"), true, m->name, *m->auth_pass);
    if (m->auth_user) line(rw.option("sentinel auth-user"), true, m->name, *m->auth_user);
    if (m->master_reboot_down_after_period != 0) {
      line(rw.option("sentinel master-reboot-down-after-period"), true, m->name,
           m->master_reboot_down_after_period);
    }
    line(config_epoch, true, m->name, m->config_epoch);
    line(leader_epoch, true, m->name, m->leader_epoch);
    for (const auto& slave : m->slaves) {
      // During a failover the promoted replica is written with the old master's address.
      const sim::Address& addr = slave->addr == current ? m->addr : slave->addr;
      line(known_replica, true, m->name, addr.host, addr.port);
    }
    for (const auto& si : m->sentinels) {
      if (!si->runid) continue;
      line(known_sentinel, true, m->name, si->addr.host, si->addr.port, *si->runid);
    }
    for (const auto& [from, to] : m->renamed_commands) {
      line(rw.option("sentinel rename-command"), true, m->name, from, to);
    }
  }
  line(rw.option("sentinel current-epoch"), true, s.current_epoch);
  auto optional_line = [&](std::string_view option, const std::optional<std::string>& value) {
    if (value) {
      line(rw.option(option), true, *value);
    } else {
      rw.mark_processed(option);
    }
  };
  std::optional<std::string> quoted_ip;
  if (s.announce_ip) append_repr(quoted_ip.emplace(), *s.announce_ip);
  optional_line("sentinel announce-ip", quoted_ip);
  if (s.announce_port != 0) {
    line(rw.option("sentinel announce-port"), true, s.announce_port);
  } else {
    rw.mark_processed("sentinel announce-port");
  }
  optional_line("sentinel sentinel-user", s.sentinel_auth_user);
  optional_line("sentinel sentinel-pass", s.sentinel_auth_pass);
  // Options with no line left (a master removed, a tunable back at its default) lose theirs.
  for (std::string_view option :
       {"sentinel monitor", "sentinel down-after-milliseconds", "sentinel failover-timeout",
        "sentinel parallel-syncs", "sentinel notification-script",
        "sentinel client-reconfig-script", "sentinel auth-pass", "sentinel auth-user",
        "sentinel config-epoch", "sentinel leader-epoch", "sentinel known-replica",
        "sentinel known-sentinel", "sentinel rename-command",
        "sentinel master-reboot-down-after-period"}) {
    rw.mark_processed(option);
  }
  env().disk().write(kConfigFile, rw.finish(&config_layout_));
  config_layout_disk_writes_ = env().disk().writes();
  // rewriteConfig's fsyncs, then sentinelFlushConfig's own: the rest of the event (the log line,
  // the commands queued for other instances, replies) waits for them.
  env().busy(config_save_time(env().rng("fsync")));
  log('*', "config-saved", "Sentinel new configuration saved on disk");
}

// --- Logging and events ------------------------------------------------------------------------

void Sentinel::log(char level, std::string_view event, std::string_view text) const {
  static constexpr std::string_view kLevels = ".-*#";
  size_t rank = kLevels.find(level);
  if (rank < static_cast<size_t>(config_.loglevel())) return;
  const_cast<sim::Env&>(env()).trace("server", level, event, text, fmt::format("{}:X", pid_));
}

// sentinelEvent: the log line "<type> <text>", a message on the channel named <type> for the
// Sentinel's own subscribers (not for debug events), and the notification script for warnings
// (never executed here: each invocation is a trace record).
void Sentinel::event(char level, std::string_view type, const SentinelInstance* ri,
                     std::string_view rest, bool identity) {
  std::string text;
  if (ri != nullptr && identity) {
    text = fmt::format("{} {} {} {}", ri->type_name(), ri->name, ri->addr.host, ri->addr.port);
    if (const SentinelInstance* m = ri->master) {
      text += fmt::format(" @ {} {} {}", m->name, m->addr.host, m->addr.port);
    }
  }
  text += rest;
  static constexpr std::string_view kLevels = ".-*#";
  if (kLevels.find(level) >= static_cast<size_t>(config_.loglevel())) {
    env().trace("sentinel", level, type, fmt::format("{} {}", type, text),
                fmt::format("{}:X", pid_));
  }
  if (level != '.') publish_event(type, text);
  const SentinelInstance* master = ri && ri->master ? ri->master : ri;
  if (level == '#' && master && master->notification_script) {
    env().trace("script", '*', "notification-script",
                fmt::format("{} {} {}", *master->notification_script, type, text));
  }
}

// sentinelCallClientReconfScript: <master-name> <role> <state> <from-ip> <from-port> <to-ip>
// <to-port>, with role "leader" or "observer" and state "start".
void Sentinel::client_reconfig_script(const SentinelInstance& master, std::string_view role,
                                      const sim::Address& from, const sim::Address& to) {
  if (!master.client_reconfig_script) return;
  env().trace("script", '*', "client-reconfig-script",
              fmt::format("{} {} {} start {} {} {} {}", *master.client_reconfig_script,
                          master.name, role, from.host, from.port, to.host, to.port));
}

// --- The tick ----------------------------------------------------------------------------------

// sentinelTimer, run by serverCron. Ends by redrawing hz in 10..19, so the next tick comes
// 52 to 100 ms later: Sentinels drift apart instead of acting in lockstep.
void Sentinel::timer() {
  check_tilt();
  handle_dict(state_.masters);
  int hz = 10 + static_cast<int>(hz_rng_.uniform(0, 9));
  env().after(sim::Duration::millis(1000 / hz), [this] { timer(); });
}

void Sentinel::handle_dict(const InstanceDict& instances) {
  SentinelInstance* switch_to_promoted = nullptr;
  for (const auto& ri : instances) {
    handle_instance(*ri);
    if (ri->is(sri::kMaster)) {
      handle_dict(ri->slaves);
      handle_dict(ri->sentinels);
      if (ri->failover_state == FailoverState::kUpdateConfig) switch_to_promoted = ri.get();
    }
  }
  if (switch_to_promoted) switch_to_promoted_slave(*switch_to_promoted);
}

void Sentinel::handle_instance(SentinelInstance& ri) {
  reconnect(ri);
  send_periodic_commands(ri);
  if (state_.tilt) {
    if (mstime() - state_.tilt_start_time < state_.timers.tilt_period) return;
    state_.tilt = false;
    event('#', "-tilt", nullptr, "#tilt mode exited");
  }
  check_subjectively_down(ri);
  if (ri.is(sri::kMaster)) {
    check_objectively_down(ri);
    if (start_failover_if_needed(ri)) ask_master_state(ri, kAskForced);
    failover_state_machine(ri);
    ask_master_state(ri, 0);
  }
}

// releaseSentinelRedisInstance: the record, its own records, and its share of its link.
void Sentinel::release_instance(std::unique_ptr<SentinelInstance> ri) {
  for (auto& child : ri->sentinels.take_all()) release_instance(std::move(child));
  for (auto& child : ri->slaves.take_all()) release_instance(std::move(child));
  release_link(*ri);
  if (ri->is(sri::kSlave) && ri->is(sri::kPromoted) && ri->master) {
    ri->master->promoted_slave = nullptr;
  }
}

}  // namespace model
