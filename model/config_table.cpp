// config.c's standardConfig table, as data (see config_table.h). Rows keep static_configs'
// order and grouping: bools, strings, enums, numbers by C type, TLS, special.
#include "model/config_table.h"

#include <algorithm>
#include <vector>

#include "model/config_syntax.h"

namespace model {
namespace {

using Id = ConfigId;
using namespace config_flag;

constexpr int64_t kIntMax = INT32_MAX, kIntMin = INT32_MIN, kUintMax = UINT32_MAX;
constexpr int64_t kLongMax = INT64_MAX;  // LONG_MAX, LLONG_MAX and SSIZE_MAX on LP64
constexpr int64_t kUllongMax = -1;       // ULLONG_MAX as Redis stores it in a long long bound

// The configEnum arrays, with Redis's values (server.h) where they are flags or are shared.
constexpr EnumName kMaxmemoryPolicyNames[] = {
    {"volatile-lru", 0x001},   {"volatile-lfu", 0x102},   {"volatile-random", 0x300},
    {"volatile-ttl", 0x200},   {"allkeys-lru", 0x405},    {"allkeys-lfu", 0x506},
    {"allkeys-random", 0x604}, {"noeviction", 0x700}};
constexpr int kNoEviction = 0x700;
constexpr EnumName kSyslogFacilityNames[] = {
    {"user", 8 << 3},     {"local0", 16 << 3}, {"local1", 17 << 3},
    {"local2", 18 << 3},  {"local3", 19 << 3}, {"local4", 20 << 3},
    {"local5", 21 << 3},  {"local6", 22 << 3}, {"local7", 23 << 3}};
constexpr int kLogLocal0 = 16 << 3;
constexpr EnumName kLoglevelNames[] = {
    {"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}};
constexpr EnumName kSupervisedNames[] = {
    {"upstart", 3}, {"systemd", 2}, {"auto", 1}, {"no", 0}};
constexpr EnumName kAppendfsyncNames[] = {{"everysec", 2}, {"always", 1}, {"no", 0}};
constexpr EnumName kShutdownNames[] = {
    {"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}};
constexpr EnumName kReplDisklessLoadNames[] = {
    {"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}};
constexpr EnumName kTlsAuthClientsNames[] = {{"no", 0}, {"yes", 1}, {"optional", 2}};
constexpr EnumName kOomScoreAdjNames[] = {
    {"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}};
constexpr EnumName kAclPubsubDefaultNames[] = {{"allchannels", 1 << 3}, {"resetchannels", 0}};
constexpr EnumName kSanitizeDumpPayloadNames[] = {{"no", 0}, {"yes", 1}, {"clients", 2}};
constexpr EnumName kProtectedActionNames[] = {{"no", 0}, {"yes", 1}, {"local", 2}};
constexpr EnumName kEndpointTypeNames[] = {
    {"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}};
constexpr EnumName kPropagationErrorNames[] = {
    {"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}};

constexpr ConfigSpec yes_no(Id id, std::string_view name, uint16_t flags, bool def) {
  return {.id = id, .name = name, .type = ConfigType::kBool, .flags = flags,
          .default_number = def ? 1 : 0};
}
constexpr ConfigSpec text(Id id, std::string_view name, uint16_t flags, const char* def) {
  return {.id = id, .name = name, .type = ConfigType::kString, .flags = flags,
          .default_text = def};
}
constexpr ConfigSpec one_of(Id id, std::string_view name, uint16_t flags,
                            std::span<const EnumName> names, int def) {
  return {.id = id, .name = name, .type = ConfigType::kEnum, .flags = flags,
          .default_number = def, .names = names};
}
constexpr ConfigSpec number(Id id, std::string_view name, uint16_t flags, int64_t lower,
                            int64_t upper, int64_t def, NumberSyntax syntax) {
  return {.id = id, .name = name, .type = ConfigType::kNumber, .flags = flags, .lower = lower,
          .upper = upper, .default_number = def, .syntax = syntax};
}
constexpr ConfigSpec integer(Id id, std::string_view name, uint16_t flags, int64_t lower,
                             int64_t upper, int64_t def) {
  return number(id, name, flags, lower, upper, def, NumberSyntax::kInteger);
}
constexpr ConfigSpec memory(Id id, std::string_view name, uint16_t flags, int64_t lower,
                            int64_t upper, int64_t def) {
  return number(id, name, flags, lower, upper, def, NumberSyntax::kMemory);
}
constexpr ConfigSpec memory_or_percent(Id id, std::string_view name, uint16_t flags,
                                       int64_t lower, int64_t upper, int64_t def) {
  return number(id, name, flags, lower, upper, def, NumberSyntax::kMemoryOrPercent);
}
constexpr ConfigSpec octal(Id id, std::string_view name, uint16_t flags, int64_t lower,
                           int64_t upper, int64_t def) {
  return number(id, name, flags, lower, upper, def, NumberSyntax::kOctal);
}
constexpr ConfigSpec special(Id id, std::string_view name, uint16_t flags, Special which) {
  return {.id = id, .name = name, .type = ConfigType::kSpecial, .flags = flags,
          .special = which};
}

constexpr ConfigSpec kTable[] = {
    yes_no(Id::kRdbchecksum, "rdbchecksum", kImmutable, true),
    yes_no(Id::kDaemonize, "daemonize", kImmutable, false),
    yes_no(Id::kIoThreadsDoReads, "io-threads-do-reads", kImmutable, false),
    yes_no(Id::kAlwaysShowLogo, "always-show-logo", kImmutable, false),
    yes_no(Id::kProtectedMode, "protected-mode", kModelled, true),
    yes_no(Id::kRdbcompression, "rdbcompression", 0, true),
    yes_no(Id::kRdbDelSyncFiles, "rdb-del-sync-files", 0, false),
    yes_no(Id::kActiverehashing, "activerehashing", 0, true),
    yes_no(Id::kStopWritesOnBgsaveError, "stop-writes-on-bgsave-error", 0, true),
    yes_no(Id::kSetProcTitle, "set-proc-title", kImmutable, true),
    yes_no(Id::kDynamicHz, "dynamic-hz", 0, true),
    yes_no(Id::kLazyfreeLazyEviction, "lazyfree-lazy-eviction", 0, false),
    yes_no(Id::kLazyfreeLazyExpire, "lazyfree-lazy-expire", 0, false),
    yes_no(Id::kLazyfreeLazyServerDel, "lazyfree-lazy-server-del", 0, false),
    yes_no(Id::kLazyfreeLazyUserDel, "lazyfree-lazy-user-del", 0, false),
    yes_no(Id::kLazyfreeLazyUserFlush, "lazyfree-lazy-user-flush", 0, false),
    yes_no(Id::kReplDisableTcpNodelay, "repl-disable-tcp-nodelay", 0, false),
    yes_no(Id::kReplDisklessSync, "repl-diskless-sync", kModelled, true),
    yes_no(Id::kAofRewriteIncrementalFsync, "aof-rewrite-incremental-fsync", 0, true),
    yes_no(Id::kNoAppendfsyncOnRewrite, "no-appendfsync-on-rewrite", 0, false),
    yes_no(Id::kClusterRequireFullCoverage, "cluster-require-full-coverage", 0, true),
    yes_no(Id::kRdbSaveIncrementalFsync, "rdb-save-incremental-fsync", 0, true),
    yes_no(Id::kAofLoadTruncated, "aof-load-truncated", 0, true),
    yes_no(Id::kAofUseRdbPreamble, "aof-use-rdb-preamble", 0, true),
    yes_no(Id::kAofTimestampEnabled, "aof-timestamp-enabled", 0, false),
    yes_no(Id::kClusterReplicaNoFailover, "cluster-replica-no-failover", 0, false)
        .with_alias("cluster-slave-no-failover"),
    yes_no(Id::kReplicaLazyFlush, "replica-lazy-flush", 0, false)
        .with_alias("slave-lazy-flush"),
    yes_no(Id::kReplicaServeStaleData, "replica-serve-stale-data", kModelled, true)
        .with_alias("slave-serve-stale-data"),
    yes_no(Id::kReplicaReadOnly, "replica-read-only", kModelled, true)
        .with_alias("slave-read-only"),
    yes_no(Id::kReplicaIgnoreMaxmemory, "replica-ignore-maxmemory", 0, true)
        .with_alias("slave-ignore-maxmemory"),
    yes_no(Id::kJemallocBgThread, "jemalloc-bg-thread", 0, true),
    yes_no(Id::kActivedefrag, "activedefrag", 0, false)
        .with_check(ConfigCheck::kActiveDefrag),
    yes_no(Id::kSyslogEnabled, "syslog-enabled", kImmutable, false),
    yes_no(Id::kClusterEnabled, "cluster-enabled", kImmutable, false),
    yes_no(Id::kAppendonly, "appendonly", kDenyLoading, false)
        .with_apply(ConfigApply::kAppendonly),
    yes_no(Id::kClusterAllowReadsWhenDown, "cluster-allow-reads-when-down", 0, false),
    yes_no(Id::kClusterAllowPubsubshardWhenDown, "cluster-allow-pubsubshard-when-down", 0, true),
    yes_no(Id::kCrashLogEnabled, "crash-log-enabled", 0, true),
    yes_no(Id::kCrashMemcheckEnabled, "crash-memcheck-enabled", 0, true),
    yes_no(Id::kUseExitOnPanic, "use-exit-on-panic", kHidden, false),
    yes_no(Id::kDisableThp, "disable-thp", kImmutable, true),
    yes_no(Id::kClusterAllowReplicaMigration, "cluster-allow-replica-migration", 0, true),
    yes_no(Id::kReplicaAnnounced, "replica-announced", kModelled, true),
    yes_no(Id::kLatencyTracking, "latency-tracking", 0, true),
    yes_no(Id::kAofDisableAutoGc, "aof-disable-auto-gc", 0, false),
    yes_no(Id::kReplicaIgnoreDiskWriteErrors, "replica-ignore-disk-write-errors", 0, false),
    text(Id::kAclfile, "aclfile", kImmutable, ""),
    text(Id::kUnixsocket, "unixsocket", kImmutable | kEmptyIsNull, nullptr),
    text(Id::kPidfile, "pidfile", kImmutable | kEmptyIsNull, nullptr),
    text(Id::kReplicaAnnounceIp, "replica-announce-ip", kEmptyIsNull | kModelled, nullptr)
        .with_alias("slave-announce-ip"),
    text(Id::kMasteruser, "masteruser", kSensitive | kEmptyIsNull | kModelled, nullptr),
    text(Id::kClusterAnnounceIp, "cluster-announce-ip", kEmptyIsNull, nullptr),
    text(Id::kClusterConfigFile, "cluster-config-file", kImmutable, "nodes.conf"),
    text(Id::kClusterAnnounceHostname, "cluster-announce-hostname", kEmptyIsNull, nullptr)
        .with_check(ConfigCheck::kAnnouncedHostname),
    text(Id::kSyslogIdent, "syslog-ident", kImmutable, "redis"),
    text(Id::kDbfilename, "dbfilename", kProtected, "dump.rdb")
        .with_check(ConfigCheck::kDbFilename),
    text(Id::kAppendfilename, "appendfilename", kImmutable, "appendonly.aof")
        .with_check(ConfigCheck::kAofFilename),
    text(Id::kAppenddirname, "appenddirname", kImmutable, "appendonlydir")
        .with_check(ConfigCheck::kAofDirname),
    text(Id::kServerCpulist, "server_cpulist", kImmutable | kEmptyIsNull, nullptr),
    text(Id::kBioCpulist, "bio_cpulist", kImmutable | kEmptyIsNull, nullptr),
    text(Id::kAofRewriteCpulist, "aof_rewrite_cpulist", kImmutable | kEmptyIsNull, nullptr),
    text(Id::kBgsaveCpulist, "bgsave_cpulist", kImmutable | kEmptyIsNull, nullptr),
    text(Id::kIgnoreWarnings, "ignore-warnings", 0, ""),
    text(Id::kProcTitleTemplate, "proc-title-template", 0, "{title} {listen-addr} {server-mode}")
        .with_check(ConfigCheck::kProcTitleTemplate),
    text(Id::kBindSourceAddr, "bind-source-addr", kEmptyIsNull, nullptr),
    text(Id::kLogfile, "logfile", kImmutable, ""),
    text(Id::kMasterauth, "masterauth", kSensitive | kEmptyIsNull | kModelled, nullptr),
    text(Id::kRequirepass, "requirepass", kSensitive | kEmptyIsNull | kModelled, nullptr)
        .with_apply(ConfigApply::kRequirePass),
    one_of(Id::kSupervised, "supervised", kImmutable, kSupervisedNames, 0),
    one_of(Id::kSyslogFacility, "syslog-facility", kImmutable, kSyslogFacilityNames, kLogLocal0),
    one_of(Id::kReplDisklessLoad, "repl-diskless-load",
           kDenyLoading | kModelled, kReplDisklessLoadNames, 0),
    one_of(Id::kLoglevel, "loglevel", kModelled, kLoglevelNames, 2),
    one_of(Id::kMaxmemoryPolicy, "maxmemory-policy", 0, kMaxmemoryPolicyNames, kNoEviction),
    one_of(Id::kAppendfsync, "appendfsync", 0, kAppendfsyncNames, 2),
    one_of(Id::kOomScoreAdj, "oom-score-adj", 0, kOomScoreAdjNames, 0),
    one_of(Id::kAclPubsubDefault, "acl-pubsub-default", 0, kAclPubsubDefaultNames, 0),
    one_of(Id::kSanitizeDumpPayload, "sanitize-dump-payload", 0, kSanitizeDumpPayloadNames, 0),
    one_of(Id::kEnableProtectedConfigs, "enable-protected-configs",
           kImmutable, kProtectedActionNames, 0),
    one_of(Id::kEnableDebugCommand, "enable-debug-command", kImmutable | kModelled,
           kProtectedActionNames, 0),
    one_of(Id::kEnableModuleCommand, "enable-module-command",
           kImmutable, kProtectedActionNames, 0),
    one_of(Id::kClusterPreferredEndpointType, "cluster-preferred-endpoint-type",
           0, kEndpointTypeNames, 0),
    one_of(Id::kPropagationErrorBehavior, "propagation-error-behavior",
           0, kPropagationErrorNames, 0),
    one_of(Id::kShutdownOnSigint, "shutdown-on-sigint", kMultiArg, kShutdownNames, 0)
        .with_check(ConfigCheck::kShutdownFlags),
    one_of(Id::kShutdownOnSigterm, "shutdown-on-sigterm", kMultiArg, kShutdownNames, 0)
        .with_check(ConfigCheck::kShutdownFlags),
    integer(Id::kDatabases, "databases", kImmutable | kModelled, 1, kIntMax, 16),
    integer(Id::kPort, "port", kModelled, 0, 65535, 6379)
        .with_apply(ConfigApply::kPort),
    integer(Id::kIoThreads, "io-threads", kImmutable, 1, 128, 1),
    integer(Id::kAutoAofRewritePercentage, "auto-aof-rewrite-percentage", 0, 0, kIntMax, 100),
    integer(Id::kClusterReplicaValidityFactor, "cluster-replica-validity-factor",
            0, 0, kIntMax, 10)
        .with_alias("cluster-slave-validity-factor"),
    integer(Id::kListMaxListpackSize, "list-max-listpack-size", 0, kIntMin, kIntMax, -2)
        .with_alias("list-max-ziplist-size"),
    integer(Id::kTcpKeepalive, "tcp-keepalive", kModelled, 0, kIntMax, 300),
    integer(Id::kClusterMigrationBarrier, "cluster-migration-barrier", 0, 0, kIntMax, 1),
    integer(Id::kActiveDefragCycleMin, "active-defrag-cycle-min", 0, 1, 99, 1),
    integer(Id::kActiveDefragCycleMax, "active-defrag-cycle-max", 0, 1, 99, 25),
    integer(Id::kActiveDefragThresholdLower, "active-defrag-threshold-lower", 0, 0, 1000, 10),
    integer(Id::kActiveDefragThresholdUpper, "active-defrag-threshold-upper", 0, 0, 1000, 100),
    integer(Id::kLfuLogFactor, "lfu-log-factor", 0, 0, kIntMax, 10),
    integer(Id::kLfuDecayTime, "lfu-decay-time", 0, 0, kIntMax, 1),
    integer(Id::kReplicaPriority, "replica-priority", kModelled, 0, kIntMax, 100)
        .with_alias("slave-priority"),
    integer(Id::kReplDisklessSyncDelay, "repl-diskless-sync-delay", kModelled, 0, kIntMax, 5),
    integer(Id::kMaxmemorySamples, "maxmemory-samples", 0, 1, kIntMax, 5),
    integer(Id::kMaxmemoryEvictionTenacity, "maxmemory-eviction-tenacity", 0, 0, 100, 10),
    integer(Id::kTimeout, "timeout", kModelled, 0, kIntMax, 0),
    integer(Id::kReplicaAnnouncePort, "replica-announce-port", kModelled, 0, 65535, 0)
        .with_alias("slave-announce-port"),
    integer(Id::kTcpBacklog, "tcp-backlog", kImmutable, 0, kIntMax, 511),
    integer(Id::kClusterPort, "cluster-port", kImmutable, 0, 65535, 0),
    integer(Id::kClusterAnnounceBusPort, "cluster-announce-bus-port", 0, 0, 65535, 0),
    integer(Id::kClusterAnnouncePort, "cluster-announce-port", 0, 0, 65535, 0),
    integer(Id::kClusterAnnounceTlsPort, "cluster-announce-tls-port", 0, 0, 65535, 0),
    integer(Id::kReplTimeout, "repl-timeout", kModelled, 1, kIntMax, 60),
    integer(Id::kReplPingReplicaPeriod, "repl-ping-replica-period", kModelled, 1, kIntMax, 10)
        .with_alias("repl-ping-slave-period"),
    integer(Id::kListCompressDepth, "list-compress-depth", 0, 0, kIntMax, 0),
    integer(Id::kRdbKeySaveDelay, "rdb-key-save-delay", kHidden, kIntMin, kIntMax, 0),
    integer(Id::kKeyLoadDelay, "key-load-delay", kHidden, kIntMin, kIntMax, 0),
    integer(Id::kActiveExpireEffort, "active-expire-effort", 0, 1, 10, 1),
    integer(Id::kHz, "hz", kModelled, 0, kIntMax, 10)
        .with_apply(ConfigApply::kHz),
    integer(Id::kMinReplicasToWrite, "min-replicas-to-write", kModelled, 0, kIntMax, 0)
        .with_alias("min-slaves-to-write")
        .with_apply(ConfigApply::kGoodReplicas),
    integer(Id::kMinReplicasMaxLag, "min-replicas-max-lag", kModelled, 0, kIntMax, 10)
        .with_alias("min-slaves-max-lag")
        .with_apply(ConfigApply::kGoodReplicas),
    integer(Id::kWatchdogPeriod, "watchdog-period", kHidden, 0, kIntMax, 0),
    integer(Id::kShutdownTimeout, "shutdown-timeout", 0, 0, kIntMax, 10),
    integer(Id::kReplDisklessSyncMaxReplicas, "repl-diskless-sync-max-replicas",
            kModelled, 0, kIntMax, 0),
    integer(Id::kMaxclients, "maxclients", kUnsigned | kModelled, 1, kUintMax, 10000)
        .with_apply(ConfigApply::kMaxclients),
    octal(Id::kUnixsocketperm, "unixsocketperm", kImmutable | kUnsigned, 0, 0777, 0),
    integer(Id::kSocketMarkId, "socket-mark-id", kImmutable | kUnsigned, 0, kUintMax, 0),
    integer(Id::kActiveDefragMaxScanFields, "active-defrag-max-scan-fields", 0, 1, kLongMax, 1000),
    integer(Id::kSlowlogMaxLen, "slowlog-max-len", 0, 0, kLongMax, 128),
    integer(Id::kAcllogMaxLen, "acllog-max-len", 0, 0, kLongMax, 128),
    integer(Id::kBusyReplyThreshold, "busy-reply-threshold", 0, 0, kLongMax, 5000)
        .with_alias("lua-time-limit"),
    integer(Id::kClusterNodeTimeout, "cluster-node-timeout", 0, 0, kLongMax, 15000),
    integer(Id::kSlowlogLogSlowerThan, "slowlog-log-slower-than", 0, -1, kLongMax, 10000),
    integer(Id::kLatencyMonitorThreshold, "latency-monitor-threshold", 0, 0, kLongMax, 0),
    memory(Id::kProtoMaxBulkLen, "proto-max-bulk-len",
           0, 1024 * 1024, kLongMax, 512LL * 1024 * 1024),
    integer(Id::kStreamNodeMaxEntries, "stream-node-max-entries", 0, 0, kLongMax, 100),
    memory(Id::kReplBacklogSize, "repl-backlog-size", kModelled, 1, kLongMax, 1024 * 1024)
        .with_apply(ConfigApply::kReplBacklogSize),
    memory(Id::kMaxmemory, "maxmemory", kUnsigned, 0, kUllongMax, 0)
        .with_apply(ConfigApply::kMaxmemory),
    memory(Id::kClusterLinkSendbufLimit, "cluster-link-sendbuf-limit",
           kUnsigned, 0, kUllongMax, 0),
    integer(Id::kHashMaxListpackEntries, "hash-max-listpack-entries", kUnsigned, 0, kLongMax, 512)
        .with_alias("hash-max-ziplist-entries"),
    integer(Id::kSetMaxIntsetEntries, "set-max-intset-entries", kUnsigned, 0, kLongMax, 512),
    integer(Id::kZsetMaxListpackEntries, "zset-max-listpack-entries", kUnsigned, 0, kLongMax, 128)
        .with_alias("zset-max-ziplist-entries"),
    memory(Id::kActiveDefragIgnoreBytes, "active-defrag-ignore-bytes",
           kUnsigned, 1, kLongMax, 100 << 20),
    memory(Id::kHashMaxListpackValue, "hash-max-listpack-value", kUnsigned, 0, kLongMax, 64)
        .with_alias("hash-max-ziplist-value"),
    memory(Id::kStreamNodeMaxBytes, "stream-node-max-bytes", kUnsigned, 0, kLongMax, 4096),
    memory(Id::kZsetMaxListpackValue, "zset-max-listpack-value", kUnsigned, 0, kLongMax, 64)
        .with_alias("zset-max-ziplist-value"),
    memory(Id::kHllSparseMaxBytes, "hll-sparse-max-bytes", kUnsigned, 0, kLongMax, 3000),
    integer(Id::kTrackingTableMaxKeys, "tracking-table-max-keys", kUnsigned, 0, kLongMax, 1000000),
    memory(Id::kClientQueryBufferLimit, "client-query-buffer-limit",
           kUnsigned, 1024 * 1024, kLongMax, 1024 * 1024 * 1024),
    memory_or_percent(Id::kMaxmemoryClients, "maxmemory-clients", 0, -100, kLongMax, 0),
    integer(Id::kReplBacklogTtl, "repl-backlog-ttl", kModelled, 0, kLongMax, 60 * 60),
    memory(Id::kAutoAofRewriteMinSize, "auto-aof-rewrite-min-size",
           0, 0, kLongMax, 64 * 1024 * 1024),
    integer(Id::kLoadingProcessEventsIntervalBytes, "loading-process-events-interval-bytes",
            kHidden, 1024, kIntMax, 1024 * 1024 * 2),
    integer(Id::kTlsPort, "tls-port", 0, 0, 65535, 0),
    integer(Id::kTlsSessionCacheSize, "tls-session-cache-size", 0, 0, kIntMax, 20 * 1024),
    integer(Id::kTlsSessionCacheTimeout, "tls-session-cache-timeout", 0, 0, kIntMax, 300),
    yes_no(Id::kTlsCluster, "tls-cluster", 0, false),
    yes_no(Id::kTlsReplication, "tls-replication", 0, false),
    one_of(Id::kTlsAuthClients, "tls-auth-clients", 0, kTlsAuthClientsNames, 1),
    yes_no(Id::kTlsPreferServerCiphers, "tls-prefer-server-ciphers", 0, false),
    yes_no(Id::kTlsSessionCaching, "tls-session-caching", 0, true),
    text(Id::kTlsCertFile, "tls-cert-file", kEmptyIsNull, nullptr),
    text(Id::kTlsKeyFile, "tls-key-file", kEmptyIsNull, nullptr),
    text(Id::kTlsKeyFilePass, "tls-key-file-pass", kEmptyIsNull, nullptr),
    text(Id::kTlsClientCertFile, "tls-client-cert-file", kEmptyIsNull, nullptr),
    text(Id::kTlsClientKeyFile, "tls-client-key-file", kEmptyIsNull, nullptr),
    text(Id::kTlsClientKeyFilePass, "tls-client-key-file-pass", kEmptyIsNull, nullptr),
    text(Id::kTlsDhParamsFile, "tls-dh-params-file", kEmptyIsNull, nullptr),
    text(Id::kTlsCaCertFile, "tls-ca-cert-file", kEmptyIsNull, nullptr),
    text(Id::kTlsCaCertDir, "tls-ca-cert-dir", kEmptyIsNull, nullptr),
    text(Id::kTlsProtocols, "tls-protocols", kEmptyIsNull, nullptr),
    text(Id::kTlsCiphers, "tls-ciphers", kEmptyIsNull, nullptr),
    text(Id::kTlsCiphersuites, "tls-ciphersuites", kEmptyIsNull, nullptr),
    special(Id::kDir, "dir", kProtected | kDenyLoading, Special::kDir),
    special(Id::kSave, "save", kMultiArg | kModelled, Special::kSave),
    special(Id::kClientOutputBufferLimit, "client-output-buffer-limit",
            kMultiArg, Special::kClientOutputBufferLimit),
    special(Id::kOomScoreAdjValues, "oom-score-adj-values",
            kMultiArg, Special::kOomScoreAdjValues),
    special(Id::kNotifyKeyspaceEvents, "notify-keyspace-events",
            0, Special::kNotifyKeyspaceEvents),
    special(Id::kBind, "bind", kMultiArg, Special::kBind)
        .with_apply(ConfigApply::kBind),
    special(Id::kReplicaof, "replicaof", kImmutable | kMultiArg | kModelled, Special::kReplicaof)
        .with_alias("slaveof"),
    special(Id::kLatencyTrackingInfoPercentiles, "latency-tracking-info-percentiles",
            kMultiArg, Special::kLatencyTrackingInfoPercentiles),
};
static_assert(std::size(kTable) == kConfigCount);

constexpr bool rows_in_id_order() {
  for (size_t i = 0; i < kConfigCount; ++i) {
    if (index_of(kTable[i].id) != i) return false;
  }
  return true;
}
static_assert(rows_in_id_order(), "kTable rows must follow ConfigId order");

// Top-level commands of redis-server 7.0.15 (COMMAND LIST without subcommands), sorted.
constexpr std::string_view kCommandNames[] = {
    "acl", "append", "asking", "auth", "bgrewriteaof", "bgsave", "bitcount", "bitfield",
    "bitfield_ro", "bitop", "bitpos", "blmove", "blmpop", "blpop", "brpop", "brpoplpush", "bzmpop",
    "bzpopmax", "bzpopmin", "client", "cluster", "command", "config", "copy", "dbsize", "debug",
    "decr", "decrby", "del", "discard", "dump", "echo", "eval", "eval_ro", "evalsha", "evalsha_ro",
    "exec", "exists", "expire", "expireat", "expiretime", "failover", "fcall", "fcall_ro",
    "flushall", "flushdb", "function", "geoadd", "geodist", "geohash", "geopos", "georadius",
    "georadius_ro", "georadiusbymember", "georadiusbymember_ro", "geosearch", "geosearchstore",
    "get", "getbit", "getdel", "getex", "getrange", "getset", "hdel", "hello", "hexists", "hget",
    "hgetall", "hincrby", "hincrbyfloat", "hkeys", "hlen", "hmget", "hmset", "hrandfield", "hscan",
    "hset", "hsetnx", "hstrlen", "hvals", "incr", "incrby", "incrbyfloat", "info", "keys",
    "lastsave", "latency", "lcs", "lindex", "linsert", "llen", "lmove", "lmpop", "lolwut", "lpop",
    "lpos", "lpush", "lpushx", "lrange", "lrem", "lset", "ltrim", "memory", "mget", "migrate",
    "module", "monitor", "move", "mset", "msetnx", "multi", "object", "persist", "pexpire",
    "pexpireat", "pexpiretime", "pfadd", "pfcount", "pfdebug", "pfmerge", "pfselftest", "ping",
    "psetex", "psubscribe", "psync", "pttl", "publish", "pubsub", "punsubscribe", "quit",
    "randomkey", "readonly", "readwrite", "rename", "renamenx", "replconf", "replicaof", "reset",
    "restore", "restore-asking", "role", "rpop", "rpoplpush", "rpush", "rpushx", "sadd", "save",
    "scan", "scard", "script", "sdiff", "sdiffstore", "select", "set", "setbit", "setex", "setnx",
    "setrange", "shutdown", "sinter", "sintercard", "sinterstore", "sismember", "slaveof",
    "slowlog", "smembers", "smismember", "smove", "sort", "sort_ro", "spop", "spublish",
    "srandmember", "srem", "sscan", "ssubscribe", "strlen", "subscribe", "substr", "sunion",
    "sunionstore", "sunsubscribe", "swapdb", "sync", "time", "touch", "ttl", "type", "unlink",
    "unsubscribe", "unwatch", "wait", "watch", "xack", "xadd", "xautoclaim", "xclaim", "xdel",
    "xgroup", "xinfo", "xlen", "xpending", "xrange", "xread", "xreadgroup", "xrevrange", "xsetid",
    "xtrim", "zadd", "zcard", "zcount", "zdiff", "zdiffstore", "zincrby", "zinter", "zintercard",
    "zinterstore", "zlexcount", "zmpop", "zmscore", "zpopmax", "zpopmin", "zrandmember", "zrange",
    "zrangebylex", "zrangebyscore", "zrangestore", "zrank", "zrem", "zremrangebylex",
    "zremrangebyrank", "zremrangebyscore", "zrevrange", "zrevrangebylex", "zrevrangebyscore",
    "zrevrank", "zscan", "zscore", "zunion", "zunionstore",
};
// The commands a Sentinel keeps (CMD_SENTINEL in commands.c), sorted.
constexpr std::string_view kSentinelCommandNames[] = {
    "acl", "auth", "client", "command", "hello", "info", "ping", "psubscribe", "publish",
    "punsubscribe", "role", "sentinel", "shutdown", "subscribe", "unsubscribe"};

}  // namespace

std::span<const ConfigSpec> config_table() { return kTable; }

std::span<const ConfigName> config_names() {
  static const std::vector<ConfigName> names = [] {
    std::vector<ConfigName> v;
    for (const ConfigSpec& spec : kTable) {
      v.push_back({spec.name, spec.id, false});
      if (!spec.alias.empty()) v.push_back({spec.alias, spec.id, true});
    }
    return v;
  }();
  return names;
}

const ConfigName* find_config(std::string_view name) {
  static const std::vector<const ConfigName*> sorted = [] {
    std::vector<const ConfigName*> v;
    for (const ConfigName& n : config_names()) v.push_back(&n);
    std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->name < b->name; });
    return v;
  }();
  std::string key = to_lower(c_string(name));
  auto before = [](const ConfigName* n, const std::string& k) { return n->name < k; };
  auto it = std::lower_bound(sorted.begin(), sorted.end(), key, before);
  return (it != sorted.end() && (*it)->name == key) ? *it : nullptr;
}

std::optional<FileDirective> find_file_directive(std::string_view lowercase_name) {
  if (lowercase_name == "include") return FileDirective::kInclude;
  if (lowercase_name == "rename-command") return FileDirective::kRenameCommand;
  if (lowercase_name == "user") return FileDirective::kUser;
  if (lowercase_name == "loadmodule") return FileDirective::kLoadmodule;
  if (lowercase_name == "sentinel") return FileDirective::kSentinel;
  return std::nullopt;
}

bool is_deprecated_directive(std::string_view lowercase_name) {
  return lowercase_name == "list-max-ziplist-entries" ||
         lowercase_name == "list-max-ziplist-value" || lowercase_name == "lua-replicate-commands";
}

bool is_command_name(std::string_view lowercase_name, bool sentinel_mode) {
  if (sentinel_mode) {
    return std::binary_search(std::begin(kSentinelCommandNames), std::end(kSentinelCommandNames),
                              lowercase_name);
  }
  return std::binary_search(std::begin(kCommandNames), std::end(kCommandNames), lowercase_name);
}

}  // namespace model
