// The commands a simulated redis-server (or Sentinel) knows, as Redis 7.0.15 declares them in
// src/commands/*.json: name, arity, flags, and the subcommands of container commands (CONFIG,
// CLIENT, COMMAND, SENTINEL). Plus processCommand's first two checks (commandCheckExistence,
// commandCheckArity) and the exact error texts Redis builds for them.
//
// Invariants:
// - Arity follows Redis: positive = exactly that many arguments (the name counts), negative =
//   at least -arity.
// - `fullname` is what Redis prints in errors: "get", or "config|get" for a subcommand.
// - Lookups are case-insensitive, compare every byte (an embedded NUL never matches) and do
//   not allocate. Server mode hides commands flagged kOnlySentinel; Sentinel mode shows only
//   those flagged kSentinel (populateCommandStructure), subcommands included.
// - Error texts are the reply's text without the leading '-', e.g. "ERR syntax error".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "model/resp.h"

namespace model {

enum class CommandId : uint8_t {
  // Data commands (Keyspace::execute).
  kGet, kSet, kSetex, kIncr, kIncrby, kDecr, kDecrby, kIncrbyfloat, kMget, kDel, kExists,
  kExpire, kPexpire, kExpireat, kPexpireat, kTtl, kPttl, kKeys, kDbsize, kSadd, kSmembers,
  kScard, kLpush, kRpush, kLrange, kFlushall, kFlushdb, kSelect,
  // Server, connection and replication commands (the server's own).
  kPing, kEcho, kInfo, kRole, kReplicaof, kSlaveof, kConfig, kShutdown, kDebug, kWait,
  kPublish, kSubscribe, kPsubscribe, kUnsubscribe, kPunsubscribe, kAuth, kHello, kClient,
  kMulti, kExec, kDiscard, kSync, kPsync, kReplconf, kSentinel, kCommand, kQuit, kTime,
  kLastsave, kSave, kBgsave, kFailover, kMonitor,
  // CONFIG subcommands.
  kConfigGet, kConfigHelp, kConfigResetstat, kConfigRewrite, kConfigSet,
  // CLIENT subcommands.
  kClientCaching, kClientGetname, kClientGetredir, kClientHelp, kClientId, kClientInfo,
  kClientKill, kClientList, kClientNoEvict, kClientPause, kClientReply, kClientSetname,
  kClientTracking, kClientTrackinginfo, kClientUnblock, kClientUnpause,
  // SENTINEL subcommands (Sentinel mode only).
  kSentinelCkquorum, kSentinelConfig, kSentinelDebug, kSentinelFailover, kSentinelFlushconfig,
  kSentinelGetMasterAddrByName, kSentinelHelp, kSentinelInfoCache, kSentinelIsMasterDownByAddr,
  kSentinelMaster, kSentinelMasters, kSentinelMonitor, kSentinelMyid, kSentinelPendingScripts,
  kSentinelRemove, kSentinelReplicas, kSentinelReset, kSentinelSentinels, kSentinelSet,
  kSentinelSimulateFailure, kSentinelSlaves,
  // COMMAND subcommands.
  kCommandCount, kCommandDocs, kCommandGetkeys, kCommandGetkeysandflags, kCommandHelp,
  kCommandInfo, kCommandList,
  kCount_,  // not a command: the number of ids
};

// The 7.0 command flags (server.h CMD_*) that change how a command is processed.
namespace command_flags {
enum : uint32_t {
  kWrite = 1u << 0,            // may modify the dataset: READONLY / NOREPLICAS / propagation
  kReadonly = 1u << 1,         // reads keys only
  kDenyoom = 1u << 2,          // refused over maxmemory
  kAdmin = 1u << 3,            // administrative; never shown to MONITOR
  kPubsub = 1u << 4,           // pub/sub related
  kNoscript = 1u << 5,         // not allowed from scripts
  kLoading = 1u << 6,          // allowed while loading the dataset (else -LOADING)
  kStale = 1u << 7,            // allowed on a replica with a broken link and
                               // replica-serve-stale-data no (else -MASTERDOWN)
  kSkipSlowlog = 1u << 8,      // not logged in the slow log
  kFast = 1u << 9,             // O(1) or O(log N)
  kNoAuth = 1u << 10,          // allowed before AUTH
  kMayReplicate = 1u << 11,    // may be replicated although not a write (PUBLISH)
  kSentinel = 1u << 12,        // exists in Sentinel mode
  kOnlySentinel = 1u << 13,    // exists only in Sentinel mode
  kProtected = 1u << 14,       // DEBUG: needs enable-debug-command
  kNoAsyncLoading = 1u << 15,  // refused during async loading
  kNoMulti = 1u << 16,         // refused inside MULTI
  kAllowBusy = 1u << 17,       // allowed while a script is busy
};
}  // namespace command_flags

enum class CommandTableMode : uint8_t { kServer, kSentinel };

struct CommandSpec {
  CommandId id;
  std::string_view name;      // lower case, as declared: "get", or "get" for CONFIG GET
  std::string_view fullname;  // "get", "config|get"
  int arity;
  uint32_t flags;
  std::span<const CommandSpec> subcommands = {};  // non-empty for container commands

  bool has(uint32_t flag) const { return (flags & flag) != 0; }
  bool is_container() const { return !subcommands.empty(); }
  bool arity_ok(size_t argc) const;
  bool available_in(CommandTableMode mode) const;
};

// The spec of any id, subcommands included. REQUIRES: id != kCount_.
const CommandSpec& command_spec(CommandId id);

// A top-level command by name, case-insensitively; nullptr if `mode` has no such command.
const CommandSpec* find_command(std::string_view name,
                                CommandTableMode mode = CommandTableMode::kServer);
// A subcommand of `container` by name, case-insensitively; nullptr if none.
const CommandSpec* find_subcommand(const CommandSpec& container, std::string_view name,
                                   CommandTableMode mode = CommandTableMode::kServer);

// What lookupCommand returns for `argv`: the container itself when argv has one element or
// the command has no subcommands, else the subcommand named by argv[1] (nullptr if none).
// REQUIRES: !argv.empty().
const CommandSpec* lookup_command(std::span<const std::string> argv,
                                  CommandTableMode mode = CommandTableMode::kServer);

// processCommand's existence and arity checks. On success `spec` is set and `error` empty;
// otherwise `spec` is nullptr and `error` holds Redis's error text.
struct CommandCheck {
  const CommandSpec* spec = nullptr;
  std::string error;
  bool ok() const { return spec != nullptr; }
};
CommandCheck check_command(std::span<const std::string> argv,
                           CommandTableMode mode = CommandTableMode::kServer);

// COMMAND COUNT as real 7.0.15 replies it (the size of its full table: 240 in a server,
// 15 in Sentinel), not the size of this table.
int64_t reported_command_count(CommandTableMode mode);

// "ERR unknown command 'foo', with args beginning with: 'a' 'b' " (commandCheckExistence:
// the name is cut at 128 bytes, args are added while the list is under 128 bytes, each cut to
// what is left of the 128; a NUL byte ends a name or arg, CR and LF become spaces).
std::string unknown_command_error(std::span<const std::string> argv);
// "ERR unknown subcommand 'x'. Try CONFIG HELP." (the container as typed, upper-cased).
std::string unknown_subcommand_error(std::string_view container, std::string_view sub);
// "ERR unknown subcommand or wrong number of arguments for 'x'. Try CLIENT HELP."
// (addReplySubcommandSyntaxError, used by subcommand handlers themselves).
std::string subcommand_syntax_error(std::string_view container, std::string_view sub);
// "ERR wrong number of arguments for 'config|get' command" (addReplyErrorArity).
std::string wrong_arity_error(const CommandSpec& spec);
// "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\",
// ..." (processCommand's check of kProtected commands).
std::string debug_not_allowed_error();

// Case-insensitive ASCII equality, as strcasecmp on the whole byte strings.
bool equals_ignore_case(std::string_view a, std::string_view b);

// What C's %s prints of `arg`: the bytes before its first NUL.
std::string_view as_c_string(std::string_view arg);
// Makes an error text safe the way addReplyErrorFormat does: '\r' and '\n' become spaces.
std::string sanitize_error(std::string text);

}  // namespace model
