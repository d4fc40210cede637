// The directives redis-server 7.0.15 accepts in redis.conf and CONFIG SET: config.c's
// standardConfig table (static_configs), its aliases, and the directives only a config file
// may hold (include, rename-command, user, loadmodule, sentinel, module configs).
//
// Invariants:
// - config_table()[i].id == ConfigId(i): ConfigId indexes the table and every per-directive
//   array in Config.
// - Names, aliases, defaults, bounds, flags and the order of rows are those of 7.0.15's
//   static_configs (TLS included: the reference build has it). The order matters only where
//   Redis's does not depend on a hash seed (see config_names()).
// - kModelled marks what the simulation acts on; every other directive is accepted, validated,
//   stored, shown by CONFIG GET and rewritten, but changes nothing in the simulated world.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace model {

// One per row of static_configs, in its order.
enum class ConfigId : uint16_t {
  kRdbchecksum, kDaemonize, kIoThreadsDoReads, kAlwaysShowLogo, kProtectedMode, kRdbcompression,
  kRdbDelSyncFiles, kActiverehashing, kStopWritesOnBgsaveError, kSetProcTitle, kDynamicHz,
  kLazyfreeLazyEviction, kLazyfreeLazyExpire, kLazyfreeLazyServerDel, kLazyfreeLazyUserDel,
  kLazyfreeLazyUserFlush, kReplDisableTcpNodelay, kReplDisklessSync, kAofRewriteIncrementalFsync,
  kNoAppendfsyncOnRewrite, kClusterRequireFullCoverage, kRdbSaveIncrementalFsync,
  kAofLoadTruncated, kAofUseRdbPreamble, kAofTimestampEnabled, kClusterReplicaNoFailover,
  kReplicaLazyFlush, kReplicaServeStaleData, kReplicaReadOnly, kReplicaIgnoreMaxmemory,
  kJemallocBgThread, kActivedefrag, kSyslogEnabled, kClusterEnabled, kAppendonly,
  kClusterAllowReadsWhenDown, kClusterAllowPubsubshardWhenDown, kCrashLogEnabled,
  kCrashMemcheckEnabled, kUseExitOnPanic, kDisableThp, kClusterAllowReplicaMigration,
  kReplicaAnnounced, kLatencyTracking, kAofDisableAutoGc, kReplicaIgnoreDiskWriteErrors, kAclfile,
  kUnixsocket, kPidfile, kReplicaAnnounceIp, kMasteruser, kClusterAnnounceIp, kClusterConfigFile,
  kClusterAnnounceHostname, kSyslogIdent, kDbfilename, kAppendfilename, kAppenddirname,
  kServerCpulist, kBioCpulist, kAofRewriteCpulist, kBgsaveCpulist, kIgnoreWarnings,
  kProcTitleTemplate, kBindSourceAddr, kLogfile, kMasterauth, kRequirepass, kSupervised,
  kSyslogFacility, kReplDisklessLoad, kLoglevel, kMaxmemoryPolicy, kAppendfsync, kOomScoreAdj,
  kAclPubsubDefault, kSanitizeDumpPayload, kEnableProtectedConfigs, kEnableDebugCommand,
  kEnableModuleCommand, kClusterPreferredEndpointType, kPropagationErrorBehavior,
  kShutdownOnSigint, kShutdownOnSigterm, kDatabases, kPort, kIoThreads, kAutoAofRewritePercentage,
  kClusterReplicaValidityFactor, kListMaxListpackSize, kTcpKeepalive, kClusterMigrationBarrier,
  kActiveDefragCycleMin, kActiveDefragCycleMax, kActiveDefragThresholdLower,
  kActiveDefragThresholdUpper, kLfuLogFactor, kLfuDecayTime, kReplicaPriority,
  kReplDisklessSyncDelay, kMaxmemorySamples, kMaxmemoryEvictionTenacity, kTimeout,
  kReplicaAnnouncePort, kTcpBacklog, kClusterPort, kClusterAnnounceBusPort, kClusterAnnouncePort,
  kClusterAnnounceTlsPort, kReplTimeout, kReplPingReplicaPeriod, kListCompressDepth,
  kRdbKeySaveDelay, kKeyLoadDelay, kActiveExpireEffort, kHz, kMinReplicasToWrite,
  kMinReplicasMaxLag, kWatchdogPeriod, kShutdownTimeout, kReplDisklessSyncMaxReplicas, kMaxclients,
  kUnixsocketperm, kSocketMarkId, kActiveDefragMaxScanFields, kSlowlogMaxLen, kAcllogMaxLen,
  kBusyReplyThreshold, kClusterNodeTimeout, kSlowlogLogSlowerThan, kLatencyMonitorThreshold,
  kProtoMaxBulkLen, kStreamNodeMaxEntries, kReplBacklogSize, kMaxmemory, kClusterLinkSendbufLimit,
  kHashMaxListpackEntries, kSetMaxIntsetEntries, kZsetMaxListpackEntries, kActiveDefragIgnoreBytes,
  kHashMaxListpackValue, kStreamNodeMaxBytes, kZsetMaxListpackValue, kHllSparseMaxBytes,
  kTrackingTableMaxKeys, kClientQueryBufferLimit, kMaxmemoryClients, kReplBacklogTtl,
  kAutoAofRewriteMinSize, kLoadingProcessEventsIntervalBytes, kTlsPort, kTlsSessionCacheSize,
  kTlsSessionCacheTimeout, kTlsCluster, kTlsReplication, kTlsAuthClients, kTlsPreferServerCiphers,
  kTlsSessionCaching, kTlsCertFile, kTlsKeyFile, kTlsKeyFilePass, kTlsClientCertFile,
  kTlsClientKeyFile, kTlsClientKeyFilePass, kTlsDhParamsFile, kTlsCaCertFile, kTlsCaCertDir,
  kTlsProtocols, kTlsCiphers, kTlsCiphersuites, kDir, kSave, kClientOutputBufferLimit,
  kOomScoreAdjValues, kNotifyKeyspaceEvents, kBind, kReplicaof, kLatencyTrackingInfoPercentiles,
  kCount
};
inline constexpr size_t kConfigCount = static_cast<size_t>(ConfigId::kCount);
constexpr size_t index_of(ConfigId id) { return static_cast<size_t>(id); }

enum class ConfigType : uint8_t {
  kBool,     // yes / no
  kString,   // one argument; kEmptyIsNull: "" means unset (shown as "", not rewritten)
  kEnum,     // one of `names` (several, OR'ed, with kMultiArg)
  kNumber,   // int64_t; bounds, default and value as Redis's long long
  kSpecial,  // its own parser and formats: see Special
};

// numericConfigData.flags: what a kNumber accepts besides a plain integer (string2ll).
enum class NumberSyntax : uint8_t {
  kInteger,          // INTEGER_CONFIG
  kMemory,           // MEMORY_CONFIG: memtoull, "1mb"; rewritten as "1mb"
  kMemoryOrPercent,  // MEMORY_CONFIG | PERCENT_CONFIG: "10%" is stored as -10
  kOctal,            // OCTAL_CONFIG: strtoll base 8, shown in octal
};

// The directives with their own set / get / rewrite functions in config.c.
enum class Special : uint8_t {
  kNone, kDir, kSave, kClientOutputBufferLimit, kOomScoreAdjValues, kNotifyKeyspaceEvents,
  kBind, kReplicaof, kLatencyTrackingInfoPercentiles,
};

// config.c's is_valid_fn checks.
enum class ConfigCheck : uint8_t {
  kNone, kActiveDefrag, kDbFilename, kAofFilename, kAofDirname, kShutdownFlags,
  kAnnouncedHostname, kProcTitleTemplate,
};

// config.c's apply functions that the simulation acts on, run once each after CONFIG SET
// changed the directives naming them (updatePort, applyBind, updateHZ, ...).
enum class ConfigApply : uint8_t {
  kNone, kPort, kBind, kHz, kReplBacklogSize, kGoodReplicas, kRequirePass, kMaxclients,
  kMaxmemory, kAppendonly,
};

namespace config_flag {
inline constexpr uint16_t kImmutable = 1 << 0;    // IMMUTABLE_CONFIG: startup only
inline constexpr uint16_t kSensitive = 1 << 1;    // SENSITIVE_CONFIG: a secret
inline constexpr uint16_t kMultiArg = 1 << 2;     // MULTI_ARG_CONFIG
inline constexpr uint16_t kHidden = 1 << 3;       // HIDDEN_CONFIG: CONFIG GET needs its exact name
inline constexpr uint16_t kProtected = 1 << 4;    // PROTECTED_CONFIG: enable-protected-configs
inline constexpr uint16_t kDenyLoading = 1 << 5;  // DENY_LOADING_CONFIG: not while loading
inline constexpr uint16_t kEmptyIsNull = 1 << 6;  // EMPTY_STRING_IS_NULL (strings)
inline constexpr uint16_t kUnsigned = 1 << 7;     // unsigned bounds (uint, size_t, ull)
inline constexpr uint16_t kModelled = 1 << 8;     // the simulation acts on it
}  // namespace config_flag

struct EnumName {
  std::string_view name;
  int value;
};

struct ConfigSpec {
  ConfigId id = ConfigId::kCount;
  std::string_view name = {};
  std::string_view alias = {};  // "" when none
  ConfigType type = ConfigType::kBool;
  uint16_t flags = 0;
  int64_t lower = 0;           // kNumber bounds, inclusive
  int64_t upper = 0;
  int64_t default_number = 0;  // kBool (0/1), kEnum, kNumber
  const char* default_text = nullptr;  // kString; nullptr = NULL (unset)
  NumberSyntax syntax = NumberSyntax::kInteger;
  std::span<const EnumName> names = {};
  Special special = Special::kNone;
  ConfigCheck check = ConfigCheck::kNone;
  ConfigApply apply = ConfigApply::kNone;

  constexpr bool has(uint16_t flag) const { return (flags & flag) != 0; }
  constexpr ConfigSpec with_alias(std::string_view other_name) const {
    ConfigSpec s = *this;
    s.alias = other_name;
    return s;
  }
  constexpr ConfigSpec with_check(ConfigCheck c) const {
    ConfigSpec s = *this;
    s.check = c;
    return s;
  }
  constexpr ConfigSpec with_apply(ConfigApply a) const {
    ConfigSpec s = *this;
    s.apply = a;
    return s;
  }
};

std::span<const ConfigSpec> config_table();
inline const ConfigSpec& config_spec(ConfigId id) { return config_table()[index_of(id)]; }

// The entries of Redis's `configs` dict: each directive under its name, then under its alias.
struct ConfigName {
  std::string_view name;
  ConfigId id;
  bool alias;
};
std::span<const ConfigName> config_names();
// lookupConfig: case-insensitive, aliases included.
const ConfigName* find_config(std::string_view name);

// Directives that loadServerConfigFromString handles itself, after the table.
enum class FileDirective : uint8_t {
  kInclude,        // include <path>
  kRenameCommand,  // rename-command <command> <new name or "">
  kUser,           // user <name> <acl rules...>
  kLoadmodule,     // loadmodule <path> <args...>
  kSentinel,       // sentinel <...>: Sentinel mode only
};
// The name (lowercase) of a file-only directive, as rewriteConfigReadOldFile recognises them.
std::optional<FileDirective> find_file_directive(std::string_view lowercase_name);
// The names 7.0 still accepts and ignores with exactly one argument (deprecated_configs).
bool is_deprecated_directive(std::string_view lowercase_name);
// A top-level command of 7.0.15's table (lowercase); Sentinel mode has its own, smaller one.
bool is_command_name(std::string_view lowercase_name, bool sentinel_mode);

}  // namespace model
