// INFO, ROLE and CLIENT LIST (server.c genRedisInfoString, replication.c roleCommand,
// networking.c catClientInfoString).
#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "model/config_syntax.h"
#include "model/info_server.h"
#include "model/server.h"

namespace model {
namespace {

constexpr std::string_view kDefaultSections[] = {"server", "clients", "memory", "persistence",
                                                 "stats", "replication", "cpu", "modules",
                                                 "errorstats", "cluster", "keyspace"};

// ROLE's names for the replica side's states (replication.c roleCommand).
std::string_view repl_state_role_name(ReplState state) {
  switch (state) {
    case ReplState::kNone: return "none";
    case ReplState::kConnect: return "connect";
    case ReplState::kConnecting: return "connecting";
    case ReplState::kReceivePingReply:
    case ReplState::kReceiveHandshake:
    case ReplState::kReceivePsyncReply: return "handshake";
    case ReplState::kTransfer: return "sync";
    case ReplState::kConnected: return "connected";
  }
  return "unknown";
}

}  // namespace

std::string_view replica_state_name(ReplicaLinkState state) {
  switch (state) {
    case ReplicaLinkState::kWaitBgsaveStart:
    case ReplicaLinkState::kWaitBgsaveEnd: return "wait_bgsave";
    case ReplicaLinkState::kSendBulk: return "send_bulk";
    case ReplicaLinkState::kOnline: return "online";
  }
  return "?";
}

std::string RedisServer::info(std::string_view section) const {
  std::string out;
  std::vector<std::string_view> wanted;
  if (section.empty() || equals_nocase(section, "default") || equals_nocase(section, "all") ||
      equals_nocase(section, "everything")) {
    wanted.assign(std::begin(kDefaultSections), std::end(kDefaultSections));
  } else {
    wanted.push_back(section);
  }
  bool first = true;
  for (std::string_view name : wanted) {
    size_t before = out.size();
    if (!first) out += "\r\n";
    size_t header = out.size();
    append_info_section(out, to_lower(name));
    if (out.size() == header) {
      out.resize(before);  // an unknown section adds nothing
    } else {
      first = false;
    }
  }
  return out;
}

// server.blocked_clients (WAIT, SHUTDOWN, a postponed write), or those of them that have a
// timeout (the clients timeout table: WAIT with a timeout).
int64_t RedisServer::blocked_clients(bool with_timeout) const {
  return std::count_if(clients_.begin(), clients_.end(), [&](const auto& entry) {
    const Client& c = *entry.second;
    return c.has(client_flags::kAnyBlocked) && (!with_timeout || c.wait_timer.valid());
  });
}

// Formats are compiled (FMT_COMPILE): every Sentinel asks every instance for INFO every 10 s,
// every second during a failover.
void RedisServer::append_info_section(std::string& out, std::string_view name) const {
  int64_t uptime_s = (env().now() - start_time_).us / 1000000;
  if (name == "server") {
    append_info_server(out, {.mode = "standalone",
                             .pid = pid_,
                             .run_id = run_id_,
                             .port = config_.port(),
                             .unix_us = env().unix_us(),
                             .uptime_s = uptime_s,
                             .hz = config_.hz(),
                             .configured_hz = config_.hz(),
                             .executable = "/usr/bin/redis-server",
                             .config_file = env().disk().exists(kConfigFile)
                                                ? "/etc/redis/redis.conf"
                                                : ""});
  } else if (name == "clients") {
    fmt::format_to(std::back_inserter(out),
                   FMT_COMPILE("# Clients\r\nconnected_clients:{}\r\ncluster_connections:0\r\n"
                               "maxclients:{}\r\nclient_recent_max_input_buffer:0\r\n"
                               "client_recent_max_output_buffer:0\r\nblocked_clients:{}\r\n"
                               "tracking_clients:0\r\nclients_in_timeout_table:{}\r\n"),
                   clients_.size() - replicas_.size() - (master_ != nullptr ? 1 : 0),
                   config_.maxclients(), blocked_clients(false), blocked_clients(true));
  } else if (name == "memory") {
    size_t used = 876112 + keyspace_.dataset_bytes();
    fmt::format_to(
        std::back_inserter(out),
        FMT_COMPILE("# Memory\r\nused_memory:{}\r\nused_memory_human:{}\r\n"
                    "maxmemory:0\r\nmaxmemory_human:0B\r\nmaxmemory_policy:noeviction\r\n"
                    "mem_replication_backlog:{}\r\n"),
        used, format_memory(static_cast<int64_t>(used)), backlog_ ? backlog_->histlen() : 0);
  } else if (name == "persistence") {
    fmt::format_to(std::back_inserter(out),
                   FMT_COMPILE("# Persistence\r\nloading:{}\r\nasync_loading:0\r\n"
                               "rdb_changes_since_last_save:{}\r\nrdb_bgsave_in_progress:{}\r\n"
                               "rdb_last_save_time:{}\r\nrdb_last_bgsave_status:ok\r\n"
                               "aof_enabled:{}\r\naof_rewrite_in_progress:0\r\n"),
                   loading_ ? 1 : 0, dirty_, rdb_child_active_ ? 1 : 0, lastsave_unix_s_,
                   config_.appendonly() ? 1 : 0);
  } else if (name == "stats") {
    const KeyspaceStats& ks = keyspace_.stats();
    fmt::format_to(
        std::back_inserter(out),
        FMT_COMPILE("# Stats\r\ntotal_connections_received:{}\r\n"
                    "total_commands_processed:{}\r\nexpired_keys:{}\r\nkeyspace_hits:{}\r\n"
                    "keyspace_misses:{}\r\npubsub_channels:{}\r\npubsub_patterns:{}\r\n"
                    "sync_full:{}\r\nsync_partial_ok:{}\r\nsync_partial_err:{}\r\n"),
        stat_numconnections_, stat_numcommands_, ks.expired_keys, ks.keyspace_hits,
        ks.keyspace_misses, channels_.size(), patterns_.size(), stat_sync_full_,
        stat_sync_partial_ok_, stat_sync_partial_err_);
  } else if (name == "replication") {
    append_info_replication(out);
  } else if (name == "cpu") {
    out +=
        "# CPU\r\nused_cpu_sys:0.000000\r\nused_cpu_user:0.000000\r\n"
        "used_cpu_sys_children:0.000000\r\nused_cpu_user_children:0.000000\r\n";
  } else if (name == "modules") {
    out += "# Modules\r\n";
  } else if (name == "errorstats") {
    out += "# Errorstats\r\n";
  } else if (name == "cluster") {
    out += "# Cluster\r\ncluster_enabled:0\r\n";
  } else if (name == "keyspace") {
    out += "# Keyspace\r\n";
    keyspace_.append_info_keyspace(out);
  }
}

// The replication section, field by field in 7.0's order (spec/replication.md section 11).
void RedisServer::append_info_replication(std::string& out) const {
  fmt::format_to(std::back_inserter(out), FMT_COMPILE("# Replication\r\nrole:{}\r\n"),
                 is_master() ? "master" : "slave");
  if (!is_master()) {
    int64_t now = unixtime();
    int64_t last_io = master_ != nullptr ? now - master_->last_interaction_unix_s : -1;
    // 1 when there is neither a master nor a cached master (genRedisInfoString).
    int64_t slave_off = master_ != nullptr ? master_->reploff
                        : cached_master_   ? cached_master_->reploff
                                           : 1;
    int64_t read_off = master_ != nullptr ? master_->read_reploff
                       : cached_master_   ? cached_master_->read_reploff
                                          : 1;
    fmt::format_to(std::back_inserter(out),
                   FMT_COMPILE("master_host:{}\r\nmaster_port:{}\r\nmaster_link_status:{}\r\n"
                               "master_last_io_seconds_ago:{}\r\nmaster_sync_in_progress:{}\r\n"
                               "slave_read_repl_offset:{}\r\nslave_repl_offset:{}\r\n"),
                   *master_host_, master_port_,
                   repl_state_ == ReplState::kConnected ? "up" : "down", last_io,
                   repl_state_ == ReplState::kTransfer ? 1 : 0, read_off, slave_off);
    if (repl_state_ == ReplState::kTransfer) append_info_transfer(out);
    if (repl_state_ != ReplState::kConnected) {
      fmt::format_to(std::back_inserter(out), FMT_COMPILE("master_link_down_since_seconds:{}\r\n"),
                     repl_down_since_unix_s_ != 0 ? now - repl_down_since_unix_s_ : -1);
    }
    fmt::format_to(
        std::back_inserter(out),
        FMT_COMPILE("slave_priority:{}\r\nslave_read_only:{}\r\nreplica_announced:{}\r\n"),
        config_.replica_priority(), config_.replica_read_only() ? 1 : 0,
        config_.replica_announced() ? 1 : 0);
  }
  fmt::format_to(std::back_inserter(out), FMT_COMPILE("connected_slaves:{}\r\n"), replicas_.size());
  if (config_.min_replicas_to_write() > 0 && config_.min_replicas_max_lag().us > 0) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("min_slaves_good_slaves:{}\r\n"),
                   good_replicas_);
  }
  int index = 0;
  for (const Client* r : replicas_) {
    int64_t lag =
        r->repl_state == ReplicaLinkState::kOnline ? unixtime() - r->repl_ack_time_unix_s : 0;
    std::string ip = r->announced_ip.empty() ? r->ip() : r->announced_ip;
    fmt::format_to(std::back_inserter(out),
                   FMT_COMPILE("slave{}:ip={},port={},state={},offset={},lag={}\r\n"), index++, ip,
                   r->listening_port, replica_state_name(r->repl_state), r->repl_ack_off, lag);
  }
  fmt::format_to(
      std::back_inserter(out),
      FMT_COMPILE("master_failover_state:no-failover\r\nmaster_replid:{}\r\n"
                  "master_replid2:{}\r\nmaster_repl_offset:{}\r\nsecond_repl_offset:{}\r\n"
                  "repl_backlog_active:{}\r\nrepl_backlog_size:{}\r\n"
                  "repl_backlog_first_byte_offset:{}\r\nrepl_backlog_histlen:{}\r\n"),
      replid_, replid2_, master_repl_offset_, second_replid_offset_, backlog_ ? 1 : 0,
      config_.repl_backlog_size(), backlog_ ? backlog_->first_byte_offset() : 0,
      backlog_ ? backlog_->histlen() : 0);
}

RespValue RedisServer::role_reply() const {
  if (is_master()) {
    std::vector<RespValue> replicas;
    for (const Client* r : replicas_) {
      if (r->repl_state != ReplicaLinkState::kOnline) continue;
      std::string ip = r->announced_ip.empty() ? r->ip() : r->announced_ip;
      replicas.push_back(
          RespValue::array({RespValue::bulk(ip), RespValue::bulk(std::to_string(r->listening_port)),
                            RespValue::bulk(std::to_string(r->repl_ack_off))}));
    }
    return RespValue::array({RespValue::bulk("master"), RespValue::integer(master_repl_offset_),
                             RespValue::array(std::move(replicas))});
  }
  return RespValue::array({RespValue::bulk("slave"), RespValue::bulk(*master_host_),
                           RespValue::integer(master_port_),
                           RespValue::bulk(std::string(repl_state_role_name(repl_state_))),
                           RespValue::integer(master_ != nullptr ? master_->reploff : -1)});
}

// One CLIENT LIST line (without its newline), in 7.0's field order.
std::string RedisServer::client_info(const Client& c) const {
  std::string flags;
  if (c.has(client_flags::kReplica)) flags += 'S';
  if (c.has(client_flags::kMaster)) flags += 'M';
  if (c.has(client_flags::kPubsub)) flags += 'P';
  if (c.has(client_flags::kMulti)) flags += 'x';
  if (c.has(client_flags::kAnyBlocked)) flags += 'b';
  if (flags.empty()) flags = "N";
  int64_t age = (env().now() - c.ctime).us / 1000000;
  int64_t idle = (env().now() - c.last_interaction).us / 1000000;
  return fmt::format("id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} "
                     "psub={} ssub=0 multi={} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 "
                     "rbp=0 obl=0 oll=0 omem=0 tot-mem=1800 events=r cmd={} user={} "
                     "redir=-1 resp=2",
                     c.id, c.addr, c.laddr, 7 + c.id, c.name, age, idle, flags, c.db,
                     c.channels.size(), c.patterns.size(),
                     c.has(client_flags::kMulti) ? static_cast<int64_t>(c.multi_queue.size())
                                                 : -1,
                     c.last_command,
                     // The master link runs as no user at all (c->user == NULL).
                     c.has(client_flags::kMaster) ? "(superuser)" : "default");
}

std::string RedisServer::client_list(std::span<const std::string> argv) const {
  std::string type;
  if (argv.size() == 4 && equals_nocase(argv[2], "type")) type = to_lower(argv[3]);
  if (type == "slave") type = "replica";
  std::string out;
  for (const auto& [id, c] : clients_) {
    if (!type.empty() && client_type(*c) != type) continue;
    out += client_info(*c);
    out += '\n';
  }
  return out;
}

// replicationGetSlaveName: "ip:listening-port" (the announced ip if any); a replica that
// never sent REPLCONF listening-port (redis-cli --replica) is "ip:<unknown-replica-port>".
std::string RedisServer::replica_name(const Client& replica) const {
  std::string ip = replica.announced_ip.empty() ? replica.ip() : replica.announced_ip;
  if (replica.listening_port != 0) return fmt::format("{}:{}", ip, replica.listening_port);
  return fmt::format("{}:<unknown-replica-port>", ip);
}

}  // namespace model
