// A Sentinel's durable and global state (sentinel.c `struct sentinelState`), its tunable
// periods, the creation of its instance records, and the loading of `sentinel` config lines
// into it (sentinelHandleConfiguration). Kept apart from the process so the scenario loader can
// check a sentinel.conf exactly as redis-sentinel would.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/config.h"
#include "model/sentinel_instance.h"

namespace model {

// The periods and limits SENTINEL DEBUG can change (sentinel.c's sentinel_* variables), in ms.
struct SentinelTimers {
  int64_t info_period = 10000;
  int64_t ping_period = 1000;
  int64_t ask_period = 1000;
  int64_t publish_period = 2000;
  int64_t default_down_after = 30000;
  int64_t tilt_trigger = 2000;
  int64_t tilt_period = 30000;
  int64_t slave_reconf_timeout = 10000;
  int64_t min_link_reconnect_period = 15000;
  int64_t election_timeout = 10000;
  int64_t default_failover_timeout = 180000;
  int64_t script_max_runtime = 60000;
  int64_t script_retry_delay = 30000;
};

// SENTINEL SIMULATE-FAILURE flags.
namespace simfailure {
enum : uint32_t { kCrashAfterElection = 1u << 0, kCrashAfterPromotion = 1u << 1 };
}

struct SentinelState {
  explicit SentinelState(uint64_t seed = 0) : dict_seed(seed), masters(seed) {}

  uint64_t dict_seed;  // the process's dict hash seed: every InstanceDict's order
  std::string myid;    // 40 hex characters; empty until loaded or chosen
  uint64_t current_epoch = 0;
  InstanceDict masters;
  bool tilt = false;
  int64_t tilt_start_time = 0;
  int64_t previous_time = 0;
  std::optional<std::string> announce_ip;
  int announce_port = 0;
  bool deny_scripts_reconfig = true;
  bool resolve_hostnames = false;
  bool announce_hostnames = false;
  std::optional<std::string> sentinel_auth_user, sentinel_auth_pass;
  uint32_t simfailure_flags = 0;
  SentinelTimers timers;
};

// createSentinelRedisInstance: a new master (master == nullptr), replica or Sentinel record,
// linked into its dict. Returns nullptr and sets `error` to Redis's words
// (sentinelCheckCreateInstanceErrors) for a duplicate or a bad port.
SentinelInstance* create_instance(SentinelState& state, std::string_view name, uint32_t kind,
                                  const std::string& host, int64_t port, unsigned quorum,
                                  SentinelInstance* master, int64_t now, std::string& error);

// Loads the `sentinel ...` lines of a config, in Redis's order (myid, current-epoch and the
// announce/auth options first, then `monitor`, then the rest: loadSentinelConfigFromQueue).
// On the first bad line returns the error redis-sentinel prints and exits with.
std::optional<ConfigLoadError> load_sentinel_config(const Config& config, SentinelState& state,
                                                    int64_t now);

// "ip:port" as Sentinel names a replica and prints addresses ("[ip]:port" for IPv6).
std::string instance_address(const sim::Address& addr);

}  // namespace model
