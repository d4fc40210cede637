#include "model/info_server.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <iterator>

namespace model {

void append_info_server(std::string& out, const ServerInfoFields& f) {
  fmt::format_to(
      std::back_inserter(out),
      FMT_COMPILE(
          "# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n"
          "redis_build_id:ae4d7c971a948f0\r\nredis_mode:{}\r\nos:Linux 6.1.0 x86_64\r\n"
          "arch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\n"
          "atomicvar_api:c11-builtin\r\ngcc_version:12.2.0\r\nprocess_id:{}\r\n"
          "process_supervised:no\r\nrun_id:{}\r\ntcp_port:{}\r\nserver_time_usec:{}\r\n"
          "uptime_in_seconds:{}\r\nuptime_in_days:{}\r\nhz:{}\r\nconfigured_hz:{}\r\n"
          "lru_clock:{}\r\nexecutable:{}\r\nconfig_file:{}\r\nio_threads_active:0\r\n"),
      f.mode, f.pid, f.run_id, f.port, f.unix_us, f.uptime_s, f.uptime_s / 86400, f.hz,
      f.configured_hz, (f.unix_us / 1000000) & ((1 << 24) - 1), f.executable, f.config_file);
}

}  // namespace model
