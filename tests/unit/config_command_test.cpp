// CONFIG GET and CONFIG SET. Every reply marked "observed" was given by redis-server 7.0.15
// to `redis-cli -p <port> CONFIG ...` with the same arguments.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/config.h"

using model::Config;
using model::ConfigApply;
using model::RespValue;

namespace {

using Args = std::vector<std::string>;

// CONFIG SET's reply as redis-cli shows it: "OK" or the error text.
std::string set(Config& config, Args args, const model::ConfigSetContext& context = {}) {
  RespValue reply = config.config_set(args, context);
  return reply.str;
}

std::string get(const Config& config, std::string name) {
  RespValue reply = config.config_get(Args{std::move(name)});
  return reply.elements.size() == 2 ? reply.elements[1].str : "<" + std::to_string(
      reply.elements.size()) + " elements>";
}

// The names of a CONFIG GET reply, in reply order.
std::vector<std::string> names(const RespValue& reply) {
  std::vector<std::string> out;
  for (size_t i = 0; i < reply.elements.size(); i += 2) out.push_back(reply.elements[i].str);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("config set: errors, in the order Redis checks them (observed)") {
  Config config;
  CHECK(set(config, {"foo", "bar"}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(set(config, {"port"}) == "ERR wrong number of arguments for 'config|set' command");
  CHECK(set(config, {"port", "1", "2"}) == "ERR syntax error");
  CHECK(set(config, {"Daemonize", "yes"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'Daemonize') - can't set immutable "
        "config");
  CHECK(set(config, {"slaveof", "a 1"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set immutable "
        "config");
  CHECK(set(config, {"maxmemory", "1X", "port", "99999"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
        "memory value");
  CHECK(set(config, {"port", "99999", "maxmemory", "1x"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 "
        "and 65535 inclusive");
  CHECK(set(config, {"replica-priority", "5", "Replica-Priority", "7", "foo", "1"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'Replica-Priority') - duplicate "
        "parameter");
  CHECK(set(config, {"foo", "1", "daemonize", "yes"}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(set(config, {"daemonize", "yes", "foo", "1"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable "
        "config");
  CHECK(set(config, {"dir", "/tmp"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  CHECK(set(config, {"save", "100 1  2 3"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
  CHECK(set(config, {"save", "  "}) ==
        "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
  CHECK(set(config, {"shutdown-on-sigint", "save  now"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - argument(s) "
        "must be one of the following: default, save, nosave, now, force");
  CHECK(set(config, {"proc-title-template", " {server-mode} "}) ==
        "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template "
        "format is invalid or contains unknown variables");
  // Nothing above changed anything: a failed CONFIG SET restores every value.
  CHECK(config.unmodelled_changes().empty());
  CHECK(config.replica_priority() == 100);
}

TEST_CASE("config set: several at once, aliases, and values as CONFIG GET shows them") {
  Config config;
  // An alias is another dict entry, so naming both is no duplicate; the last one wins.
  CHECK(set(config, {"replica-priority", "5", "slave-priority", "7"}) == "OK");
  CHECK(get(config, "replica-priority") == "7");
  struct Step {
    const char* name;
    const char* value;
    const char* shown;  // observed CONFIG GET after the SET
  } steps[] = {
      {"hz", "1000", "500"},  // updateHZ clamps
      {"hz", "0", "1"},
      {"repl-backlog-size", "1", "16384"},  // resizeReplicationBacklog's minimum
      {"save", "100 1 2 3", "100 1 2 3"},
      {"save", "", ""},
      {"save", "5 4294967297", "5 1"},  // changes is an int
      {"save", "+5 1", "5 1"},
      {"maxmemory-clients", "50%", "50%"},
      {"maxmemory-clients", "18446744073709551615", "1%"},  // wraps to -1, a percentage
      {"loglevel", "WARNING", "warning"},
      {"shutdown-on-sigint", "now save", "save now"},
      {"maxmemory", "1gb", "1073741824"},
      {"maxmemory", "99999999999999999999", "18446744073709551615"},
      {"maxmemory", "kb", "0"},
      {"bind", "", ""},
      {"bind", "127.0.0.1 ::1", "127.0.0.1 ::1"},
      {"client-output-buffer-limit", "pubsub 1mb 2mb 3",
       "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2097152 3"},
      {"client-output-buffer-limit", "normal 1 2 4294967297",
       "normal 1 2 1 slave 268435456 67108864 60 pubsub 1048576 2097152 3"},
      {"oom-score-adj-values", "0 200 800", "0 200 800"},
      {"notify-keyspace-events", "KEA", "AKE"},
      {"notify-keyspace-events", "$lKEm", "$lKEm"},
      {"latency-tracking-info-percentiles", "", ""},
      {"latency-tracking-info-percentiles", "0.5 99.99 1e1", "0.5 99.99 10"},
      {"masterauth", "", ""},
      {"oom-score-adj", "relative", "yes"},
      {"proc-title-template", "{{x", "{{x"},
      {"proc-title-template", "}", "}"},
  };
  for (const Step& s : steps) {
    CAPTURE(s.name);
    CAPTURE(s.value);
    CHECK(set(config, {s.name, s.value}) == "OK");
    CHECK(get(config, s.name) == s.shown);
  }
  CHECK_FALSE(config.masterauth());
}

TEST_CASE("config set: validators of directives the simulation only stores (observed)") {
  Config config;  // no unixsocket, not in cluster mode
  const std::string invalid_template =
      "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template "
      "format is invalid or contains unknown variables";
  for (const char* bad : {"{unixsocket}", "{title}", "{title", "{", "{Port}", "{server-mode}"}) {
    CAPTURE(bad);
    CHECK(set(config, {"proc-title-template", bad}) == invalid_template);
  }
  CHECK(set(config, {"proc-title-template", "{config-file}"}) == "OK");
  CHECK(set(config, {"proc-title-template", "x{{"}) == "OK");
  CHECK(set(config, {"cluster-announce-hostname", std::string(256, 'a')}) ==
        "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-hostname') - "
        "Hostnames must be less than 256 characters");
  CHECK(set(config, {"cluster-announce-hostname", std::string(255, 'a')}) == "OK");
  CHECK(set(config, {"replica-announce-ip", ""}) == "OK");
  CHECK_FALSE(config.replica_announce_ip());
  CHECK(set(config, {"enable-debug-command", "yes"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set "
        "immutable config");
}

TEST_CASE("config set: protected and loading-time directives follow the server's state") {
  Config local;
  REQUIRE_FALSE(local.load("enable-protected-configs local\n"));
  CHECK(set(local, {"dir", "/tmp/cf/ap"}) ==
        "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  CHECK(set(local, {"dir", "/tmp/cf/ap"}, {.local_client = true}) == "OK");  // observed
  CHECK(get(local, "dir") == "/tmp/cf/ap");
  Config loading;
  CHECK(set(loading, {"appendonly", "yes", "foo", "1"}, {.loading = true}) ==
        "LOADING Redis is loading the dataset in memory");
  CHECK(set(loading, {"foo", "1", "appendonly", "yes"}, {.loading = true}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
}

TEST_CASE("config set: a failing apply restores every value and applies the old ones") {
  Config config;
  std::vector<ConfigApply> applied;
  model::ConfigSetContext context;
  context.apply = [&](ConfigApply a) -> std::string {
    applied.push_back(a);
    bool port_taken = a == ConfigApply::kPort && config.port() == 17215;
    return port_taken ? "Unable to listen on this port. Check server logs." : "";
  };
  // Observed with port 17215 held by another redis-server.
  CHECK(set(config, {"maxmemory", "5mb", "port", "17215", "hz", "50"}, context) ==
        "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
        "port. Check server logs.");
  CHECK(get(config, "port") == "6379");
  CHECK(get(config, "maxmemory") == "0");
  CHECK(get(config, "hz") == "10");
  CHECK(applied == std::vector<ConfigApply>{ConfigApply::kMaxmemory, ConfigApply::kPort,
                                            ConfigApply::kMaxmemory, ConfigApply::kPort,
                                            ConfigApply::kHz});
  // Each apply runs once, and only for what changed.
  applied.clear();
  CHECK(set(config, {"min-replicas-to-write", "1", "min-replicas-max-lag", "5", "port", "6379"},
            context) == "OK");
  CHECK(applied == std::vector<ConfigApply>{ConfigApply::kGoodReplicas});
}

TEST_CASE("config get: patterns, exact names and duplicates (observed)") {
  Config config;
  CHECK(config.config_get(Args{}).str == "ERR wrong number of arguments for 'config|get' command");
  CHECK(config.config_get(Args{"nonexist"}).elements.empty());
  CHECK(names(config.config_get(Args{"SAVE"})) == std::vector<std::string>{"SAVE"});
  CHECK(names(config.config_get(Args{"SAV*"})) == std::vector<std::string>{"save"});
  CHECK(names(config.config_get(Args{"[rs]ave"})) == std::vector<std::string>{"save"});
  CHECK(names(config.config_get(Args{"port", "port"})) == std::vector<std::string>{"port"});
  CHECK(names(config.config_get(Args{"SAVE", "s*ve"})) == std::vector<std::string>{"SAVE"});
  CHECK(sorted(names(config.config_get(Args{"port", "p*"}))) ==
        std::vector<std::string>{"pidfile", "port", "proc-title-template",
                                 "propagation-error-behavior", "protected-mode",
                                 "proto-max-bulk-len"});
  CHECK(sorted(names(config.config_get(Args{"*max*memory*"}))) ==
        std::vector<std::string>{"maxmemory", "maxmemory-clients", "maxmemory-eviction-tenacity",
                                 "maxmemory-policy", "maxmemory-samples",
                                 "replica-ignore-maxmemory", "slave-ignore-maxmemory"});
  // Hidden directives answer only to their exact name.
  CHECK(get(config, "use-exit-on-panic") == "no");
  CHECK(config.config_get(Args{"use-exit*"}).elements.empty());
}

TEST_CASE("config get: the reply order is the process's dict order, fixed by its seed") {
  Args star = {"*"};
  std::vector<std::string> a = names(Config({.hash_seed = 1}).config_get(star));
  std::vector<std::string> b = names(Config({.hash_seed = 1}).config_get(star));
  std::vector<std::string> c = names(Config({.hash_seed = 2}).config_get(star));
  CHECK(a.size() == 192);  // observed: 178 directives and 19 aliases, 5 of them hidden
  CHECK(a == b);
  CHECK(a != c);
  CHECK(sorted(a) == sorted(c));
  // Several patterns give one reply in that same order.
  std::vector<std::string> two = names(Config({.hash_seed = 1}).config_get(Args{"repl-*", "*"}));
  CHECK(two == a);
}
