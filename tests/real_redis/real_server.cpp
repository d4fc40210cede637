// Spawning, checking and killing real redis-server and redis-sentinel processes (fork +
// execv).
#include "tests/real_redis/real_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "tests/real_redis/resp_client.h"

namespace real_redis {
namespace {

bool skipped = false;  // skip_run was called

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

// True if nothing listens on 127.0.0.1:`port` (bound with SO_REUSEADDR, as Redis binds).
bool port_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string make_temp_dir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "redsim-real-redis-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(fmt::format("mkdtemp: {}", std::strerror(errno)));
  }
  return pattern;
}

// Forks and execs `binary conf_path`; the child dies with its parent.
pid_t spawn(const std::string& binary, const std::string& conf_path) {
  // Everything the child touches is built before fork: after it, only async-signal-safe calls.
  std::vector<char*> args = {const_cast<char*>(binary.c_str()),
                             const_cast<char*>(conf_path.c_str()), nullptr};
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::execv(binary.c_str(), args.data());
    ::_exit(127);
  }
  return pid;
}

// $`env_var` if set (and "" unless it names an executable), else the first `name` on $PATH,
// then in /usr/bin, /usr/sbin, /usr/local/bin; "" if there is none.
std::string find_program(const char* env_var, const std::string& name) {
  if (const char* env = std::getenv(env_var); env != nullptr && *env != '\0') {
    return executable(env) ? env : "";
  }
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::stringstream in(path);
    for (std::string dir; std::getline(in, dir, ':');) dirs.push_back(dir.empty() ? "." : dir);
  }
  dirs.insert(dirs.end(), {"/usr/bin", "/usr/sbin", "/usr/local/bin"});
  for (const std::string& dir : dirs) {
    std::string candidate = dir + "/" + name;
    if (executable(candidate)) return candidate;
  }
  return "";
}

std::string info_field(const std::string& info, const std::string& name) {
  size_t at = info.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 3;
  return info.substr(start, info.find("\r\n", start) - start);
}

}  // namespace

std::string find_redis_server() { return find_program("REDSIM_REDIS_SERVER", "redis-server"); }

std::string find_redis_sentinel() {
  return find_program("REDSIM_REDIS_SENTINEL", "redis-sentinel");
}

void skip_run(std::string_view reason) {
  std::fprintf(stderr, "SKIPPED: %.*s\n", static_cast<int>(reason.size()), reason.data());
  skipped = true;
}

bool run_skipped() { return skipped; }

std::unique_ptr<RealServer> RealServer::start(const std::vector<std::string>& conf) {
  return launch(Program::kServer, conf);
}

std::unique_ptr<RealServer> RealServer::start_sentinel(const std::vector<std::string>& conf) {
  return launch(Program::kSentinel, conf);
}

std::unique_ptr<RealServer> RealServer::launch(Program program,
                                               const std::vector<std::string>& conf) {
  bool sentinel = program == Program::kSentinel;
  std::string what = sentinel ? "redis-sentinel" : "redis-server";
  std::string binary = sentinel ? find_redis_sentinel() : find_redis_server();
  if (binary.empty()) throw std::runtime_error(what + " not found");
  std::string last_log;
  for (int port = kFirstPort; port <= kLastPort; ++port) {
    if (!port_free(port)) continue;
    std::string dir = make_temp_dir();
    std::unique_ptr<RealServer> server(new RealServer(program, port, dir));  // owns dir now
    std::string conf_path = dir + (sentinel ? "/sentinel.conf" : "/redis.conf");
    {
      std::ofstream out(conf_path);
      out << "port " << port << "\nbind 127.0.0.1\ndaemonize no\ndir " << dir << "\nlogfile "
          << server->log_path() << "\n";
      for (const std::string& line : conf) out << line << "\n";
    }
    server->pid_ = spawn(binary, conf_path);
    switch (server->wait_ready()) {
      case Readiness::kReady: return server;
      case Readiness::kNotOurs:  // another process won the port: try the next one
      case Readiness::kExited:   // most likely "Address already in use": likewise
        last_log = server->log_tail();
        continue;
      case Readiness::kTimeout:
        throw std::runtime_error(fmt::format("{} on port {} did not answer within 10 s; its "
                                             "log ends:\n{}",
                                             what, port, server->log_tail()));
    }
  }
  throw std::runtime_error(fmt::format("could not start {} on any port {}-{}; the last log "
                                       "ends:\n{}",
                                       what, kFirstPort, kLastPort, last_log));
}

RealServer::Readiness RealServer::wait_ready() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  RespClient client;
  while (std::chrono::steady_clock::now() < deadline) {
    if (reaped()) return Readiness::kExited;
    if (client.connect(port_)) {
      try {
        if (client.command({"PING"}).str == "PONG") {
          std::string info = client.command({"INFO", "server"}).str;
          return info_field(info, "process_id") == std::to_string(pid_) ? Readiness::kReady
                                                                        : Readiness::kNotOurs;
        }
      } catch (const std::runtime_error&) {
        // not ready yet: try again
      }
      client.close();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Readiness::kTimeout;
}

bool RealServer::reaped() {
  int status = 0;
  if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
  return pid_ <= 0;
}

RealServer::~RealServer() {
  kill9();
  if (std::getenv("REDSIM_KEEP_REDIS_DIRS") == nullptr) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

void RealServer::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string RealServer::log_path() const {
  return dir_ + (program_ == Program::kSentinel ? "/sentinel.log" : "/redis.log");
}

std::string RealServer::log_tail(size_t max_bytes) const {
  std::ifstream in(log_path(), std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string log = buffer.str();
  return log.size() > max_bytes ? log.substr(log.size() - max_bytes) : log;
}

}  // namespace real_redis
