// The master side of replication (replication.c): the stream and its backlog, SYNC/PSYNC,
// the RDB for full resyncs, REPLCONF and the good-replicas count (WAIT: replication_wait.cpp).
#include <fmt/format.h>

#include <algorithm>

#include "model/config_syntax.h"
#include "model/planted_bugs.h"
#include "model/rdb.h"
#include "model/server.h"

namespace model {

// --- Replication ids (changeReplicationId, clearReplicationId2, shiftReplicationId) ---------

void RedisServer::change_replication_id() { replid_ = new_replication_id(); }

void RedisServer::clear_replication_id2() {
  replid2_ = std::string(40, '0');
  second_replid_offset_ = -1;
}

void RedisServer::shift_replication_id() {
  replid2_ = replid_;
  // The offset of the first byte NOT covered by the old id.
  second_replid_offset_ = master_repl_offset_ + 1;
  change_replication_id();
  log('*', "replid-shift", fmt::format("Setting secondary replication ID to {}, valid up to "
                                       "offset: {}. New replication ID is {}",
                                       replid2_, second_replid_offset_, replid_));
}

void RedisServer::create_backlog() {
  backlog_.emplace(config_.repl_backlog_size(), master_repl_offset_);
}

// --- Feeding the stream ----------------------------------------------------------------------

// replicationFeedSlaves: a command as the replicas (and the backlog) get it. `db` is -1 for
// commands that need no SELECT (MULTI, EXEC, PING, GETACK).
void RedisServer::propagate(int db, std::span<const std::string> argv) {
  if (!is_master()) return;  // only a top-level master originates stream data
  if (!backlog_ && replicas_.empty()) return;
  scratch_stream_.clear();
  if (db != -1 && replication_seldb_ != db) {
    const std::string select[] = {"SELECT", std::to_string(db)};
    append_command(scratch_stream_, std::span<const std::string>(select));
    replication_seldb_ = db;
  }
  append_command(scratch_stream_, argv);
  feed_stream(scratch_stream_);
}

// The bytes go into the backlog and to every replica that takes a stream: online ones get
// them now; those waiting for their RDB keep them until they are online.
void RedisServer::feed_stream(std::string_view bytes) {
  if (backlog_) backlog_->feed(bytes, min_unsent_offset());
  master_repl_offset_ += static_cast<int64_t>(bytes.size());
  for (Client* replica : replicas_) {
    switch (replica->repl_state) {
      case ReplicaLinkState::kWaitBgsaveStart: break;  // gets the stream from its fork on
      case ReplicaLinkState::kWaitBgsaveEnd:
      case ReplicaLinkState::kSendBulk: replica->held_stream.append(bytes); break;
      case ReplicaLinkState::kOnline:
        if (replica->start_stream_on_ack) {
          replica->held_stream.append(bytes);
        } else {
          env().send(replica->socket, bytes);
        }
        break;
    }
  }
}

// The first stream byte some replica has not been sent yet (its output buffer references the
// backlog from there); INT64_MAX when none is behind.
int64_t RedisServer::min_unsent_offset() const {
  int64_t min = INT64_MAX;
  for (const Client* r : replicas_) {
    if (r->repl_state == ReplicaLinkState::kWaitBgsaveStart) continue;
    int64_t pending = static_cast<int64_t>(r->held_stream.size() + env().unsent(r->socket));
    if (pending > 0) min = std::min(min, master_repl_offset_ - pending + 1);
  }
  return min;
}

// --- SYNC and PSYNC (syncCommand, masterTryPartialResynchronization) -----------------------

void RedisServer::cmd_sync(Client& c, std::span<const std::string> argv) {
  if (c.has(client_flags::kReplica)) return;
  if (!is_master() && repl_state_ != ReplState::kConnected) {
    reply(c, RespValue::error("NOMASTERLINK Can't SYNC while not connected with my master"));
    return;
  }
  // A filtered RDB is only ever streamed to a socket.
  if (c.slave_req != 0 && !c.capa_eof) {
    reply(c, RespValue::error("ERR Filtered replica requires EOF capability"));
    return;
  }
  log('*', "sync-request", fmt::format("Replica {} asks for synchronization", replica_name(c)));
  bool psync = equals_nocase(argv[0], "psync");
  if (psync) {
    int64_t offset = 0;
    if (!parse_ll(argv[2], offset)) {
      reply(c, RespValue::error("ERR value is not an integer or out of range"));
      return;
    }
    if (try_partial_resync(c, argv[1], offset)) {
      ++stat_sync_partial_ok_;
      return;
    }
    if (argv[1] != "?") ++stat_sync_partial_err_;
  } else {
    c.flags |= client_flags::kPrePsync;  // old protocol: no +FULLRESYNC line
  }
  ++stat_sync_full_;
  c.repl_state = ReplicaLinkState::kWaitBgsaveStart;
  c.flags |= client_flags::kReplica;
  replicas_.push_back(&c);
  if (replicas_.size() == 1 && !backlog_) {
    // A backlog made from scratch starts a new history (no valid past).
    change_replication_id();
    clear_replication_id2();
    create_backlog();
    log('*', "backlog-created", fmt::format("Replication backlog created, my new replication "
                                            "IDs are '{}' and '{}'", replid_, replid2_));
  }
  if (rdb_child_active_) {
    log('*', "wait-next-bgsave",
        rdb_child_socket_ ? "Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC"
                          : "Can't attach the replica to the current BGSAVE. Waiting for next "
                            "BGSAVE for SYNC");
  } else if (config_.repl_diskless_sync() && c.capa_eof &&
             config_.repl_diskless_sync_delay().us > 0) {
    log('*', "bgsave-delayed", "Delay next BGSAVE for diskless SYNC");  // replicationCron forks
  } else {
    start_bgsave_for_replication(c.slave_req);
  }
}

bool RedisServer::try_partial_resync(Client& c, std::string_view replid, int64_t offset) {
  bool id_ok = replid == replid_ || (replid == replid2_ && offset <= second_replid_offset_) ||
               (planted(PlantedBug::kPsyncAnyReplid) && replid != "?");
  if (!id_ok) {
    if (replid == "?") {
      log('*', "full-resync-requested",
          fmt::format("Full resync requested by replica {}", replica_name(c)));
    } else if (replid != replid_ && replid != replid2_) {
      log('*', "psync-id-mismatch",
          fmt::format("Partial resynchronization not accepted: Replication ID mismatch (Replica "
                      "asked for '{}', my replication IDs are '{}' and '{}')",
                      replid, replid_, replid2_));
    } else {
      log('*', "psync-offset-mismatch",
          fmt::format("Partial resynchronization not accepted: Requested offset for second ID "
                      "was {}, but I can reply up to {}", offset, second_replid_offset_));
    }
    return false;
  }
  if (!backlog_ || !backlog_->covers(offset)) {
    log('*', "psync-no-backlog",
        fmt::format("Unable to partial resync with replica {} for lack of backlog (Replica "
                    "request was: {}).", replica_name(c), offset));
    if (offset > master_repl_offset_) {
      log('#', "psync-offset-ahead",
          fmt::format("Warning: replica {} tried to PSYNC with an offset that is greater than "
                      "the master replication offset.", replica_name(c)));
    }
    return false;
  }
  c.flags |= client_flags::kReplica;
  c.repl_state = ReplicaLinkState::kOnline;
  c.repl_ack_time_unix_s = unixtime();
  c.start_stream_on_ack = false;
  replicas_.push_back(&c);
  reply_raw(c, c.capa_psync2 ? fmt::format("+CONTINUE {}\r\n", replid_) : "+CONTINUE\r\n");
  std::string missing = backlog_->copy_from(offset);
  env().send(c.socket, missing);
  log('*', "psync-accepted",
      fmt::format("Partial resynchronization request from {} accepted. Sending {} bytes of "
                  "backlog starting from offset {}.", replica_name(c), missing.size(), offset));
  refresh_good_replicas();
  return true;
}

// --- The RDB for full resyncs (startBgsaveForReplication and the child's completion) --------

// One RDB serves the waiting replicas with the same requirements `req` (REPLCONF
// rdb-filter-only); a filtered one always goes to sockets.
void RedisServer::start_bgsave_for_replication(uint32_t req) {
  bool socket_target = config_.repl_diskless_sync() || req != 0;
  for (const Client* r : replicas_) {
    if (r->repl_state == ReplicaLinkState::kWaitBgsaveStart && r->slave_req == req) {
      socket_target &= r->capa_eof;
    }
  }
  log('*', "bgsave-start", fmt::format("Starting BGSAVE for SYNC with target: {}",
                                       socket_target ? "replicas sockets" : "disk"));
  int child_pid = static_cast<int>(env().rng("pid").uniform(100, 32767));
  log('*', "bgsave-child", fmt::format("{} started by pid {}",
                                       socket_target ? "Background RDB transfer"
                                                     : "Background saving",
                                       child_pid));
  // replicationSetupSlaveForFullResync: the stream from here on is held for them.
  RdbFile rdb;
  populate_save_info(rdb);
  rdb.saved_unix_s = unixtime();
  static const Keyspace kNoData;
  std::string payload = rdb.encode((req & slave_req::kExcludeData) ? kNoData : keyspace_);
  size_t payload_size = payload.size();
  replication_seldb_ = -1;  // the stream after the RDB starts with a SELECT
  std::string eofmark = new_replication_id();  // 40 random characters
  for (Client* r : replicas_) {
    if (r->repl_state != ReplicaLinkState::kWaitBgsaveStart || r->slave_req != req) continue;
    r->repl_state = ReplicaLinkState::kWaitBgsaveEnd;
    r->psync_initial_offset = master_repl_offset_;
    if (!r->has(client_flags::kPrePsync)) {
      env().send(r->socket, fmt::format("+FULLRESYNC {} {}\r\n", replid_, master_repl_offset_));
    }
    if (socket_target) {
      env().send(r->socket, fmt::format("$EOF:{}\r\n", eofmark));
      env().send(r->socket, payload);
      env().send(r->socket, eofmark);
    }
  }
  rdb_child_active_ = true;
  rdb_child_socket_ = socket_target;
  if (!socket_target) {
    env().disk().write(kDumpFile, payload);
    rdb_payload_ = std::move(payload);
  }
  // The child's work takes the time of writing the RDB (to sockets or disk).
  uint64_t child = ++rdb_child_id_;
  env().after(rdb_write_time(payload_size), [this, child] { poll_rdb_child(child); });
}

sim::Duration RedisServer::rdb_write_time(size_t bytes) const {
  constexpr int64_t kRdbBytesPerSecond = 200 * 1024 * 1024;  // a local disk or a pipe
  return sim::Duration::micros(1000 + static_cast<int64_t>(bytes) * 1000000 / kRdbBytesPerSecond);
}

// checkChildrenDone: the child is done when what it wrote has left the sockets.
void RedisServer::poll_rdb_child(uint64_t child) {
  if (!rdb_child_active_ || child != rdb_child_id_) return;  // finished early by an ACK
  if (rdb_child_socket_) {
    for (const Client* r : replicas_) {
      if (r->repl_state == ReplicaLinkState::kWaitBgsaveEnd && env().unsent(r->socket) > 0) {
        env().after(sim::Duration::millis(1), [this, child] { poll_rdb_child(child); });
        return;
      }
    }
  }
  rdb_transfer_done();
}

void RedisServer::rdb_transfer_done() {
  rdb_child_active_ = false;
  if (rdb_child_socket_) {
    int64_t up = std::count_if(replicas_.begin(), replicas_.end(), [](const Client* r) {
      return r->repl_state == ReplicaLinkState::kWaitBgsaveEnd;
    });
    log('#', "rdb-pipe-done", fmt::format("Diskless rdb transfer, done reading from pipe, {} "
                                          "replicas still up.", up));
    log('*', "rdb-transfer-ok", "Background RDB transfer terminated with success");
  } else {
    log('*', "bgsave-saved", "DB saved on disk");
    log('*', "bgsave-ok", "Background saving terminated with success");
    dirty_ = 0;
    lastsave_unix_s_ = unixtime();
  }
  std::vector<Client*> done(replicas_);
  for (Client* r : done) {
    if (r->repl_state != ReplicaLinkState::kWaitBgsaveEnd) continue;
    if (rdb_child_socket_) {
      // The replica signals it loaded the RDB with its first REPLCONF ACK.
      r->repl_state = ReplicaLinkState::kOnline;
      r->start_stream_on_ack = true;
      r->repl_ack_time_unix_s = unixtime();
      log('*', "rdb-streamed", fmt::format("Streamed RDB transfer with replica {} succeeded "
                                           "(socket). Waiting for REPLCONF ACK from slave to "
                                           "enable streaming", replica_name(*r)));
      replica_online(*r);
    } else {
      r->repl_state = ReplicaLinkState::kSendBulk;
      env().send(r->socket, fmt::format("${}\r\n", rdb_payload_.size()));
      env().send(r->socket, rdb_payload_);
      replica_online(*r);
    }
  }
  rdb_payload_.clear();
  // Replicas that arrived during this child wait for the next one.
  auto waiting = std::find_if(replicas_.begin(), replicas_.end(), [](const Client* r) {
    return r->repl_state == ReplicaLinkState::kWaitBgsaveStart;
  });
  if (waiting != replicas_.end() &&
      !(config_.repl_diskless_sync() && config_.repl_diskless_sync_delay().us > 0)) {
    start_bgsave_for_replication((*waiting)->slave_req);
  }
}

// replicaPutOnline / replicaStartCommandStream.
void RedisServer::replica_online(Client& r) {
  r.repl_state = ReplicaLinkState::kOnline;
  r.repl_ack_time_unix_s = unixtime();
  refresh_good_replicas();
  if (r.start_stream_on_ack) return;
  log('*', "replica-synced",
      fmt::format("Synchronization with replica {} succeeded", replica_name(r)));
  if (!r.held_stream.empty()) env().send(r.socket, r.held_stream);
  r.held_stream.clear();
}

// --- REPLCONF -----------------------------------------------------------------------------------

void RedisServer::cmd_replconf(Client& c, std::span<const std::string> argv) {
  if (argv.size() % 2 == 0) {
    reply(c, RespValue::error("ERR syntax error"));
    return;
  }
  for (size_t j = 1; j + 1 < argv.size(); j += 2) {
    std::string_view option = argv[j], value = argv[j + 1];
    if (equals_nocase(option, "listening-port")) {
      int64_t port = 0;
      if (!parse_ll(value, port)) {
        reply(c, RespValue::error("ERR value is not an integer or out of range"));
        return;
      }
      c.listening_port = static_cast<int>(port);
    } else if (equals_nocase(option, "ip-address")) {
      c.announced_ip = std::string(value);
    } else if (equals_nocase(option, "capa")) {
      if (equals_nocase(value, "eof")) c.capa_eof = true;
      if (equals_nocase(value, "psync2")) c.capa_psync2 = true;
    } else if (equals_nocase(option, "ack")) {
      replconf_ack(c, value);
      return;  // no reply
    } else if (equals_nocase(option, "getack")) {
      if (!is_master() && master_ != nullptr) send_ack();
      return;
    } else if (equals_nocase(option, "rdb-filter-only")) {
      if (!replconf_rdb_filter_only(c, value)) return;
    } else {
      reply(c, RespValue::error(fmt::format("ERR Unrecognized REPLCONF option: {}", option)));
      return;
    }
  }
  reply(c, RespValue::ok());
}

// REPLCONF rdb-filter-only <filters>: an RDB without the data, with the functions only if
// "functions" is listed (redis-cli --replica sends "", --functions-rdb "functions").
bool RedisServer::replconf_rdb_filter_only(Client& c, std::string_view value) {
  std::vector<std::string> filters;
  if (!split_args(value, filters)) {
    reply(c, RespValue::error("ERR Missing rdb-filter-only values"));
    return false;
  }
  c.slave_req |= slave_req::kExcludeData | slave_req::kExcludeFunctions;
  for (const std::string& filter : filters) {
    if (!equals_nocase(filter, "functions")) {
      reply(c, RespValue::error(
                   fmt::format("ERR Unsupported rdb-filter-only option: {}", filter)));
      return false;
    }
    c.slave_req &= ~slave_req::kExcludeFunctions;
  }
  return true;
}

void RedisServer::replconf_ack(Client& c, std::string_view value) {
  int64_t offset = 0;
  if (!c.has(client_flags::kReplica) || !parse_ll(value, offset)) return;
  c.repl_ack_off = std::max(c.repl_ack_off, offset);
  c.repl_ack_time_unix_s = unixtime();
  // The ACK may beat the master's own check that the RDB child is done (checkChildrenDone):
  // a replica that acks has received all of it.
  if (rdb_child_active_ && rdb_child_socket_ && c.repl_state == ReplicaLinkState::kWaitBgsaveEnd) {
    rdb_transfer_done();
  }
  if (c.start_stream_on_ack && c.repl_state == ReplicaLinkState::kOnline) {
    c.start_stream_on_ack = false;
    log('*', "replica-synced",
        fmt::format("Synchronization with replica {} succeeded", replica_name(c)));
    if (!c.held_stream.empty()) env().send(c.socket, c.held_stream);
    c.held_stream.clear();
  }
  check_waiting_clients();
}

// refreshGoodSlavesCount: online replicas that acked within min-replicas-max-lag seconds.
void RedisServer::refresh_good_replicas() {
  int64_t max_lag = config_.min_replicas_max_lag().us / 1000000;
  if (config_.min_replicas_to_write() == 0 || max_lag == 0) return;
  int64_t now = unixtime();
  good_replicas_ = std::count_if(replicas_.begin(), replicas_.end(), [&](const Client* r) {
    return r->repl_state == ReplicaLinkState::kOnline && now - r->repl_ack_time_unix_s <= max_lag;
  });
}

// --- The master's part of replicationCron ----------------------------------------------------

void RedisServer::master_cron() {
  if (!replicas_.empty() && replication_cron_loops_ %
                                (config_.repl_ping_replica_period().us / 1000000) == 0) {
    static const std::string kPing[] = {"ping"};  // shared.ping
    propagate(-1, kPing);
  }
  // Replicas waiting for an RDB get a newline every second, so they do not time out.
  for (Client* r : replicas_) {
    bool waiting = r->repl_state == ReplicaLinkState::kWaitBgsaveStart ||
                   (r->repl_state == ReplicaLinkState::kWaitBgsaveEnd && !rdb_child_socket_);
    if (waiting) env().send(r->socket, "\n");
  }
  std::vector<Client*> timed_out;
  for (Client* r : replicas_) {
    if (r->repl_state == ReplicaLinkState::kOnline && !r->has(client_flags::kPrePsync) &&
        unixtime() - r->repl_ack_time_unix_s > config_.repl_timeout().us / 1000000) {
      timed_out.push_back(r);
    }
  }
  for (Client* r : timed_out) {
    log('#', "replica-timeout",
        fmt::format("Disconnecting timedout replica (streaming sync): {}", replica_name(*r)));
    free_client(*r);
  }
  if (replicas_.empty() && backlog_ && is_master() && config_.repl_backlog_ttl().us > 0 &&
      unixtime() - repl_no_slaves_since_unix_s_ > config_.repl_backlog_ttl().us / 1000000) {
    change_replication_id();
    clear_replication_id2();
    backlog_.reset();
    log('*', "backlog-freed", fmt::format("Replication backlog freed after {} seconds without "
                                          "connected replicas.",
                                          config_.repl_backlog_ttl().us / 1000000));
  }
  start_pending_fork();
  refresh_good_replicas();
}

// replicationStartPendingFork: the diskless fork once the longest waiting replica waited
// repl-diskless-sync-delay, or enough replicas wait.
void RedisServer::start_pending_fork() {
  if (rdb_child_active_) return;
  int64_t waiting = 0, max_idle_s = 0;
  uint32_t req = 0;
  for (const Client* r : replicas_) {
    if (r->repl_state != ReplicaLinkState::kWaitBgsaveStart) continue;
    if (waiting == 0) req = r->slave_req;  // the first one's requirements
    if (r->slave_req != req) continue;
    ++waiting;
    // Idle time in whole wall-clock seconds, as Redis measures it (server.unixtime).
    max_idle_s = std::max(max_idle_s, unixtime() - r->last_interaction_unix_s);
  }
  if (waiting == 0) return;
  int max_replicas = config_.repl_diskless_sync_max_replicas();
  if (max_idle_s >= config_.repl_diskless_sync_delay().us / 1000000 ||
      (max_replicas > 0 && waiting >= max_replicas)) {
    start_bgsave_for_replication(req);
  }
}

}  // namespace model
