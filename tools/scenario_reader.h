// Internal to the scenario loader (tools/scenario*.cpp): collecting diagnostics, reading typed
// JSON values with them, and resolving node names and addresses with "did you mean"
// suggestions.
//
// Invariants:
// - Every reader reports its own problem (type, format, unknown name) and returns nullopt or
//   nullptr; callers add nothing and go on, so one bad value gives one message.
// - Work per diagnostic is bounded: after kMaxErrors errors the Diagnostics is full() (its
//   last message says where checking stopped) and the loader stops walking lists; suggestions
//   are only computed for names of at most kMaxSuggestLength characters among at most
//   kMaxSuggestCandidates candidates.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/jsonc.h"
#include "tools/scenario.h"

namespace tools::scenario_detail {

inline constexpr size_t kMaxErrors = 100;
inline constexpr size_t kMaxSuggestLength = 64;
inline constexpr size_t kMaxSuggestCandidates = 256;

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void error(jsonc::Position pos, std::string path, std::string message);
  void warning(jsonc::Position pos, std::string path, std::string message);
  bool has_errors() const { return !errors_.empty(); }
  // Past kMaxErrors errors, error() drops them; callers stop walking lists.
  bool full() const { return errors_.size() >= kMaxErrors; }
  // Moves the diagnostics into `result`, each list sorted by position.
  void finish(LoadResult& result);

 private:
  Diagnostic make(Diagnostic::Severity severity, jsonc::Position pos, std::string path,
                  std::string message) const;

  std::string file_;
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
  std::optional<Diagnostic> last_;  // once full(): where checking stopped
};

// A node or client name as steps can write it: reports anything else.
bool check_name(Diagnostics& d, const jsonc::Member& m, const std::string& path,
                std::string_view what);

// The candidate nearest to `given` by edit distance, when near enough to be a typo.
std::optional<std::string_view> closest(std::string_view given,
                                        std::span<const std::string_view> candidates);
// " (did you mean "x"?)", or "" when nothing is near.
std::string did_you_mean(std::string_view given, std::span<const std::string_view> candidates);
// "a, b or c".
std::string list_words(std::span<const std::string_view> words);
// An INFO field name as INFO prints them: lowercase letters, digits and '_'.
bool is_info_field(std::string_view name);

// A JSON object whose keys come from a fixed list. The constructor reports the value not being
// an object (then ok() is false) and every key not in the list, suggesting the nearest.
class ObjectReader {
 public:
  // REQUIRES: `keys` outlives the reader.
  ObjectReader(Diagnostics& d, const jsonc::Value& value, std::string object_path,
               std::span<const std::string_view> keys);

  bool ok() const { return ok_; }
  const jsonc::Value& value() const { return value_; }
  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const { return jsonc::member_path(path_, key); }
  // The member, or nullptr when absent, not one of the keys, or when this is not an object.
  const jsonc::Value* get(std::string_view key) const;
  // The member, or nullptr after reporting `missing "<key>": expected <what>`.
  const jsonc::Value* require(std::string_view key, std::string_view what) const;

 private:
  Diagnostics& d_;
  const jsonc::Value& value_;
  std::string path_;
  std::span<const std::string_view> keys_;  // static tables
  bool ok_ = false;
};

// Typed values. Each reports "expected ..., got ..." (with the format's own error for
// durations and addresses) and returns nullopt.
std::optional<std::string> read_string(Diagnostics& d, const jsonc::Value& v,
                                       const std::string& path);
std::optional<bool> read_bool(Diagnostics& d, const jsonc::Value& v, const std::string& path);
std::optional<uint64_t> read_uint64(Diagnostics& d, const jsonc::Value& v,
                                    const std::string& path);
std::optional<int64_t> read_int64(Diagnostics& d, const jsonc::Value& v,
                                  const std::string& path);
std::optional<sim::Duration> read_duration(Diagnostics& d, const jsonc::Value& v,
                                           const std::string& path);
std::optional<sim::Address> read_address(Diagnostics& d, const jsonc::Value& v,
                                         const std::string& path);
// The end of the run, and how the file writes it (for messages).
struct Until {
  sim::Time t;
  std::string text;
};
// A time within [0, until] (until unknown: any non-negative time).
std::optional<sim::Time> read_time(Diagnostics& d, const jsonc::Value& v,
                                   const std::string& path, const std::optional<Until>& until);

// The scenario's nodes, for references from steps, clients and expectations.
class NodeIndex {
 public:
  explicit NodeIndex(const std::vector<NodeSpec>& nodes);

  const NodeSpec* by_name(std::string_view name) const;
  const NodeSpec* by_address(const sim::Address& addr) const;
  // `unknown node "mastr" (did you mean "master"?)` or `unknown node "x": expected one of ...`.
  std::string unknown_name(std::string_view name) const;
  // `no node has the address 127.0.0.1:6390 (did you mean 127.0.0.1:6380, node "replica1"?)`.
  std::string unknown_address(const sim::Address& addr) const;
  // A string naming a node; reports anything else.
  std::optional<std::string> read_node(Diagnostics& d, const jsonc::Value& v,
                                       const std::string& path) const;

 private:
  const std::vector<NodeSpec>& nodes_;
  std::map<std::string, size_t, std::less<>> by_name_;
  std::map<sim::Address, size_t> by_address_;
};

// The parts of the loader, in the order it runs them (scenario.cpp calls them).
// Checks one node's `conf` as redis-server / redis-sentinel would load it (scenario_conf.cpp).
void check_node_config(Diagnostics& d, const NodeIndex& nodes, const NodeSpec& node,
                       const jsonc::Value* conf, const std::string& conf_path);
// Reads `clients` (scenario_clients.cpp).
std::vector<ClientSpec> read_clients(Diagnostics& d, const NodeIndex& nodes,
                                     const jsonc::Value& clients,
                                     const std::optional<Until>& until,
                                     const std::vector<NodeSpec>& all_nodes);
// Reads `steps` (scenario_steps.cpp).
std::vector<Step> read_steps(Diagnostics& d, const NodeIndex& nodes, const jsonc::Value& steps,
                             const std::string& path, const std::optional<Until>& until);
// Reads `expect` (scenario_expect.cpp).
std::vector<Expectation> read_expectations(Diagnostics& d, const NodeIndex& nodes,
                                           const jsonc::Value& expect, const std::string& path,
                                           const std::optional<Until>& until,
                                           const std::vector<ClientSpec>& clients);

}  // namespace tools::scenario_detail
