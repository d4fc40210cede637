// The replica side of replication (replication.c): REPLICAOF, the link to the master
// (connect, handshake, PSYNC, streaming), the cached master and its timeouts. The RDB
// download of a full resync is in replication_transfer.cpp.
#include <fmt/format.h>

#include "model/config_syntax.h"
#include "model/rdb.h"
#include "model/server.h"

namespace model {
namespace {

std::string_view strerror_of(sim::CloseReason reason) {
  switch (reason) {
    case sim::CloseReason::kRefused: return "Connection refused";
    case sim::CloseReason::kTimedOut: return "Connection timed out";
    case sim::CloseReason::kReset: return "Connection reset by peer";
    default: return "Connection lost";
  }
}

}  // namespace

// --- REPLICAOF host port | NO ONE (replicaofCommand) -------------------------------------------

void RedisServer::cmd_replicaof(Client& c, std::span<const std::string> argv) {
  if (equals_nocase(argv[1], "no") && equals_nocase(argv[2], "one")) {
    if (master_host_) {
      unset_master();
      log('*', "master-mode", fmt::format("MASTER MODE enabled (user request from '{}')",
                                          client_info(c)));
    }
    reply(c, RespValue::ok());
    return;
  }
  if (c.has(client_flags::kReplica)) {
    reply(c, RespValue::error("ERR Command is not valid when client is a replica."));
    return;
  }
  int64_t port = 0;
  if (!parse_ll(argv[2], port) || port < 0 || port > 65535) {
    reply(c, RespValue::error("ERR Invalid master port"));
    return;
  }
  if (master_host_ && equals_nocase(*master_host_, argv[1]) && master_port_ == port) {
    log('*', "replicaof-noop", "REPLICAOF would result into synchronization with the master we "
                               "are already connected with. No operation performed.");
    reply(c, RespValue::status("OK Already connected to specified master"));
    return;
  }
  set_master(argv[1], static_cast<int>(port));
  log('*', "replicaof", fmt::format("REPLICAOF {}:{} enabled (user request from '{}')",
                                    *master_host_, master_port_, client_info(c)));
  reply(c, RespValue::ok());
}

// replicationSetMaster: drop the current master (cached), remember the new one, connect.
void RedisServer::set_master(std::string host, int port) {
  bool was_master = is_master();
  master_host_.reset();  // so that freeing the old master link does not reconnect
  if (master_ != nullptr) free_client(*master_);
  cancel_handshake(false);
  master_host_ = std::move(host);
  master_port_ = port;
  config_.set_replicaof(ReplicaOf{*master_host_, port});
  if (was_master) {
    discard_cached_master();
    cache_master_using_myself();
  }
  repl_state_ = ReplState::kConnect;
  log('*', "connecting", fmt::format("Connecting to MASTER {}:{}", *master_host_, master_port_));
  connect_to_master();
}

// replicationUnsetMaster: become a master, with a new history that remembers the old one.
void RedisServer::unset_master() {
  master_host_.reset();
  config_.set_replicaof(std::nullopt);
  if (master_ != nullptr) free_client(*master_);
  discard_cached_master();
  cancel_handshake(false);
  shift_replication_id();
  disconnect_replicas();  // they must learn the new id
  repl_state_ = ReplState::kNone;
  replication_seldb_ = -1;
  repl_no_slaves_since_unix_s_ = unixtime();
  repl_down_since_unix_s_ = 0;
}

void RedisServer::disconnect_replicas() {
  std::vector<Client*> replicas(replicas_);
  for (Client* r : replicas) free_client(*r);
}

// --- The cached master (replicationCacheMaster and friends) -------------------------------

void RedisServer::discard_cached_master() {
  if (!cached_master_) return;
  log('*', "discard-cached-master", "Discarding previously cached master state.");
  cached_master_.reset();
}

void RedisServer::cache_master_using_myself() {
  log('*', "cache-myself", "Before turning into a replica, using my own master parameters to "
                           "synthesize a cached master: I may be able to synchronize with the "
                           "new master with just a partial transfer.");
  cached_master_ = create_master_client(replid_, master_repl_offset_, -1);
}

// replicationCreateMasterClient: a new client (a new id, its age counted from now) for the
// history `replid` at `offset`, its commands applied to `db` (-1: the default, 0).
std::unique_ptr<Client> RedisServer::create_master_client(const std::string& replid,
                                                          int64_t offset, int db) {
  auto master = std::make_unique<Client>();
  master->id = next_client_id_++;
  master->ctime = master->last_interaction = env().now();
  master->flags = client_flags::kMaster;
  master->master_replid = replid;
  master->reploff = master->read_reploff = offset;
  if (db != -1) master->db = db;
  return master;
}

// freeClient of the master link: keep its state for a PSYNC, and reconnect at once
// (replicationCacheMaster, replicationHandleMasterDisconnection).
void RedisServer::master_lost(Client& master) {
  log('#', "master-lost", "Connection with master lost.");
  log('*', "cache-master", "Caching the disconnected master state.");
  auto it = clients_.find(master.id);
  std::unique_ptr<Client> cached = std::move(it->second);
  by_socket_.erase(socket_key(cached->socket));
  clients_.erase(it);
  if (cached->socket.valid()) env().close(cached->socket);
  cached->socket = {};
  cached->flags = 0;
  cached->pending_bytes.clear();
  cached->querybuf.clear();
  cached->read_reploff = cached->reploff;
  cached->parser.reset();
  cached_master_ = std::move(cached);
  master_ = nullptr;
  repl_state_ = ReplState::kConnect;
  repl_down_since_unix_s_ = unixtime();
  if (master_host_) {
    log('*', "reconnecting", fmt::format("Reconnecting to MASTER {}:{}", *master_host_,
                                         master_port_));
    connect_to_master();
  }
}

// --- Connecting and the handshake (connectWithMaster, syncWithMaster) ----------------------

void RedisServer::connect_to_master() {
  repl_socket_ = env().connect(sim::Address{*master_host_, static_cast<uint16_t>(master_port_)});
  repl_transfer_lastio_unix_s_ = unixtime();
  repl_state_ = ReplState::kConnecting;
  log('*', "sync-started", "MASTER <-> REPLICA sync started");
}

// cancelReplicationHandshake: close the link; the cron (or the caller) reconnects.
void RedisServer::cancel_handshake(bool reconnect) {
  if (repl_state_ == ReplState::kNone || repl_state_ == ReplState::kConnected ||
      repl_state_ == ReplState::kConnect) {
    return;
  }
  if (repl_socket_.valid()) env().close(repl_socket_);
  repl_socket_ = {};
  repl_transfer_buffer_.clear();
  repl_state_ = ReplState::kConnect;
  if (reconnect && master_host_) {
    log('*', "reconnecting", fmt::format("Reconnecting to MASTER {}:{}", *master_host_,
                                         master_port_));
    connect_to_master();
  }
}

void RedisServer::master_link_connected() {
  log('*', "sync-connected", "Non blocking connect for SYNC fired the event.");
  send_handshake_command({"PING"});
  repl_state_ = ReplState::kReceivePingReply;
}

void RedisServer::master_link_broken(sim::CloseReason reason) {
  if (repl_state_ == ReplState::kConnecting) {
    log('#', "sync-connect-error", fmt::format("Error condition on socket for SYNC: {}",
                                               strerror_of(reason)));
  } else if (repl_state_ == ReplState::kTransfer && !loading_) {
    log('#', "sync-transfer-error", "I/O error trying to sync with MASTER: connection lost");
  } else if (!loading_) {
    log('#', "sync-handshake-error", "Master closed connection during the handshake");
  }
  repl_socket_ = {};
  repl_transfer_buffer_.clear();
  // While the RDB loads the state stays TRANSFER; the load's end sees the link is gone.
  if (!loading_) repl_state_ = ReplState::kConnect;
}

void RedisServer::send_handshake_command(std::initializer_list<std::string_view> argv) {
  scratch_out_.clear();
  append_command(scratch_out_, argv);
  env().send(repl_socket_, scratch_out_);
}

// Bytes on the link before it becomes the master client: reply lines, then maybe the RDB.
void RedisServer::master_link_readable() {
  repl_transfer_lastio_unix_s_ = unixtime();
  while (repl_socket_.valid() && repl_state_ != ReplState::kTransfer &&
         repl_state_ != ReplState::kConnected) {
    std::string_view input = env().readable(repl_socket_);
    size_t eol = input.find('\n');
    if (eol == std::string_view::npos) return;
    std::string line(input.substr(0, eol));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    env().consume(repl_socket_, eol + 1);
    handshake_step(line);
  }
  if (repl_socket_.valid() && repl_state_ == ReplState::kTransfer) read_transfer();
}

void RedisServer::handshake_step(std::string_view line) {
  switch (repl_state_) {
    case ReplState::kReceivePingReply: {
      bool ok = line.starts_with("+") || line.starts_with("-NOAUTH") ||
                line.starts_with("-NOPERM") || line.starts_with("-ERR operation not permitted");
      if (!ok) {
        log('#', "ping-error", fmt::format("Error reply to PING from master: '{}'", line));
        cancel_handshake(false);
        return;
      }
      log('*', "ping-ok", "Master replied to PING, replication can continue...");
      handshake_replies_left_ = 2;
      if (const auto& pass = config_.masterauth()) {
        if (const auto& user = config_.masteruser()) {
          send_handshake_command({"AUTH", *user, *pass});
        } else {
          send_handshake_command({"AUTH", *pass});
        }
        ++handshake_replies_left_;
        handshake_auth_pending_ = true;
      }
      int port = config_.replica_announce_port() != 0 ? config_.replica_announce_port()
                                                      : config_.port();
      send_handshake_command({"REPLCONF", "listening-port", std::to_string(port)});
      if (const auto& ip = config_.replica_announce_ip()) {
        send_handshake_command({"REPLCONF", "ip-address", *ip});
        ++handshake_replies_left_;
      }
      send_handshake_command({"REPLCONF", "capa", "eof", "capa", "psync2"});
      repl_state_ = ReplState::kReceiveHandshake;
      return;
    }
    case ReplState::kReceiveHandshake:
      if (handshake_auth_pending_) {
        handshake_auth_pending_ = false;
        if (line.starts_with("-")) {
          log('#', "auth-error", fmt::format("Unable to AUTH to MASTER: {}", line));
          cancel_handshake(false);
          return;
        }
      } else if (line.starts_with("-")) {
        log('*', "replconf-error",
            fmt::format("(Non critical) Master does not understand REPLCONF: {}", line));
      }
      if (--handshake_replies_left_ == 0) send_psync();
      return;
    case ReplState::kReceivePsyncReply:
      handle_psync_reply(line);
      return;
    default:
      return;
  }
}

// slaveTryPartialResynchronization, first half: ask to continue the cached history.
void RedisServer::send_psync() {
  if (cached_master_) {
    std::string offset = std::to_string(cached_master_->reploff + 1);
    log('*', "psync-try", fmt::format("Trying a partial resynchronization (request {}:{}).",
                                      cached_master_->master_replid, offset));
    send_handshake_command({"PSYNC", cached_master_->master_replid, offset});
  } else {
    log('*', "psync-no-cache", "Partial resynchronization not possible (no cached master)");
    send_handshake_command({"PSYNC", "?", "-1"});
  }
  repl_state_ = ReplState::kReceivePsyncReply;
}

// slaveTryPartialResynchronization, second half: the master's answer.
void RedisServer::handle_psync_reply(std::string_view line) {
  if (line.empty()) return;  // the master's keepalive newline while it prepares
  if (line.starts_with("+FULLRESYNC")) {
    std::vector<std::string> parts;
    split_args(line, parts);
    master_initial_replid_ = parts.size() > 1 ? parts[1] : std::string(40, '0');
    int64_t offset = -1;
    if (parts.size() > 2) parse_ll(parts[2], offset);
    master_initial_offset_ = offset;
    // The cached master stays until the RDB has arrived (replicationAttachToNewMaster, in
    // finish_full_sync): a transfer that fails can still be followed by a partial resync.
    log('*', "full-resync", fmt::format("Full resync from master: {}:{}", master_initial_replid_,
                                        master_initial_offset_));
    repl_state_ = ReplState::kTransfer;
    repl_transfer_size_ = -1;
    return;
  }
  if (line.starts_with("+CONTINUE")) {
    continue_partial_resync(line.size() > 10 ? std::string(line.substr(10)) : std::string());
    return;
  }
  if (line.starts_with("-NOMASTERLINK") || line.starts_with("-LOADING")) {
    log('*', "psync-later", fmt::format("Master is currently unable to PSYNC but should be in "
                                        "the future: {}", line));
    cancel_handshake(false);
    return;
  }
  if (line.starts_with("-ERR")) {
    log('*', "psync-unsupported", fmt::format("Master does not support PSYNC or is in error "
                                              "state (reply: {})", line));
  } else {
    log('#', "psync-unexpected", fmt::format("Unexpected reply to PSYNC from master: {}", line));
  }
  log('*', "sync-retry", "Retrying with SYNC...");
  send_handshake_command({"SYNC"});  // an old master: the SYNC protocol
  repl_state_ = ReplState::kTransfer;
  repl_transfer_size_ = -1;
}

void RedisServer::continue_partial_resync(const std::string& new_replid) {
  log('*', "psync-ok", "Successful partial resynchronization with master.");
  std::unique_ptr<Client> master = std::move(cached_master_);
  if (!new_replid.empty() && new_replid != master->master_replid) {
    // The master's history has a new name: remember the old one as ours too.
    replid2_ = master->master_replid;
    second_replid_offset_ = master_repl_offset_ + 1;
    replid_ = new_replid;
    master->master_replid = new_replid;
    log('#', "master-replid-changed", fmt::format("Master replication ID changed to {}",
                                                  new_replid));
    disconnect_replicas();
  }
  become_connected(std::move(master));
  log('*', "psync-accepted", "MASTER <-> REPLICA sync: Master accepted a Partial "
                             "Resynchronization.");
  if (!backlog_) create_backlog();
  if (!env().readable(master_->socket).empty()) apply_master_stream(*master_);
}

// The link becomes the master client: a new one after a full sync, or the cached one revived
// with its id and age (replicationResurrectCachedMaster).
void RedisServer::become_connected(std::unique_ptr<Client> master) {
  master->socket = repl_socket_;
  master->addr = env().peer_address(repl_socket_).to_string();
  master->laddr = env().local_address(repl_socket_).to_string();
  master->flags = client_flags::kMaster;
  master->authenticated = true;
  master->parser.set_limits(RequestLimits{512LL * 1024 * 1024, true, false});
  master->last_interaction = env().now();
  master->last_interaction_unix_s = unixtime();
  master_ = master.get();
  by_socket_[socket_key(repl_socket_)] = master.get();
  clients_.emplace(master->id, std::move(master));
  repl_socket_ = {};
  repl_state_ = ReplState::kConnected;
  repl_down_since_unix_s_ = 0;
}

// --- Streaming from the master ------------------------------------------------------------------

// Commands from the master run with its authority; the bytes of each, once applied, go on to
// our own replicas and backlog unchanged (replicationFeedStreamFromMasterStream), so every
// level of a chain shares the top master's offsets.
void RedisServer::apply_master_stream(Client& master) {
  uint64_t id = master.id;
  while (master_ == &master && !loading_ && !master.has(client_flags::kAnyBlocked)) {
    std::string_view input = query_input(master);
    if (input.empty()) return;
    ParseResult result = master.parser.parse(input, master.argv);
    master.pending_bytes.append(input.substr(0, result.consumed));
    master.read_reploff += static_cast<int64_t>(result.consumed);
    consume_query(master, result.consumed, result.status == ParseStatus::kNeedMore);
    master.last_interaction = env().now();
    master.last_interaction_unix_s = unixtime();
    if (result.status == ParseStatus::kNeedMore) return;
    if (result.status == ParseStatus::kError) {
      log('#', "master-protocol-error", fmt::format("Protocol error ({}) from client: {}",
                                                    master.parser.error().reason,
                                                    client_info(master)));
      free_client(master);
      return;
    }
    process_command(master);
    if (clients_.find(id) == clients_.end() || master_ != &master) return;
    if (master.has(client_flags::kPostponed)) return;  // writes paused: it runs later
    master_command_done(master);
  }
}

// commandProcessed for the master link: the command's bytes count as processed and go on to
// our replicas and backlog; inside MULTI they wait for the EXEC.
void RedisServer::master_command_done(Client& master) {
  if (master.has(client_flags::kMulti)) return;
  master.reploff += static_cast<int64_t>(master.pending_bytes.size());
  feed_stream(master.pending_bytes);
  master.pending_bytes.clear();
}

void RedisServer::send_ack() {
  if (master_ == nullptr) return;
  scratch_out_.clear();
  append_command(scratch_out_, {"REPLCONF", "ACK", std::to_string(master_->reploff)});
  env().send(master_->socket, scratch_out_);
}

// --- The replica's part of replicationCron ------------------------------------------------------

void RedisServer::replica_cron() {
  int64_t timeout_s = config_.repl_timeout().us / 1000000;
  int64_t now = unixtime();
  bool handshaking = repl_state_ == ReplState::kConnecting ||
                     repl_state_ == ReplState::kReceivePingReply ||
                     repl_state_ == ReplState::kReceiveHandshake ||
                     repl_state_ == ReplState::kReceivePsyncReply;
  if (handshaking && now - repl_transfer_lastio_unix_s_ > timeout_s) {
    log('#', "connect-timeout", "Timeout connecting to the MASTER...");
    cancel_handshake(true);
  }
  if (repl_state_ == ReplState::kTransfer && now - repl_transfer_lastio_unix_s_ > timeout_s) {
    log('#', "transfer-timeout", "Timeout receiving bulk data from MASTER... If the problem "
                                 "persists try to set the 'repl-timeout' parameter in "
                                 "redis.conf to a larger value.");
    cancel_handshake(true);
  }
  if (master_ != nullptr && now - master_->last_interaction_unix_s > timeout_s) {
    log('#', "master-timeout", "MASTER timeout: no data nor PING received...");
    free_client(*master_);
  }
  if (repl_state_ == ReplState::kConnect) {
    log('*', "connecting", fmt::format("Connecting to MASTER {}:{}", *master_host_, master_port_));
    connect_to_master();
  }
  if (master_ != nullptr) send_ack();
}

}  // namespace model
