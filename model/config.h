// model::Config: the live configuration of one simulated redis-server (or Sentinel) process:
// loading redis.conf, CONFIG GET, CONFIG SET, CONFIG REWRITE, and typed getters for the
// directives the simulation acts on.
//
// Invariants:
// - Behaves as Redis 7.0.15's config.c: same accepted inputs, same error texts, same values
//   shown by CONFIG GET, same rewritten file, quirks included (tests/unit/config_*_test.cpp
//   hold what real redis-server printed).
// - Where Redis iterates its `configs` dict, whose order comes from a per-process random hash
//   seed (CONFIG GET's reply order, the order of lines CONFIG REWRITE appends), the order is a
//   permutation drawn from ConfigOptions::hash_seed: deterministic for a seed, different across
//   seeds, as real processes differ.
// - Modelled directives are read through plain array loads (number(), the typed getters): no
//   string lookup on a hot path.
// - The simulated host has no files beside the config: `include` of a file fails as Redis does
//   for a missing file, and an `include` with a wildcard matches nothing; `dir` accepts any
//   path; `logfile` always opens.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/config_table.h"
#include "model/resp.h"
#include "sim/time.h"

namespace model {

struct SaveParam {  // "save <seconds> <changes>"
  int64_t seconds = 0;
  int32_t changes = 0;
  bool operator==(const SaveParam&) const = default;
};

enum class ClientClass : uint8_t { kNormal, kReplica, kPubsub };  // client-output-buffer-limit
struct ClientBufferLimit {
  uint64_t hard_bytes = 0;
  uint64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
  bool operator==(const ClientBufferLimit&) const = default;
};

struct ReplicaOf {  // replicaof <host> <port>
  std::string host;
  int port = 0;
  bool operator==(const ReplicaOf&) const = default;
};

enum class ReplDisklessLoad : uint8_t { kDisabled, kOnEmptyDb, kSwapdb };
enum class LogLevel : uint8_t { kDebug, kVerbose, kNotice, kWarning };  // LL_*

// Why a config file was refused. Redis prints it and exits with status 1.
struct ConfigLoadError {
  enum class Kind : uint8_t {
    kBadLine,          // loadServerConfigFromString's "*** FATAL CONFIG FILE ERROR" block
    kMissingInclude,   // loadServerConfig's log line for an `include` it cannot open
  };
  Kind kind = Kind::kBadLine;
  size_t line = 0;        // 1-based; 0 for the checks after the last line (no line is shown)
  std::string line_text;  // the line as Redis quotes it (trimmed)
  std::string reason;     // Redis's text: "Bad directive or wrong number of arguments", ...

  // What redis-server 7.0.15 prints: for kBadLine the block it writes to stderr, byte for byte;
  // for kMissingInclude the message it logs at warning level (the logger adds its prefix).
  std::string redis_output() const;
  // "redis.conf:3: Bad directive or wrong number of arguments" (no line part when line is 0).
  std::string describe(std::string_view file_name) const;
};

struct ConfigOptions {
  bool sentinel_mode = false;  // redis-sentinel: `sentinel` lines, port 26379, protected-mode no
  uint64_t hash_seed = 0;      // the process's dict hash seed (see the invariants)
  std::string cwd = "/";       // the working directory the process starts in (`dir`)
};

// How the server takes part in CONFIG SET (configSetCommand).
struct ConfigSetContext {
  bool loading = false;       // server.loading: kDenyLoading directives get -LOADING
  bool local_client = false;  // islocalClient(): enable-protected-configs "local"
  // Called once per distinct ConfigApply of the changed directives, after all were stored,
  // reading the new values from the Config. Returns "" or the error that fails the command;
  // the old values are then restored and every apply runs again (restoreBackupConfig).
  std::function<std::string(ConfigApply)> apply = nullptr;
};

// What loadServerConfigFromString keeps for others.
struct SentinelLine {  // queueSentinelConfig
  size_t line = 0;
  std::string text;
  std::vector<std::string> args;  // after "sentinel"
};
struct FileDirectives {
  // rename-command's effect: lowercase command -> its new name ("" when removed).
  std::map<std::string, std::string> renamed_commands;
  // user <name> <rules...>, by name; the rules as written (ACL is not modelled).
  std::map<std::string, std::vector<std::string>> users;
  // loadmodule <path> <args...> and <module>.<name> <value>, in file order. No module file
  // exists on a simulated host: after loading, 7.0.15 logs "Module <path> failed to load: ..."
  // then "Can't load module from <path>: server aborting" for the first, or, with only module
  // configs, "Module Configuration detected without loadmodule directive or no ApplyConfig
  // call: aborting", and exits with status 1.
  std::vector<std::vector<std::string>> modules;
  std::vector<std::pair<std::string, std::string>> module_configs;
  std::vector<SentinelLine> sentinel_lines;  // Sentinel mode only, in file order
};

class ConfigRewriter;

class Config {
 public:
  explicit Config(ConfigOptions options = {});

  // loadServerConfigFromString on a file's bytes, read as loadServerConfig reads them (a NUL
  // byte drops the rest of its line). After an error the Config is unspecified: Redis exits.
  [[nodiscard]] std::optional<ConfigLoadError> load(std::string_view file_text);

  // CONFIG GET <pattern>... and CONFIG SET <name> <value> [...]: `args` follow the subcommand.
  RespValue config_get(std::span<const std::string> args) const;
  RespValue config_set(std::span<const std::string> args, const ConfigSetContext& context);

  // CONFIG REWRITE: the new content of the config file whose current content is `old_text`
  // ("" when it is missing). The caller writes it and replies +OK.
  std::string rewrite(std::string_view old_text) const;
  // The same, into a rewriter the caller finishes (Sentinel adds its own lines first).
  void rewrite_into(ConfigRewriter& rewriter) const;

  // Any directive: kBool (0 / 1), kEnum and kNumber values; kString values (nullopt = unset);
  // the value CONFIG GET shows.
  int64_t number(ConfigId id) const { return numbers_[index_of(id)]; }
  const std::optional<std::string>& text(ConfigId id) const { return strings_[index_of(id)]; }
  std::string get(ConfigId id) const;
  bool is_default(ConfigId id) const;
  // Directives the simulation does not model whose value differs from Redis's default, in
  // table order: what a scenario should warn about.
  std::vector<ConfigId> unmodelled_changes() const;

  // The modelled directives.
  int port() const { return as_int(ConfigId::kPort); }
  const std::optional<ReplicaOf>& replicaof() const { return special_.replicaof; }
  void set_replicaof(std::optional<ReplicaOf> master) { special_.replicaof = std::move(master); }
  const std::optional<std::string>& masterauth() const { return text(ConfigId::kMasterauth); }
  const std::optional<std::string>& masteruser() const { return text(ConfigId::kMasteruser); }
  const std::optional<std::string>& requirepass() const { return text(ConfigId::kRequirepass); }
  sim::Duration repl_ping_replica_period() const { return secs(ConfigId::kReplPingReplicaPeriod); }
  sim::Duration repl_timeout() const { return secs(ConfigId::kReplTimeout); }
  int64_t repl_backlog_size() const { return number(ConfigId::kReplBacklogSize); }
  sim::Duration repl_backlog_ttl() const { return secs(ConfigId::kReplBacklogTtl); }
  bool repl_diskless_sync() const { return yes(ConfigId::kReplDisklessSync); }
  sim::Duration repl_diskless_sync_delay() const { return secs(ConfigId::kReplDisklessSyncDelay); }
  int repl_diskless_sync_max_replicas() const {
    return as_int(ConfigId::kReplDisklessSyncMaxReplicas);
  }
  ReplDisklessLoad repl_diskless_load() const {
    return static_cast<ReplDisklessLoad>(number(ConfigId::kReplDisklessLoad));
  }
  bool replica_serve_stale_data() const { return yes(ConfigId::kReplicaServeStaleData); }
  bool replica_read_only() const { return yes(ConfigId::kReplicaReadOnly); }
  int replica_priority() const { return as_int(ConfigId::kReplicaPriority); }
  bool replica_announced() const { return yes(ConfigId::kReplicaAnnounced); }
  const std::optional<std::string>& replica_announce_ip() const {
    return text(ConfigId::kReplicaAnnounceIp);
  }
  int replica_announce_port() const { return as_int(ConfigId::kReplicaAnnouncePort); }
  int min_replicas_to_write() const { return as_int(ConfigId::kMinReplicasToWrite); }
  sim::Duration min_replicas_max_lag() const { return secs(ConfigId::kMinReplicasMaxLag); }
  int hz() const { return as_int(ConfigId::kHz); }  // config_hz, within 1..500
  std::span<const SaveParam> save_params() const { return special_.save; }
  bool appendonly() const { return yes(ConfigId::kAppendonly); }
  int databases() const { return as_int(ConfigId::kDatabases); }
  uint32_t maxclients() const { return static_cast<uint32_t>(number(ConfigId::kMaxclients)); }
  sim::Duration timeout() const { return secs(ConfigId::kTimeout); }
  sim::Duration tcp_keepalive() const { return secs(ConfigId::kTcpKeepalive); }
  LogLevel loglevel() const { return static_cast<LogLevel>(number(ConfigId::kLoglevel)); }
  bool protected_mode() const { return yes(ConfigId::kProtectedMode); }
  // Accepted, not modelled, but named by other parts of the model.
  const std::string& dir() const { return special_.dir; }
  const ClientBufferLimit& client_output_buffer_limit(ClientClass c) const {
    return special_.obuf_limits[static_cast<size_t>(c)];
  }
  const FileDirectives& file_directives() const { return file_; }
  bool sentinel_mode() const { return options_.sentinel_mode; }

 private:
  enum class SetResult : uint8_t { kError, kChanged, kUnchanged };  // set(): 0, 1, 2 in Redis

  struct SpecialValues {
    std::string dir;
    std::vector<SaveParam> save;
    std::array<ClientBufferLimit, 3> obuf_limits{};
    std::array<int, 3> oom_score_adj_values{};
    int notify_keyspace_events = 0;
    std::vector<std::string> bind;
    std::optional<ReplicaOf> replicaof;
    std::vector<double> latency_percentiles;
  };

  bool yes(ConfigId id) const { return number(id) != 0; }
  int as_int(ConfigId id) const { return static_cast<int>(number(id)); }
  sim::Duration secs(ConfigId id) const { return sim::Duration::seconds(number(id)); }

  // interface.set / interface.get for every type (config.cpp, config_special.cpp).
  static constexpr int64_t kConfigMinHz = 1, kConfigMaxHz = 500;  // CONFIG_MIN_HZ, _MAX_HZ
  static constexpr int64_t kReplBacklogMinSize = 16 * 1024;        // CONFIG_REPL_BACKLOG_MIN_SIZE
  // clientBufferLimitsDefaults and configOOMScoreAdjValuesDefaults.
  static constexpr std::array<ClientBufferLimit, 3> kDefaultObufLimits = {
      {{0, 0, 0}, {256 << 20, 64 << 20, 60}, {32 << 20, 8 << 20, 60}}};
  static constexpr std::array<int, 3> kDefaultOomScoreAdjValues = {0, 200, 800};

  SetResult set(const ConfigSpec& spec, std::span<const std::string> args, std::string& err);
  SetResult set_bool(const ConfigSpec& spec, std::string_view arg, std::string& err);
  SetResult set_string(const ConfigSpec& spec, const std::string& arg, std::string& err);
  SetResult set_enum(const ConfigSpec& spec, std::span<const std::string> args,
                     std::string& err);
  SetResult set_number(const ConfigSpec& spec, std::string_view arg, std::string& err);
  SetResult set_special(Special which, std::span<const std::string> args, std::string& err);
  SetResult set_dir(std::span<const std::string> args, std::string& err);
  SetResult set_save(std::span<const std::string> args, std::string& err);
  SetResult set_obuf_limits(std::span<const std::string> args, std::string& err);
  SetResult set_oom_values(std::span<const std::string> args, std::string& err);
  SetResult set_replicaof_args(std::span<const std::string> args, std::string& err);
  SetResult set_percentiles(std::span<const std::string> args, std::string& err);
  bool passes_check(const ConfigSpec& spec, std::string_view text, int64_t n,
                    std::string& err) const;
  bool valid_proc_title(std::string_view tmpl) const;
  std::string get_special(Special which) const;
  std::string enum_names(const ConfigSpec& spec, int64_t value) const;

  // Loading (config_load.cpp).
  std::optional<ConfigLoadError> load_lines(std::string_view text);
  std::optional<ConfigLoadError> load_line(const std::vector<std::string>& argv,
                                           size_t line, std::string_view text);
  std::optional<std::string> load_standard(const ConfigSpec& spec,
                                           std::span<const std::string> argv);
  std::optional<std::string> rename_command(const std::string& from, const std::string& to);
  std::optional<std::string> add_user(std::span<const std::string> args);
  void add_module_config(std::span<const std::string> argv);
  std::optional<ConfigLoadError> finish_load();

  // CONFIG SET (config_command.cpp): an apply function's own effect, then the server's.
  std::string run_apply(ConfigApply apply, const ConfigSetContext& context);

  // CONFIG REWRITE (config_rewrite.cpp).
  void rewrite_option(const ConfigSpec& spec, ConfigRewriter& rewriter) const;
  void rewrite_special(const ConfigSpec& spec, ConfigRewriter& rewriter) const;
  void rewrite_users(ConfigRewriter& rewriter) const;

  ConfigOptions options_;
  std::array<int64_t, kConfigCount> numbers_{};
  std::array<std::optional<std::string>, kConfigCount> strings_;
  SpecialValues special_;
  FileDirectives file_;
  std::map<std::string, std::string> command_aliases_;  // rename-command: new name -> command
  std::vector<uint16_t> dict_order_;  // config_names() indexes, in this process's dict order
  std::vector<uint16_t> dict_rank_;   // the inverse: config_names() index -> position
  bool reading_file_ = false;         // reading_config_file: `save` lines add up
  bool save_loaded_ = false;          // setConfigSaveOption's static save_loaded
};

}  // namespace model
