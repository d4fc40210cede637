// A small world of simulated redis-servers for tests, and a client that sends commands and
// collects the replies, the way redis-cli would.
#pragma once

#include <fmt/format.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "model/resp.h"
#include "model/sentinel.h"
#include "model/server.h"
#include "sim/world.h"

namespace test {

// A client process: one connection per target address, replies in order.
class CliClient : public sim::Process {
 public:
  explicit CliClient(sim::Env& env) : Process(env) {}

  void send(const sim::Address& target, std::vector<std::string> argv) {
    Link& link = link_to(target);
    std::string bytes;
    std::vector<std::string_view> views(argv.begin(), argv.end());
    model::append_command(bytes, std::span<const std::string_view>(views));
    if (link.connected) {
      env().send(link.socket, bytes);
    } else {
      link.pending += bytes;
    }
  }
  void on_connected(sim::SocketId s) override {
    for (Link& link : links_) {
      if (link.socket != s) continue;
      link.connected = true;
      env().send(s, link.pending);
      link.pending.clear();
    }
  }
  void on_readable(sim::SocketId s) override {
    for (Link& link : links_) {
      if (link.socket != s) continue;
      for (;;) {
        std::string_view in = env().readable(s);
        model::RespValue value;
        model::ParseResult r = link.parser.parse(in, value);
        env().consume(s, r.consumed);
        if (r.status != model::ParseStatus::kDone) break;
        replies.push_back(std::move(value));
      }
    }
  }
  void on_closed(sim::SocketId s, sim::CloseReason) override {
    for (Link& link : links_) {
      if (link.socket == s) link = Link{};
    }
  }

  std::deque<model::RespValue> replies;

 private:
  struct Link {
    sim::Address target;
    sim::SocketId socket;
    bool connected = false;
    std::string pending;
    model::ReplyParser parser;
  };
  Link& link_to(const sim::Address& target) {
    for (Link& link : links_) {
      if (link.target == target && link.socket.valid()) return link;
    }
    links_.emplace_back();
    links_.back().target = target;
    links_.back().socket = env().connect(target);
    return links_.back();
  }
  std::deque<Link> links_;
};

struct RedisWorld {
  explicit RedisWorld(uint64_t seed = 1) : world(seed) {
    cli_id = world.add_node(sim::NodeSpec{"cli", sim::Address{"127.0.0.1", 0},
                                          [](sim::Env& env) {
                                            return std::make_unique<CliClient>(env);
                                          }});
    world.start(cli_id);
  }
  // A redis-server on 127.0.0.1:<port> whose redis.conf holds `conf` (plus "port <port>").
  sim::NodeId add_server(const std::string& name, int port, const std::string& conf = "") {
    sim::NodeId id = world.add_node(sim::NodeSpec{
        name, sim::Address{"127.0.0.1", static_cast<uint16_t>(port)},
        [](sim::Env& env) { return std::make_unique<model::RedisServer>(env); }});
    world.disk(id).write("redis.conf", fmt::format("port {}\n{}", port, conf));
    world.start(id);
    return id;
  }
  // A redis-sentinel on 127.0.0.1:<port> whose sentinel.conf holds `conf` (plus "port <port>").
  sim::NodeId add_sentinel(const std::string& name, int port, const std::string& conf) {
    sim::NodeId id = world.add_node(sim::NodeSpec{
        name, sim::Address{"127.0.0.1", static_cast<uint16_t>(port)},
        [](sim::Env& env) { return std::make_unique<model::Sentinel>(env); }});
    world.disk(id).write("sentinel.conf", fmt::format("port {}\n{}", port, conf));
    world.start(id);
    return id;
  }
  model::Sentinel& sentinel(sim::NodeId id) {
    return *static_cast<model::Sentinel*>(world.process(id));
  }
  model::RedisServer& server(sim::NodeId id) {
    return *static_cast<model::RedisServer*>(world.process(id));
  }
  CliClient& cli() { return *static_cast<CliClient*>(world.process(cli_id)); }
  // Sends a command and runs until its reply (at most `limit` of virtual time).
  model::RespValue run(int port, std::vector<std::string> argv,
                       sim::Duration limit = sim::Duration::seconds(5)) {
    size_t before = cli().replies.size();
    cli().send(sim::Address{"127.0.0.1", static_cast<uint16_t>(port)}, std::move(argv));
    world.run_until([&] { return cli().replies.size() > before; }, world.now() + limit);
    if (cli().replies.size() == before) return model::RespValue::error("(no reply)");
    model::RespValue v = std::move(cli().replies.back());
    cli().replies.pop_back();
    return v;
  }
  void run_for(sim::Duration d) { world.run_until(world.now() + d); }

  sim::World world;
  sim::NodeId cli_id;
};

}  // namespace test
