// Spawning, checking and killing real redis-server processes (fork + execv).
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

std::string info_field(const std::string& info, const std::string& name) {
  size_t at = info.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 3;
  return info.substr(start, info.find("\r\n", start) - start);
}

}  // namespace

std::string find_redis_server() {
  if (const char* env = std::getenv("REDSIM_REDIS_SERVER"); env != nullptr && *env != '\0') {
    return executable(env) ? env : "";
  }
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::stringstream in(path);
    for (std::string dir; std::getline(in, dir, ':');) dirs.push_back(dir.empty() ? "." : dir);
  }
  dirs.insert(dirs.end(), {"/usr/bin", "/usr/sbin", "/usr/local/bin"});
  for (const std::string& dir : dirs) {
    std::string candidate = dir + "/redis-server";
    if (executable(candidate)) return candidate;
  }
  return "";
}

std::unique_ptr<RealServer> RealServer::start(const std::vector<std::string>& conf) {
  std::string binary = find_redis_server();
  if (binary.empty()) throw std::runtime_error("redis-server not found");
  std::string last_log;
  for (int port = kFirstPort; port <= kLastPort; ++port) {
    if (!port_free(port)) continue;
    std::string dir = make_temp_dir();
    std::string conf_path = dir + "/redis.conf";
    {
      std::ofstream out(conf_path);
      out << "port " << port << "\nbind 127.0.0.1\ndaemonize no\ndir " << dir << "\nlogfile "
          << dir << "/redis.log\n";
      for (const std::string& line : conf) out << line << "\n";
    }
    std::unique_ptr<RealServer> server(new RealServer(-1, port, dir));  // owns dir now
    server->pid_ = spawn(binary, conf_path);
    switch (server->wait_ready()) {
      case Readiness::kReady: return server;
      case Readiness::kNotOurs:  // another process won the port: try the next one
      case Readiness::kExited:   // most likely "Address already in use": likewise
        last_log = server->log_tail();
        continue;
      case Readiness::kTimeout:
        throw std::runtime_error(fmt::format("redis-server on port {} did not answer within "
                                             "10 s; its log ends:\n{}",
                                             port, server->log_tail()));
    }
  }
  throw std::runtime_error(fmt::format("could not start redis-server on any port {}-{}; the "
                                       "last log ends:\n{}",
                                       kFirstPort, kLastPort, last_log));
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
  kill_and_reap();
  if (std::getenv("REDSIM_KEEP_REDIS_DIRS") == nullptr) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

void RealServer::kill_and_reap() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string RealServer::log_tail(size_t max_bytes) const {
  std::ifstream in(dir_ + "/redis.log", std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string log = buffer.str();
  return log.size() > max_bytes ? log.substr(log.size() - max_bytes) : log;
}

}  // namespace real_redis
