// The two worlds behind SideBySide, and the INFO parsing and value forms it compares by.
#include "tests/real_redis/side_by_side.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

namespace real_redis {
namespace {

bool all_of_chars(std::string_view s, std::string_view allowed) {
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return allowed.find(c) != std::string_view::npos; });
}

std::string seconds_form(std::string_view value) {
  if (value == "-1") return "-1";
  if (!value.empty() && all_of_chars(value, "0123456789")) return "<seconds>";
  return std::string(value);
}

}  // namespace

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return out;
}

std::string_view side_name(Side side) { return side == Side::kReal ? "real" : "sim"; }

std::vector<InfoField> parse_info(std::string_view text) {
  std::vector<InfoField> fields;
  while (!text.empty()) {
    size_t end = text.find("\r\n");
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 2);
    if (line.empty() || line.front() == '#') continue;
    size_t colon = line.find(':');
    fields.push_back({std::string(line.substr(0, colon)),
                      colon == std::string_view::npos ? "" : std::string(line.substr(colon + 1))});
  }
  return fields;
}

std::string info_value(std::string_view text, std::string_view name) {
  for (InfoField& f : parse_info(text)) {
    if (f.name == name) return std::move(f.value);
  }
  return "<missing>";
}

std::string info_names(std::string_view text) {
  std::string out;
  for (const InfoField& f : parse_info(text)) {
    if (!out.empty()) out += ',';
    out += f.name;
  }
  return out;
}

std::string value_form(std::string_view name, std::string_view value) {
  if (name == "master_replid" || name == "master_replid2") {
    if (value == std::string(40, '0')) return "<zero id>";
    if (value.size() == 40 && all_of_chars(value, "0123456789abcdef")) return "<40 hex>";
    return std::string(value);
  }
  if (name == "master_last_io_seconds_ago" || name == "master_link_down_since_seconds") {
    return seconds_form(value);
  }
  if (name.starts_with("slave") && all_of_chars(name.substr(5), "0123456789")) {
    size_t lag = value.find(",lag=");
    if (lag != std::string_view::npos) {
      return fmt::format("{},lag={}", value.substr(0, lag), seconds_form(value.substr(lag + 5)));
    }
  }
  return std::string(value);
}

std::vector<std::string> test_conf(std::vector<std::string> extra) {
  std::vector<std::string> conf = {"save \"\"", "repl-ping-replica-period 3600"};
  conf.insert(conf.end(), extra.begin(), extra.end());
  return conf;
}

SideBySide::SideBySide(uint64_t seed) : world_(seed) {}

int SideBySide::add_server(const std::string& name, const std::vector<std::string>& conf) {
  return add_node(name, conf, false);
}

int SideBySide::add_sentinel(const std::string& name, const std::vector<std::string>& conf) {
  return add_node(name, conf, true);
}

int SideBySide::add_node(const std::string& name, const std::vector<std::string>& conf,
                         bool sentinel) {
  Node node;
  node.name = name;
  node.real = sentinel ? RealServer::start_sentinel(conf) : RealServer::start(conf);
  node.port = node.real->port();
  node.client = std::make_unique<RespClient>();
  REQUIRE_MESSAGE(node.client->connect(node.port), "cannot connect to real " << name);
  std::string conf_text;
  for (const std::string& line : conf) conf_text += line + "\n";
  node.sim_id = sentinel ? world_.add_sentinel(name, node.port, conf_text)
                         : world_.add_server(name, node.port, conf_text);
  nodes_.push_back(std::move(node));
  int index = static_cast<int>(nodes_.size()) - 1;
  bool up = settle(fmt::format("{} answers PING", name), [&](Side side) {
    return run(side, index, {"PING"}) == model::RespValue::status("PONG");
  });
  REQUIRE_MESSAGE(up, name << " did not start");
  return index;
}

void SideBySide::reconnect(int node) {
  Node& n = nodes_.at(static_cast<size_t>(node));
  REQUIRE_MESSAGE(n.client->connect(n.port), "cannot reconnect to real " << n.name);
}

void SideBySide::kill9(int node) {
  Node& n = nodes_.at(static_cast<size_t>(node));
  n.real->kill9();
  world_.world.crash(n.sim_id);
}

model::RespValue SideBySide::run(Side side, int node, const std::vector<std::string>& argv) {
  Node& n = nodes_.at(static_cast<size_t>(node));
  if (side == Side::kReal) return n.client->command(argv);
  return world_.run(n.port, argv);
}

model::RespValue SideBySide::check_same_reply(int node, const std::vector<std::string>& argv) {
  model::RespValue real = run(Side::kReal, node, argv);
  model::RespValue simulated = run(Side::kSim, node, argv);
  INFO(name(node), "> ", command_line(argv));
  CHECK(simulated == real);
  return real;
}

std::string SideBySide::info(Side side, int node, std::string_view section) {
  return run(side, node, {"INFO", std::string(section)}).str;
}

std::string SideBySide::field(Side side, int node, std::string_view name) {
  return info_value(info(side, node, "replication"), name);
}

bool SideBySide::settle(std::string_view what, const std::function<bool(Side)>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool real = done(Side::kReal);
  while (!real && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    real = done(Side::kReal);
  }
  sim::Time sim_deadline = world_.world.now() + sim::Duration::seconds(60);
  bool simulated = done(Side::kSim);
  while (!simulated && world_.world.now() < sim_deadline) {
    world_.run_for(sim::Duration::millis(10));
    simulated = done(Side::kSim);
  }
  INFO("settling: ", what);
  CHECK_MESSAGE(real, "real Redis never reached the state");
  CHECK_MESSAGE(simulated, "the simulator never reached the state");
  return real && simulated;
}

void SideBySide::check_same_info(int node, std::string_view what, std::string_view section) {
  std::string real = info(Side::kReal, node, section);
  std::string simulated = info(Side::kSim, node, section);
  INFO("INFO ", section, " of ", name(node), " ", what);
  INFO("real:\n", real);
  INFO("sim:\n", simulated);
  CHECK(info_names(simulated) == info_names(real));
  std::vector<InfoField> sim_fields = parse_info(simulated);
  for (const InfoField& r : parse_info(real)) {
    auto s = std::find_if(sim_fields.begin(), sim_fields.end(),
                          [&](const InfoField& f) { return f.name == r.name; });
    if (s == sim_fields.end()) continue;  // the name lists differ: reported above
    INFO("field ", r.name);
    CHECK(value_form(s->name, s->value) == value_form(r.name, r.value));
  }
}

}  // namespace real_redis
