// INFO's "# Server" section, as redis-server and redis-sentinel both print it (server.c
// genRedisInfoString); the build facts are those of Debian 12's redis 7.0.15 package.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace model {

struct ServerInfoFields {
  std::string_view mode;        // "standalone" or "sentinel"
  int pid = 0;
  std::string_view run_id;
  int port = 0;
  int64_t unix_us = 0;          // the node's wall clock
  int64_t uptime_s = 0;
  int hz = 10;
  int configured_hz = 10;
  std::string_view executable;   // "/usr/bin/redis-server"
  std::string_view config_file;  // "" when started without one
};

void append_info_server(std::string& out, const ServerInfoFields& f);

}  // namespace model
