#include "model/process_start.h"

#include <fmt/format.h>

namespace model {

std::string random_hex40(sim::Rng& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(40, '0');
  for (char& c : id) c = kHex[rng.uniform(0, 15)];
  return id;
}

void log_starting(const StartLog& log, int pid) {
  log('#', "starting", "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  log('#', "version", fmt::format("Redis version=7.0.15, bits=64, commit=00000000, modified=0, "
                                  "pid={}, just started",
                                  pid));
}

bool start_listening(sim::Env& env, const StartLog& log, std::string_view mode, int port) {
  log('*', "monotonic", "monotonic clock: POSIX clock_gettime");
  log('*', "running", fmt::format("Running mode={}, port={}.", mode, port));
  if (env.listen(sim::Address{env.address().host, static_cast<uint16_t>(port)})) return true;
  log('#', "listen-failed", fmt::format("Warning: Could not create server TCP listening socket "
                                        "*:{}: bind: Address already in use",
                                        port));
  env.exit();
  return false;
}

}  // namespace model
