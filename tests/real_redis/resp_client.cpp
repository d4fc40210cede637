// Blocking POSIX sockets: connect, send everything, poll + recv until one reply parses.
#include "tests/real_redis/resp_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace real_redis {

RespClient::~RespClient() { close(); }

void RespClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  in_.clear();
  parser_.reset();
}

bool RespClient::connect(int port) {
  close();
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return false;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fd_ = fd;
  port_ = port;
  return true;
}

void RespClient::send_all(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw std::runtime_error(
          fmt::format("send to 127.0.0.1:{}: {}", port_, std::strerror(errno)));
    }
    sent += static_cast<size_t>(n);
  }
}

model::RespValue RespClient::command(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout) {
  if (fd_ < 0) throw std::runtime_error("RespClient::command: not connected");
  std::string bytes;
  model::append_command(bytes, std::span<const std::string>(argv));
  send_all(bytes);

  auto deadline = std::chrono::steady_clock::now() + timeout;
  model::RespValue reply;
  for (;;) {
    model::ParseResult r = parser_.parse(in_, reply);
    in_.erase(0, r.consumed);
    if (r.status == model::ParseStatus::kDone) return reply;
    if (r.status == model::ParseStatus::kError) {
      throw std::runtime_error(fmt::format("bad reply from 127.0.0.1:{}: {}", port_,
                                           parser_.error()));
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      throw std::runtime_error(fmt::format("no reply from 127.0.0.1:{} within {} ms to {}",
                                           port_, timeout.count(), argv.at(0)));
    }
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw std::runtime_error(fmt::format("127.0.0.1:{} closed the connection", port_));
    }
    in_.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace real_redis
