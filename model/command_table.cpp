// The command table: facts from Redis 7.0.15's src/commands/*.json (arity, command_flags),
// and processCommand's lookup and error texts (server.c commandCheckExistence,
// commandCheckArity; networking.c addReplyErrorArity, addReplySubcommandSyntaxError).
#include "model/command_table.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <unordered_map>

namespace model {
namespace {

using Id = CommandId;
using namespace command_flags;

// Subcommands first: the containers below refer to them.
constexpr CommandSpec kConfigSubcommands[] = {
    {Id::kConfigGet, "get", "config|get", -3, kAdmin | kNoscript | kLoading | kStale},
    {Id::kConfigHelp, "help", "config|help", 2, kLoading | kStale},
    {Id::kConfigResetstat, "resetstat", "config|resetstat", 2,
     kAdmin | kNoscript | kLoading | kStale},
    {Id::kConfigRewrite, "rewrite", "config|rewrite", 2, kAdmin | kNoscript | kLoading | kStale},
    {Id::kConfigSet, "set", "config|set", -4, kAdmin | kNoscript | kLoading | kStale},
};

constexpr CommandSpec kClientSubcommands[] = {
    {Id::kClientCaching, "caching", "client|caching", 3,
     kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientGetname, "getname", "client|getname", 2,
     kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientGetredir, "getredir", "client|getredir", 2,
     kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientHelp, "help", "client|help", 2, kLoading | kStale | kSentinel},
    {Id::kClientId, "id", "client|id", 2, kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientInfo, "info", "client|info", 2, kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientKill, "kill", "client|kill", -3,
     kAdmin | kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientList, "list", "client|list", -2,
     kAdmin | kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientNoEvict, "no-evict", "client|no-evict", 3,
     kAdmin | kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientPause, "pause", "client|pause", -3,
     kAdmin | kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientReply, "reply", "client|reply", 3, kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientSetname, "setname", "client|setname", 3,
     kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientTracking, "tracking", "client|tracking", -3,
     kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientTrackinginfo, "trackinginfo", "client|trackinginfo", 2,
     kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientUnblock, "unblock", "client|unblock", -3,
     kAdmin | kNoscript | kLoading | kStale | kSentinel},
    {Id::kClientUnpause, "unpause", "client|unpause", 2,
     kAdmin | kNoscript | kLoading | kStale | kSentinel},
};

constexpr CommandSpec kSentinelSubcommands[] = {
    {Id::kSentinelCkquorum, "ckquorum", "sentinel|ckquorum", 3,
     kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelConfig, "config", "sentinel|config", -3, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelDebug, "debug", "sentinel|debug", -2, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelFailover, "failover", "sentinel|failover", 3,
     kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelFlushconfig, "flushconfig", "sentinel|flushconfig", 2,
     kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelGetMasterAddrByName, "get-master-addr-by-name",
     "sentinel|get-master-addr-by-name", 3, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelHelp, "help", "sentinel|help", 2, kLoading | kStale | kSentinel | kOnlySentinel},
    {Id::kSentinelInfoCache, "info-cache", "sentinel|info-cache", -3,
     kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelIsMasterDownByAddr, "is-master-down-by-addr",
     "sentinel|is-master-down-by-addr", 6, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelMaster, "master", "sentinel|master", 3, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelMasters, "masters", "sentinel|masters", 2, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelMonitor, "monitor", "sentinel|monitor", 6, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelMyid, "myid", "sentinel|myid", 2, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelPendingScripts, "pending-scripts", "sentinel|pending-scripts", 2,
     kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelRemove, "remove", "sentinel|remove", 3, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelReplicas, "replicas", "sentinel|replicas", 3,
     kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelReset, "reset", "sentinel|reset", 3, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelSentinels, "sentinels", "sentinel|sentinels", 3,
     kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelSet, "set", "sentinel|set", -5, kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelSimulateFailure, "simulate-failure", "sentinel|simulate-failure", -3,
     kAdmin | kSentinel | kOnlySentinel},
    {Id::kSentinelSlaves, "slaves", "sentinel|slaves", 3, kAdmin | kSentinel | kOnlySentinel},
};

constexpr CommandSpec kCommandSubcommands[] = {
    {Id::kCommandCount, "count", "command|count", 2, kLoading | kStale | kSentinel},
    {Id::kCommandDocs, "docs", "command|docs", -2, kLoading | kStale | kSentinel},
    {Id::kCommandGetkeys, "getkeys", "command|getkeys", -4, kLoading | kStale | kSentinel},
    {Id::kCommandGetkeysandflags, "getkeysandflags", "command|getkeysandflags", -4,
     kLoading | kStale | kSentinel},
    {Id::kCommandHelp, "help", "command|help", 2, kLoading | kStale | kSentinel},
    {Id::kCommandInfo, "info", "command|info", -2, kLoading | kStale | kSentinel},
    {Id::kCommandList, "list", "command|list", -2, kLoading | kStale | kSentinel},

};

constexpr CommandSpec kCommands[] = {
    {Id::kGet, "get", "get", 2, kReadonly | kFast},
    {Id::kSet, "set", "set", -3, kWrite | kDenyoom},
    {Id::kSetex, "setex", "setex", 4, kWrite | kDenyoom},
    {Id::kIncr, "incr", "incr", 2, kWrite | kDenyoom | kFast},
    {Id::kIncrby, "incrby", "incrby", 3, kWrite | kDenyoom | kFast},
    {Id::kDecr, "decr", "decr", 2, kWrite | kDenyoom | kFast},
    {Id::kDecrby, "decrby", "decrby", 3, kWrite | kDenyoom | kFast},
    {Id::kIncrbyfloat, "incrbyfloat", "incrbyfloat", 3, kWrite | kDenyoom | kFast},
    {Id::kMget, "mget", "mget", -2, kReadonly | kFast},
    {Id::kDel, "del", "del", -2, kWrite},
    {Id::kExists, "exists", "exists", -2, kReadonly | kFast},
    {Id::kExpire, "expire", "expire", -3, kWrite | kFast},
    {Id::kPexpire, "pexpire", "pexpire", -3, kWrite | kFast},
    {Id::kExpireat, "expireat", "expireat", -3, kWrite | kFast},
    {Id::kPexpireat, "pexpireat", "pexpireat", -3, kWrite | kFast},
    {Id::kTtl, "ttl", "ttl", 2, kReadonly | kFast},
    {Id::kPttl, "pttl", "pttl", 2, kReadonly | kFast},
    {Id::kKeys, "keys", "keys", 2, kReadonly},
    {Id::kDbsize, "dbsize", "dbsize", 1, kReadonly | kFast},
    {Id::kSadd, "sadd", "sadd", -3, kWrite | kDenyoom | kFast},
    {Id::kSmembers, "smembers", "smembers", 2, kReadonly},
    {Id::kScard, "scard", "scard", 2, kReadonly | kFast},
    {Id::kLpush, "lpush", "lpush", -3, kWrite | kDenyoom | kFast},
    {Id::kRpush, "rpush", "rpush", -3, kWrite | kDenyoom | kFast},
    {Id::kLrange, "lrange", "lrange", 4, kReadonly},
    {Id::kFlushall, "flushall", "flushall", -1, kWrite},
    {Id::kFlushdb, "flushdb", "flushdb", -1, kWrite},
    {Id::kSelect, "select", "select", 2, kLoading | kStale | kFast},
    {Id::kPing, "ping", "ping", -1, kFast | kSentinel},
    {Id::kEcho, "echo", "echo", 2, kLoading | kStale | kFast},
    {Id::kInfo, "info", "info", -1, kLoading | kStale | kSentinel},
    {Id::kRole, "role", "role", 1, kNoscript | kLoading | kStale | kFast | kSentinel},
    {Id::kReplicaof, "replicaof", "replicaof", 3, kNoAsyncLoading | kAdmin | kNoscript | kStale},
    {Id::kSlaveof, "slaveof", "slaveof", 3, kNoAsyncLoading | kAdmin | kNoscript | kStale},
    {Id::kConfig, "config", "config", -2, 0, kConfigSubcommands},
    {Id::kShutdown, "shutdown", "shutdown", -1,
     kAdmin | kNoscript | kLoading | kStale | kNoMulti | kSentinel | kAllowBusy},
    {Id::kDebug, "debug", "debug", -2, kAdmin | kNoscript | kLoading | kStale | kProtected},
    {Id::kWait, "wait", "wait", 3, kNoscript},
    {Id::kPublish, "publish", "publish", 3,
     kPubsub | kLoading | kStale | kFast | kMayReplicate | kSentinel},
    {Id::kSubscribe, "subscribe", "subscribe", -2,
     kPubsub | kNoscript | kLoading | kStale | kSentinel},
    {Id::kPsubscribe, "psubscribe", "psubscribe", -2,
     kPubsub | kNoscript | kLoading | kStale | kSentinel},
    {Id::kUnsubscribe, "unsubscribe", "unsubscribe", -1,
     kPubsub | kNoscript | kLoading | kStale | kSentinel},
    {Id::kPunsubscribe, "punsubscribe", "punsubscribe", -1,
     kPubsub | kNoscript | kLoading | kStale | kSentinel},
    {Id::kAuth, "auth", "auth", -2,
     kNoscript | kLoading | kStale | kFast | kNoAuth | kSentinel | kAllowBusy},
    {Id::kHello, "hello", "hello", -1,
     kNoscript | kLoading | kStale | kFast | kNoAuth | kSentinel | kAllowBusy},
    {Id::kClient, "client", "client", -2, kSentinel, kClientSubcommands},
    {Id::kMulti, "multi", "multi", 1, kNoscript | kLoading | kStale | kFast | kAllowBusy},
    {Id::kExec, "exec", "exec", 1, kNoscript | kLoading | kStale | kSkipSlowlog},
    {Id::kDiscard, "discard", "discard", 1, kNoscript | kLoading | kStale | kFast | kAllowBusy},
    {Id::kSync, "sync", "sync", 1, kNoAsyncLoading | kAdmin | kNoMulti | kNoscript},
    {Id::kPsync, "psync", "psync", -3, kNoAsyncLoading | kAdmin | kNoMulti | kNoscript},
    {Id::kReplconf, "replconf", "replconf", -1,
     kAdmin | kNoscript | kLoading | kStale | kAllowBusy},
    {Id::kSentinel, "sentinel", "sentinel", -2, kAdmin | kSentinel | kOnlySentinel,
     kSentinelSubcommands},
    {Id::kCommand, "command", "command", -1, kLoading | kStale | kSentinel,
     kCommandSubcommands},
    {Id::kQuit, "quit", "quit", -1, kAllowBusy | kNoscript | kLoading | kStale | kFast | kNoAuth},
    {Id::kTime, "time", "time", 1, kLoading | kStale | kFast},
    {Id::kLastsave, "lastsave", "lastsave", 1, kLoading | kStale | kFast},
    {Id::kSave, "save", "save", 1, kNoAsyncLoading | kAdmin | kNoscript | kNoMulti},
    {Id::kBgsave, "bgsave", "bgsave", -1, kNoAsyncLoading | kAdmin | kNoscript},
    {Id::kFailover, "failover", "failover", -1, kAdmin | kNoscript | kStale},
    {Id::kMonitor, "monitor", "monitor", 1, kAdmin | kNoscript | kLoading | kStale},
};

constexpr size_t kIdCount = static_cast<size_t>(CommandId::kCount_);

// Every spec by id, built once from the arrays above.
std::array<const CommandSpec*, kIdCount> build_index() {
  std::array<const CommandSpec*, kIdCount> index{};
  for (const CommandSpec& spec : kCommands) {
    index[static_cast<size_t>(spec.id)] = &spec;
    for (const CommandSpec& sub : spec.subcommands) index[static_cast<size_t>(sub.id)] = &sub;
  }
  return index;
}

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char to_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

const CommandSpec* find_in(std::span<const CommandSpec> specs, std::string_view name,
                           CommandTableMode mode) {
  for (const CommandSpec& spec : specs) {
    if (spec.name.size() == name.size() && equals_ignore_case(spec.name, name)) {
      return spec.available_in(mode) ? &spec : nullptr;
    }
  }
  return nullptr;
}

// The top-level table by lower-case name: every request looks its command up, and the table
// has a hundred entries. (Only looked up, never iterated: no effect on determinism.)
const CommandSpec* find_top_level(std::string_view name) {
  static constexpr size_t kLongestName = [] {
    size_t longest = 0;
    for (const CommandSpec& spec : kCommands) longest = std::max(longest, spec.name.size());
    return longest;
  }();
  static const std::unordered_map<std::string_view, const CommandSpec*> by_name = [] {
    std::unordered_map<std::string_view, const CommandSpec*> index;
    for (const CommandSpec& spec : kCommands) index.emplace(spec.name, &spec);
    return index;
  }();
  if (name.size() > kLongestName) return nullptr;
  char lower[kLongestName];
  for (size_t i = 0; i < name.size(); ++i) lower[i] = to_lower(name[i]);
  auto it = by_name.find(std::string_view(lower, name.size()));
  return it == by_name.end() ? nullptr : it->second;
}

// Appends "'<arg>' " the way commandCheckExistence's "'%.*s' " does with `limit` bytes.
void append_quoted(std::string& out, std::string_view arg, size_t limit) {
  arg = as_c_string(arg);
  out += '\'';
  out.append(arg.substr(0, limit));
  out += "' ";
}

}  // namespace

bool CommandSpec::arity_ok(size_t argc) const {
  // commandCheckArity
  const auto n = static_cast<int64_t>(argc);
  return arity > 0 ? n == arity : n >= -static_cast<int64_t>(arity);
}

bool CommandSpec::available_in(CommandTableMode mode) const {
  // populateCommandStructure
  if (mode == CommandTableMode::kSentinel) return has(kSentinel);
  return !has(kOnlySentinel);
}

const CommandSpec& command_spec(CommandId id) {
  static const std::array<const CommandSpec*, kIdCount> index = build_index();
  return *index[static_cast<size_t>(id)];
}

const CommandSpec* find_command(std::string_view name, CommandTableMode mode) {
  const CommandSpec* spec = find_top_level(name);
  return spec != nullptr && spec->available_in(mode) ? spec : nullptr;
}

const CommandSpec* find_subcommand(const CommandSpec& container, std::string_view name,
                                   CommandTableMode mode) {
  return find_in(container.subcommands, name, mode);
}

const CommandSpec* lookup_command(std::span<const std::string> argv, CommandTableMode mode) {
  // lookupCommandLogic: one level of subcommands, chosen only when there is an argv[1].
  const CommandSpec* base = find_command(argv[0], mode);
  if (base == nullptr || argv.size() == 1 || !base->is_container()) return base;
  return find_subcommand(*base, argv[1], mode);
}

CommandCheck check_command(std::span<const std::string> argv, CommandTableMode mode) {
  CommandCheck check;
  const CommandSpec* spec = lookup_command(argv, mode);
  if (spec == nullptr) {
    // isContainerCommandBySds: a known container with an unknown subcommand.
    const CommandSpec* base = find_command(argv[0], mode);
    check.error = base != nullptr && base->is_container()
                      ? unknown_subcommand_error(argv[0], argv[1])
                      : unknown_command_error(argv);
    return check;
  }
  if (!spec->arity_ok(argv.size())) {
    check.error = wrong_arity_error(*spec);
    return check;
  }
  check.spec = spec;
  return check;
}

int64_t reported_command_count(CommandTableMode mode) {
  // Measured with COMMAND COUNT on redis-server 7.0.15 and redis-server --sentinel 7.0.15.
  return mode == CommandTableMode::kSentinel ? 15 : 240;
}

std::string unknown_command_error(std::span<const std::string> argv) {
  constexpr size_t kLimit = 128;
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < kLimit; ++i) {
    append_quoted(args, argv[i], kLimit - args.size());
  }
  std::string text = "ERR unknown command '";
  text.append(as_c_string(argv[0]).substr(0, kLimit));
  text += "', with args beginning with: ";
  text += args;
  return sanitize_error(std::move(text));
}

std::string unknown_subcommand_error(std::string_view container, std::string_view sub) {
  std::string text = "ERR unknown subcommand '";
  text.append(as_c_string(sub).substr(0, 128));
  text += "'. Try ";
  for (char c : as_c_string(container)) text += to_upper(c);
  text += " HELP.";
  return sanitize_error(std::move(text));
}

std::string subcommand_syntax_error(std::string_view container, std::string_view sub) {
  std::string text = "ERR unknown subcommand or wrong number of arguments for '";
  text.append(as_c_string(sub).substr(0, 128));
  text += "'. Try ";
  for (char c : as_c_string(container)) text += to_upper(c);
  text += " HELP.";
  return sanitize_error(std::move(text));
}

std::string wrong_arity_error(const CommandSpec& spec) {
  std::string text = "ERR wrong number of arguments for '";
  text += spec.fullname;
  text += "' command";
  return text;
}

std::string debug_not_allowed_error() {
  return "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
         "\"local\", you can run it from a local connection, otherwise you need to set this "
         "option in the configuration file, and then restart the server.";
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

std::string_view as_c_string(std::string_view arg) {
  return arg.substr(0, arg.find('\0'));
}

std::string sanitize_error(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

}  // namespace model
