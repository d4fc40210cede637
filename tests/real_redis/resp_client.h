// A blocking RESP client for real redis-server processes on 127.0.0.1: one TCP connection,
// one command at a time (send it, then read exactly one reply), like redis-cli without a
// prompt. The encoding and decoding are the model's own (model/resp.h), which the
// differential tests thereby also check against real Redis.
//
// Invariants:
// - A reply is read only for a command sent; pushes (subscribe mode) are not supported.
// - Every wait is bounded: a server that does not answer within the timeout is an error.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "model/resp.h"

namespace real_redis {

class RespClient {
 public:
  RespClient() = default;
  ~RespClient();
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  // Connects to 127.0.0.1:`port`; false if nothing listens there. Closes any earlier
  // connection first.
  bool connect(int port);
  bool connected() const { return fd_ >= 0; }
  void close();

  // Sends `argv` as a multibulk command and returns its reply.
  // REQUIRES: connected(). Throws std::runtime_error when the connection breaks, the reply
  // is not valid RESP, or no reply comes within `timeout`.
  model::RespValue command(const std::vector<std::string>& argv,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  void send_all(const std::string& bytes);

  int fd_ = -1;
  int port_ = 0;
  std::string in_;  // received, not yet consumed by parser_
  model::ReplyParser parser_;
};

}  // namespace real_redis
