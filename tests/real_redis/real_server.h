// Real redis-server and redis-sentinel processes for differential tests: each runs in the
// foreground (`daemonize no`) from its own temporary directory and redis.conf (or
// sentinel.conf, which Sentinel rewrites in place), on a free port of 127.0.0.1:17600-17699,
// and is killed when its RealServer goes away.
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
#include <string_view>
#include <utility>
#include <vector>

namespace real_redis {

constexpr int kFirstPort = 17600;
constexpr int kLastPort = 17699;

// The redis-server to run: $REDSIM_REDIS_SERVER if set, else the first `redis-server` on
// $PATH (then /usr/bin, /usr/sbin); "" if there is none.
std::string find_redis_server();
// The redis-sentinel to run, likewise: $REDSIM_REDIS_SENTINEL, else `redis-sentinel` (on
// Debian a link to the redis-server binary, from the package redis-sentinel).
std::string find_redis_sentinel();

// For a test that cannot run here (a program it needs is missing): prints the reason; the
// runner then exits 77, which ctest reports as skipped, unless a check failed.
void skip_run(std::string_view reason);
bool run_skipped();

class RealServer {
 public:
  // Starts redis-server with a redis.conf holding `port <port>`, the settings every test
  // server needs (bind 127.0.0.1, daemonize no, its dir and logfile) and then `conf`, one
  // directive a line, as the simulated server gets them. Waits until it answers PING.
  // Throws std::runtime_error (with the log's tail) if no server could be started.
  static std::unique_ptr<RealServer> start(const std::vector<std::string>& conf);
  // Starts redis-sentinel likewise, from a sentinel.conf holding the same settings (its log is
  // sentinel.log) and then `conf`.
  static std::unique_ptr<RealServer> start_sentinel(const std::vector<std::string>& conf);

  ~RealServer();
  RealServer(const RealServer&) = delete;
  RealServer& operator=(const RealServer&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  // Its log file, and the last `max_bytes` of it (for failure messages).
  std::string log_path() const;
  std::string log_tail(size_t max_bytes = 2000) const;
  // kill -9, now; waits until the process is gone (nothing if it already is).
  void kill9();

 private:
  enum class Program : uint8_t { kServer, kSentinel };
  enum class Readiness : uint8_t { kReady, kExited, kNotOurs, kTimeout };

  RealServer(Program program, int port, std::string dir)
      : program_(program), port_(port), dir_(std::move(dir)) {}
  static std::unique_ptr<RealServer> launch(Program program,
                                            const std::vector<std::string>& conf);
  // Waits until the server answers PING on port_ and INFO shows it is pid_ that does.
  Readiness wait_ready();
  // True (and pid_ = -1: never signal a reaped pid) if the process has exited.
  bool reaped();

  Program program_;
  pid_t pid_ = -1;
  int port_;
  std::string dir_;
};

}  // namespace real_redis
