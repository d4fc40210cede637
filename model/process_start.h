// What redis-server and redis-sentinel share while they start (server.c main, initServer,
// util.c getRandomHexChars): the log lines of a start and the listening socket.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sim/world.h"

namespace model {

// A process's logger: level mark, event name, text.
using StartLog = std::function<void(char level, std::string_view event, std::string_view text)>;

// 40 random hex characters: run ids, replication ids, Sentinel ids.
std::string random_hex40(sim::Rng& rng);

// "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo" and the version line.
void log_starting(const StartLog& log, int pid);

// "monotonic clock: ..." and "Running mode=<mode>, port=<port>.", then listens on the port of
// the node's host. If the port is taken, logs Redis's warning, exits and returns false.
bool start_listening(sim::Env& env, const StartLog& log, std::string_view mode, int port);

}  // namespace model
