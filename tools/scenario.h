// Scenario files: the data model of a scenario and its loader, which validates everything it
// can before a run.
//
// The file is JSON with comments (tools/jsonc.h) holding one object:
//   name (string, required), description (string), seed (integer 0..2^64-1, default 1),
//   nodes (object, required: name -> {addr, conf, sentinel, start}), clients (object: name ->
//   {kind, ...}, see scenario_clients.cpp), steps (array of {at, do}), until (duration, required), expect (array),
//   redis-cli ("one-shot" or "interactive", default one-shot), invariants (bool, default
//   false).
// Steps run in file order; "at" (default: the previous step's time) is the earliest time a
// step runs, and a `wait until` holds back the steps after it. The `do` grammar and the
// expectation keys are documented on the structs below.
//
// Invariants of a loaded Scenario (load_scenario returns one only when there is no error):
// - Node names are unique, match [A-Za-z0-9_][A-Za-z0-9_.-]*, and are not client names; node
//   addresses are unique; every node's `conf` loads in model::Config as redis-server 7.0.15
//   (or redis-sentinel, for sentinel nodes) would accept it, and a `port` directive, if any,
//   agrees with the node's address.
// - Every node a step, client or expectation names exists; a redis-cli step's address and a
//   pinned client's address are nodes' addresses.
// - Steps are in file order with non-decreasing times, all within [0, until]; expectation
//   times are within [0, until].
// Limits: the file's size and nesting are jsonc's (1 MiB, 64 levels); at most kMaxNodes nodes.
// Loading is total: any input (bytes, size, nesting) gives a Scenario or at least one error
// with a position inside the file, never a crash or a hang.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/client_library.h"
#include "model/workload.h"
#include "sim/address.h"
#include "sim/time.h"
#include "tools/jsonc.h"

namespace tools {

inline constexpr size_t kMaxNodes = 1000;

// One problem found in a scenario file.
struct Diagnostic {
  enum class Severity : uint8_t { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  uint32_t line = 0;
  uint32_t col = 0;
  std::string path;  // JSON path: `steps[3].do`; "" for the whole document
  std::string message;

  // "f.jsonc:12:15: error: steps[3].do: unknown node "mastr" (did you mean "master"?)"
  std::string to_string() const;
};

// Orders diagnostics by line and column, keeping the order of those at the same place.
void sort_by_position(std::vector<Diagnostic>& diagnostics);

// Where an element came from, for messages at run time ("expected at f.jsonc:40:7 ...").
struct Source {
  jsonc::Position pos;
  std::string path;
};

struct NodeSpec {
  std::string name;  // "master", "replica1", "sentinel1"
  sim::Address addr;
  std::vector<std::string> conf;  // redis.conf / sentinel.conf lines, as written
  bool sentinel = false;          // runs as redis-sentinel
  sim::Time start;                // when its process first starts ("start", default 0)
  Source source;

  // The node's config file: the lines of `conf`, each ending in '\n'.
  std::string config_file() const;
};

// A simulated application (model/workload.h): a client library of one kind, its options, and
// the writes and reads it makes. Addresses are resolved from node names at load time.
struct ClientSpec {
  std::string name;
  std::string kind;  // as written: "pinned", "redis-py", ...
  model::LibraryKind library = model::LibraryKind::kPinned;
  model::LibraryOptions options;
  model::WorkloadSpec workload;
  sim::Time start;  // when its process starts
  Source source;
};

// What a `wait until` waits for: an INFO field of a node showing a value. `role is master`
// and `master_link_status is up` are the INFO fields role and master_link_status.
struct Condition {
  std::string node;
  std::string field;  // INFO field name
  std::string value;  // as INFO prints it
};

namespace step {
struct Kill {  // kill -9 NODE (SIGKILL: nothing saved) or kill NODE (SIGTERM: clean shutdown)
  std::string node;
  bool sigkill = false;
};
struct Shutdown {  // shutdown NODE: the SHUTDOWN command
  std::string node;
};
enum class ConfigFile : uint8_t {
  kCurrent,   // the config file as it is now (CONFIG REWRITE and Sentinel may have changed it)
  kOriginal,  // the node's `conf` lines from the scenario
};
struct Start {  // start NODE [original|current]; current by default
  std::string node;
  ConfigFile config = ConfigFile::kCurrent;
};
struct Pause {  // pause NODE: SIGSTOP
  std::string node;
};
struct Resume {  // resume NODE: SIGCONT
  std::string node;
};
struct Partition {  // partition A,B | C,D [| E]  or  partition A,B -> C
  std::vector<std::vector<std::string>> sides;  // at least two, disjoint, none empty
  bool one_way = false;  // then exactly two sides: packets from sides[0] to sides[1] are lost
};
struct Heal {};  // heal: every partition
struct Host {    // host down NODE / host up NODE
  std::string node;
  bool up = false;
};
struct Lag {  // lag A B 200ms: extra latency from A to B; 0 removes it
  std::string from;
  std::string to;
  sim::Duration extra;
};
struct ClockJump {  // clock jump NODE +30s|-30s: the node's wall clock jumps
  std::string node;
  sim::Duration delta;  // signed
};
struct RedisCli {  // redis-cli [-h HOST] [-p PORT] ARGS... [&]
  std::string node;  // the node at HOST:PORT (default 127.0.0.1:6379, as redis-cli)
  std::vector<std::string> argv;  // split like sdssplitargs
  // A trailing "&", as in a shell: the next step does not wait for the reply (which is
  // printed when it comes), so a command to a paused server holds nothing back.
  bool background = false;
};
// What a `wait until ... log(s)` waits for: `[N of] NODE[,NODE...] log(s) EVENT [matching
// TEXT]`: at least `count` of `nodes` have each emitted a trace record with that event (and,
// with `matching`, a text containing TEXT) at or after the step's time ("at"), so the wait
// also sees what was logged while earlier steps ran.
struct LogCondition {
  std::vector<std::string> nodes;  // distinct, at least one
  size_t count = 0;                // 1..nodes.size(); all of them without "N of"
  std::string event;               // a trace record's event name: "+switch-master"
  std::string matching;            // "" or a substring the record's text must contain
};

struct WaitUntil {  // wait until CONDITION within DURATION
  std::variant<Condition, LogCondition> condition;
  sim::Duration within;
};
struct Sleep {  // sleep DURATION: the next step starts that long after this one
  sim::Duration duration;
};
}  // namespace step

using StepAction = std::variant<step::Kill, step::Shutdown, step::Start, step::Pause,
                                step::Resume, step::Partition, step::Heal, step::Host,
                                step::Lag, step::ClockJump, step::RedisCli, step::WaitUntil,
                                step::Sleep>;

struct Step {
  sim::Time at;      // the earliest time it runs; steps run in file order
  std::string text;  // the "do" string as written
  StepAction action;
  Source source;
};

// When an expectation is checked.
struct When {
  enum class Kind : uint8_t {
    kEnd,  // no "at" / "by": at the end of the run
    kAt,   // "at": at that time
    kBy,   // "by": at some time up to then (it became true and stayed until then, or a log
           //       event was seen by then)
  };
  Kind kind = Kind::kEnd;
  sim::Time t;  // kAt, kBy
};

namespace expect {
enum class Role : uint8_t { kMaster, kSlave };
struct NodeRole {  // {"node": N, "role": "master" | "slave"}
  std::string node;
  Role role = Role::kMaster;
};
struct ReplicatesFrom {  // {"node": N, "replicates_from": M}
  std::string node;
  std::string master;
};
struct KeyValue {  // {"node": N, "key": K, "value": V | null}; null: the key is missing
  std::string node;
  std::string key;
  std::optional<std::string> value;
};
struct InfoField {  // {"node": N, "info": FIELD, "equals" | "at_least" | "at_most" | "same_as"}
  enum class Op : uint8_t { kEquals, kAtLeast, kAtMost, kSameAs };
  std::string node;
  std::string field;
  Op op = Op::kEquals;
  std::string text;    // kEquals: the value as INFO prints it
  int64_t number = 0;  // kAtLeast, kAtMost
  std::string other;   // kSameAs: the node whose field must be equal
};
struct Log {  // {"log": EVENT, "node": N?, "seen": bool?, "count": n?}
  std::string event;               // a trace record's event name: "+switch-master"
  std::optional<std::string> node;  // only records of this node
  bool seen = true;
  std::optional<int64_t> count;  // exactly this many (implies seen, unless 0)
};
// A bound on a number: "<= 50", "< 50", ">= 2", "> 2", "== 3" or 3, "1..5" (inclusive).
struct Bound {
  int64_t lo = INT64_MIN;
  int64_t hi = INT64_MAX;
  std::string text;  // as written, for messages
  bool contains(int64_t v) const { return v >= lo && v <= hi; }
};
// What the clients experienced (model/history_check.h), checked at the end of the run:
// {"lost_writes": BOUND, "client": C?}, {"stale_reads": BOUND, "client": C?} (counts, summed
// over the clients, or of client C) and {"outage": BOUND, "client": C?} (the longest window
// without an acknowledged write, durations: "<= 2.5s", "1.9s..2.6s").
struct ClientMetric {
  enum class Metric : uint8_t { kLostWrites, kStaleReads, kOutage };
  Metric metric = Metric::kLostWrites;
  std::optional<std::string> client;
  Bound bound;  // counts, or microseconds for kOutage
};
}  // namespace expect

using Check = std::variant<expect::NodeRole, expect::ReplicatesFrom, expect::KeyValue,
                           expect::InfoField, expect::Log, expect::ClientMetric>;

struct Expectation {
  When when;
  Check check;
  Source source;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  uint64_t seed = 1;
  // "redis-cli": "one-shot" (default: each redis-cli step is a fresh redis-cli process, as
  // typed in a shell) or "interactive" (steps type into one redis-cli session per server).
  bool interactive_cli = false;
  // "invariants": true: the properties of tools/invariants.h are checked, safety throughout
  // and liveness at `until`; a violation fails the run (the fuzzer writes such scenarios).
  bool invariants = false;
  std::vector<NodeSpec> nodes;  // in file order
  std::vector<ClientSpec> clients;
  std::vector<Step> steps;
  sim::Time until;
  std::vector<Expectation> expectations;

  const NodeSpec* find_node(std::string_view name) const;
  const NodeSpec* find_node(const sim::Address& addr) const;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set exactly when `errors` is empty
  std::vector<Diagnostic> errors;    // in file order
  std::vector<Diagnostic> warnings;  // in file order (accepted directives not simulated, ...)
};

// Parses and validates a scenario file's text. `file_name` only prefixes the diagnostics.
LoadResult load_scenario(std::string_view file_name, std::string_view text);

}  // namespace tools
