// RedisServer: lifecycle, clients and processCommand (server.c, networking.c).
#include "model/server.h"

#include <fmt/format.h>

#include "model/process_start.h"
#include "model/rdb.h"

namespace model {

RedisServer::RedisServer(sim::Env& env)
    : Process(env), keyspace_(env.rng("dict").next_u64()), expire_rng_(env.rng("expire")) {}

RedisServer::~RedisServer() = default;

std::string RedisServer::new_replication_id() { return random_hex40(env().rng("replid")); }

void RedisServer::log(char level, std::string_view event, std::string_view text) const {
  // Redis drops lines below the configured loglevel (serverLog's verbosity check).
  static constexpr std::string_view kLevels = ".-*#";
  size_t rank = kLevels.find(level);
  if (rank < static_cast<size_t>(config_.loglevel())) return;
  // Redis marks the lines of its start, before the server is set up, with 'C'.
  char role = !initialized_ ? 'C' : is_master() ? 'M' : 'S';
  std::string tag = fmt::format("{}:{}", pid_, role);
  const_cast<sim::Env&>(env()).trace("server", level, event, text, tag);
}

ServerView RedisServer::view() const {
  ServerView v;
  v.is_master = is_master();
  if (master_host_) v.master_host = *master_host_;
  v.master_port = master_port_;
  v.repl_state = repl_state_;
  v.loading = loading_;
  v.replid = replid_;
  v.replid2 = replid2_;
  v.master_repl_offset = master_repl_offset_;
  v.second_replid_offset = second_replid_offset_;
  return v;
}

// --- Start and stop -------------------------------------------------------------------------

void RedisServer::start() {
  pid_ = static_cast<int>(env().rng("pid").uniform(100, 32767));
  run_id_ = random_hex40(env().rng("runid"));
  replid_ = new_replication_id();
  replid2_ = std::string(40, '0');
  start_time_ = env().now();
  StartLog start_log = [this](char level, std::string_view event, std::string_view text) {
    log(level, event, text);
  };
  log_starting(start_log, pid_);
  if (!load_config()) return;
  log('#', "config-loaded", "Configuration loaded");
  initialized_ = true;
  if (config_.replicaof()) {  // a replica from the start: 'S' in its log lines from here on
    master_host_ = config_.replicaof()->host;
    master_port_ = config_.replicaof()->port;
    repl_state_ = ReplState::kConnect;
  }
  if (!start_listening(env(), start_log, "standalone", config_.port())) return;
  log('#', "initialized", "Server initialized");
  load_dump();
  log('*', "ready", "Ready to accept connections");
  lastsave_unix_s_ = unixtime();
  env().after(sim::Duration::millis(1), [this] { server_cron(); });
}

bool RedisServer::load_config() {
  ConfigOptions options;
  options.hash_seed = env().rng("config").next_u64();
  config_ = Config(options);
  const std::string* text = env().disk().read(kConfigFile);
  if (text == nullptr) {
    log('#', "no-config", "Warning: no config file specified, using the default config. In "
                          "order to specify a config file use redis-server "
                          "/path/to/redis.conf");
    return true;
  }
  if (std::optional<ConfigLoadError> error = config_.load(*text)) {
    log('#', "config-error", error->redis_output());
    env().exit();
    return false;
  }
  return true;
}

// The RDB on the node's disk: loaded at start, with its replication id and offset
// (server.c loadDataFromDisk) so a restarted replica, or the replicas of a restarted
// master, can continue partially.
void RedisServer::load_dump() {
  const std::string* bytes = env().disk().read(kDumpFile);
  if (bytes == nullptr) return;
  std::optional<RdbFile> rdb = RdbFile::decode(*bytes, keyspace_.order_seed(),
                                               {!config_.replicaof(), mstime()});
  if (!rdb) {
    log('#', "rdb-bad", "Short read or OOM loading DB. Unrecoverable error, aborting now.");
    return;
  }
  log('*', "rdb-loading", "Loading RDB produced by version 7.0.15");
  log('*', "rdb-age", fmt::format("RDB age {} seconds", unixtime() - rdb->saved_unix_s));
  log('*', "rdb-memory", fmt::format("RDB memory usage when created {:.2f} Mb",
                                     static_cast<double>(bytes->size()) / (1024 * 1024)));
  keyspace_ = std::move(rdb->keyspace);
  log('*', "rdb-loaded", fmt::format("Done loading RDB, keys loaded: {}, keys expired: {}.",
                                     rdb->keys_loaded, rdb->keys_expired));
  log('*', "db-loaded", "DB loaded from disk: 0.000 seconds");
  if (rdb->repl_offset < 0 || rdb->repl_stream_db == -1) return;
  if (config_.replicaof()) {
    // A replica restores its history as a cached master, so its first PSYNC may continue
    // the stream in the db it was writing to; it has no backlog until it syncs.
    replid_ = rdb->replid;
    master_repl_offset_ = rdb->repl_offset;
    cache_master_using_myself();
    cached_master_->db = rdb->repl_stream_db;
  } else {
    // A master keeps the old history as its secondary id (for its former replicas), with an
    // empty backlog starting after it.
    replid2_ = rdb->replid;
    second_replid_offset_ = rdb->repl_offset + 1;
    master_repl_offset_ = rdb->repl_offset;
    create_backlog();
    repl_no_slaves_since_unix_s_ = unixtime();
  }
}

// rdbPopulateSaveInfo: a master with a backlog, or a replica with a (cached) master, saves
// its history and the db its stream is writing to; false when there is none.
bool RedisServer::populate_save_info(RdbFile& rdb) const {
  if (is_master() && backlog_) {
    // -1 (no write since a full sync) saves as 0: the next write sends a SELECT anyway.
    rdb.repl_stream_db = replication_seldb_ == -1 ? 0 : replication_seldb_;
  } else if (master_ != nullptr) {
    rdb.repl_stream_db = master_->db;
  } else if (cached_master_) {
    rdb.repl_stream_db = cached_master_->db;
  } else {
    return false;
  }
  rdb.replid = replid_;
  rdb.repl_offset = master_repl_offset_;
  return true;
}

void RedisServer::save_dump() {
  RdbFile rdb;
  rdb.saved_unix_s = unixtime();
  populate_save_info(rdb);
  env().disk().write(kDumpFile, rdb.encode(keyspace_));
  dirty_ = 0;
  lastsave_unix_s_ = unixtime();
}

// --- Crons -------------------------------------------------------------------------------------

// serverCron: every 1000/hz ms; replicationCron once a second within it (run_with_period).
void RedisServer::server_cron() {
  int hz = config_.hz();
  int64_t period_ms = 1000 / hz;
  shutdown_cron();
  // No active expiry while writes are paused (a shutdown waiting for its replicas): the
  // dataset stays as the replicas were told.
  if (is_master() && !loading_ && !writes_paused_) {
    PropagateList& expired = scratch_result_.propagate;
    expired.clear();
    keyspace_.active_expire(mstime(), expire_rng_, expired);
    for (const Propagation& p : expired) propagate(p.db, p.argv);
  }
  if (period_ms >= 1000 || cronloops_ % (1000 / period_ms) == 0) replication_cron();
  ++cronloops_;
  env().after(sim::Duration::millis(period_ms), [this] { server_cron(); });
}

void RedisServer::replication_cron() {
  if (loading_) return;  // a synchronous load blocks the cron
  if (!is_master()) replica_cron();
  master_cron();
  ++replication_cron_loops_;
}

// --- Clients -----------------------------------------------------------------------------------

void RedisServer::on_accepted(sim::SocketId socket) {
  if (clients_.size() >= config_.maxclients()) {
    env().send(socket, "-ERR max number of clients reached\r\n");
    env().close(socket);
    return;
  }
  add_client(socket);
}

Client& RedisServer::add_client(sim::SocketId socket) {
  auto client = std::make_unique<Client>();
  client->id = next_client_id_++;
  client->socket = socket;
  client->addr = env().peer_address(socket).to_string();
  client->laddr = env().local_address(socket).to_string();
  client->ctime = client->last_interaction = env().now();
  client->last_interaction_unix_s = unixtime();
  client->authenticated = !config_.requirepass().has_value();
  client->parser.set_limits(RequestLimits{512LL * 1024 * 1024, false, !client->authenticated});
  Client& ref = *client;
  by_socket_[socket_key(socket)] = &ref;
  clients_.emplace(ref.id, std::move(client));
  ++stat_numconnections_;
  return ref;
}

Client* RedisServer::client_of(sim::SocketId socket) {
  auto it = by_socket_.find(socket_key(socket));
  return it == by_socket_.end() ? nullptr : it->second;
}

void RedisServer::on_readable(sim::SocketId socket) {
  if (socket == repl_socket_) {
    master_link_readable();
    return;
  }
  if (Client* client = client_of(socket)) process_input(*client);
}

void RedisServer::on_closed(sim::SocketId socket, sim::CloseReason reason) {
  if (socket == repl_socket_) {
    repl_socket_ = {};
    master_link_broken(reason);
    return;
  }
  if (Client* client = client_of(socket)) {
    client->socket = {};  // already gone: free_client must not close it again
    free_client(*client);
  }
}

void RedisServer::on_connected(sim::SocketId socket) {
  if (socket == repl_socket_) master_link_connected();
}

void RedisServer::free_client(Client& client) {
  if (client.has(client_flags::kMaster)) {
    master_lost(client);
    return;
  }
  if (client.has(client_flags::kReplica)) {
    log('#', "replica-lost", fmt::format("Connection with replica {} lost.", replica_name(client)));
    std::erase(replicas_, &client);
    if (replicas_.empty()) repl_no_slaves_since_unix_s_ = unixtime();
    refresh_good_replicas();
  }
  unsubscribe_all(client);
  if (client.has(client_flags::kBlocked)) --blocked_on_wait_;
  if (client.wait_timer.valid()) env().cancel(client.wait_timer);
  if (client.socket.valid()) env().close(client.socket);
  by_socket_.erase(socket_key(client.socket));
  clients_.erase(client.id);
}

void RedisServer::reply_raw(Client& client, std::string_view bytes) {
  // Redis never replies to its master (prepareClientToWrite), except REPLCONF ACK.
  if (client.has(client_flags::kMaster) || !client.socket.valid()) return;
  env().send(client.socket, bytes);
}

void RedisServer::reply(Client& client, const RespValue& value) {
  scratch_out_.clear();
  append_reply(scratch_out_, value);
  reply_raw(client, scratch_out_);
}

// readQueryFromClient: the input is the socket's bytes, or the query buffer when a command
// was left incomplete (then what the socket has joins it).
std::string_view RedisServer::query_input(Client& client) {
  std::string_view in = env().readable(client.socket);
  if (client.querybuf.empty()) return in;
  client.querybuf.append(in);
  env().consume(client.socket, in.size());
  return client.querybuf;
}

// Drops `n` parsed bytes; an incomplete command's bytes move into the query buffer, so the
// socket's window stays open for the rest of it.
void RedisServer::consume_query(Client& client, size_t n, bool incomplete) {
  if (!client.querybuf.empty()) {
    client.querybuf.erase(0, n);
    return;
  }
  env().consume(client.socket, n);
  if (!incomplete) return;
  std::string_view rest = env().readable(client.socket);
  client.querybuf.assign(rest);
  env().consume(client.socket, rest.size());
}

// processInputBuffer: one command at a time, until the input runs out, the client is
// blocked, or it is to be closed.
void RedisServer::process_input(Client& client) {
  if (client.has(client_flags::kMaster)) {
    apply_master_stream(client);
    return;
  }
  uint64_t id = client.id;
  for (;;) {
    std::string_view input = query_input(client);
    if (input.empty() || client.has(client_flags::kAnyBlocked)) return;
    ParseResult result = client.parser.parse(input, client.argv);
    consume_query(client, result.consumed, result.status == ParseStatus::kNeedMore);
    client.last_interaction = env().now();
    client.last_interaction_unix_s = unixtime();
    if (result.status == ParseStatus::kNeedMore) {
      if (client.parser.saw_empty_line() && client.has(client_flags::kReplica)) {
        client.repl_ack_time_unix_s = unixtime();  // a replica's keepalive newline
      }
      return;
    }
    if (result.status == ParseStatus::kError) {
      const ProtocolError& error = client.parser.error();
      log('-', "protocol-error", fmt::format("Protocol error ({}) from client: {}", error.reason,
                                             client_info(client)));
      if (!error.reply.empty()) reply(client, RespValue::error(error.reply));
      free_client(client);
      return;
    }
    process_command(client);
    if (clients_.find(id) == clients_.end()) return;  // freed by its own command
    if (client.has(client_flags::kCloseAfterReply)) {
      free_client(client);
      return;
    }
  }
}

}  // namespace model
