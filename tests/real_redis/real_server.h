// Real redis-server processes for differential tests: each runs in the foreground
// (`daemonize no`) from its own temporary directory and redis.conf, on a free port of
// 127.0.0.1:17600-17699, and is killed when its RealServer goes away.
//
// Invariants:
// - A started server is ours: its INFO process_id is the pid we spawned (a port some other
//   process won in a race is given up, and the next one tried).
// - The process dies with its RealServer (kill -9 in the destructor, which stack unwinding
//   runs when a REQUIRE fails) and with the test binary (PR_SET_PDEATHSIG), so a crashed
//   test leaves no server behind. Only processes we spawned are ever signalled, by pid.
// - Its directory is removed with it, unless $REDSIM_KEEP_REDIS_DIRS is set (to read the
//   logs of a failed run).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace real_redis {

constexpr int kFirstPort = 17600;
constexpr int kLastPort = 17699;

// The redis-server to run: $REDSIM_REDIS_SERVER if set, else the first `redis-server` on
// $PATH (then /usr/bin, /usr/sbin); "" if there is none.
std::string find_redis_server();

class RealServer {
 public:
  // Starts redis-server with a redis.conf holding `port <port>`, the settings every test
  // server needs (bind 127.0.0.1, daemonize no, its dir and logfile) and then `conf`, one
  // directive a line, as the simulated server gets them. Waits until it answers PING.
  // Throws std::runtime_error (with the log's tail) if no server could be started.
  static std::unique_ptr<RealServer> start(const std::vector<std::string>& conf);

  ~RealServer();
  RealServer(const RealServer&) = delete;
  RealServer& operator=(const RealServer&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  // The last `max_bytes` of its log file (for failure messages).
  std::string log_tail(size_t max_bytes = 2000) const;

 private:
  enum class Readiness : uint8_t { kReady, kExited, kNotOurs, kTimeout };

  RealServer(pid_t pid, int port, std::string dir)
      : pid_(pid), port_(port), dir_(std::move(dir)) {}
  // Waits until the server answers PING on port_ and INFO shows it is pid_ that does.
  Readiness wait_ready();
  // True (and pid_ = -1: never signal a reaped pid) if the process has exited.
  bool reaped();
  void kill_and_reap();

  pid_t pid_;
  int port_;
  std::string dir_;
};

}  // namespace real_redis
