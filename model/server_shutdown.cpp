// Shutting down (server.c prepareForShutdown, isReadyToShutdown, finishShutdown; db.c
// shutdownCommand). A master with replicas that have not acknowledged its whole stream sends
// them REPLCONF GETACK *, pauses writes and waits up to shutdown-timeout seconds for their
// ACKs (checked by every serverCron run) before it saves and exits. SIGTERM is handled the
// same way, by the next serverCron run.
#include <fmt/format.h>

#include "model/config_syntax.h"
#include "model/server.h"

namespace model {

void RedisServer::on_terminate() {
  // sigShutdownHandler only flags it; serverCron does the work.
  log('#', "sigterm", "Received SIGTERM scheduling shutdown...");
  shutdown_asap_ = true;
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] (db.c shutdownCommand): the client stays
// blocked while the server waits for its replicas; it never gets a reply if the server exits.
void RedisServer::cmd_shutdown(Client& c, std::span<const std::string> argv) {
  uint32_t flags = 0;
  bool abort = false;
  for (size_t i = 1; i < argv.size(); ++i) {
    if (equals_nocase(argv[i], "nosave")) {
      flags |= shutdown_flags::kNoSave;
    } else if (equals_nocase(argv[i], "save")) {
      flags |= shutdown_flags::kSave;
    } else if (equals_nocase(argv[i], "now")) {
      flags |= shutdown_flags::kNow;
    } else if (equals_nocase(argv[i], "force")) {
      flags |= shutdown_flags::kForce;
    } else if (equals_nocase(argv[i], "abort")) {
      abort = true;
    } else {
      reply(c, RespValue::error("ERR syntax error"));
      return;
    }
  }
  if ((abort && flags != 0) ||
      ((flags & shutdown_flags::kNoSave) && (flags & shutdown_flags::kSave))) {
    reply(c, RespValue::error("ERR syntax error"));
    return;
  }
  if (abort) {
    reply(c, abort_shutdown() ? RespValue::ok() : RespValue::error("ERR No shutdown in progress."));
    return;
  }
  c.flags |= client_flags::kBlockedShutdown;
  prepare_for_shutdown(flags);
}

// prepareForShutdown. Returns true when the process exited.
bool RedisServer::prepare_for_shutdown(uint32_t flags) {
  if (shutdown_mstime_ != 0) return false;  // already waiting for replicas
  if (loading_) flags = (flags & ~shutdown_flags::kSave) | shutdown_flags::kNoSave;
  shutdown_flags_ = flags;
  log('#', "shutdown", "User requested shutdown...");
  int64_t timeout_s = config_.number(ConfigId::kShutdownTimeout);
  if (!(flags & shutdown_flags::kNow) && timeout_s != 0 && !ready_to_shutdown()) {
    shutdown_mstime_ = mstime() + timeout_s * 1000;
    if (!writes_paused_) {  // sendGetackToReplicas
      static const std::string kGetack[] = {"REPLCONF", "GETACK", "*"};
      propagate(-1, kGetack);
    }
    writes_paused_ = true;  // pauseClients(PAUSE_DURING_SHUTDOWN, CLIENT_PAUSE_WRITE)
    log('*', "shutdown-wait", "Waiting for replicas before shutting down.");
    return false;
  }
  finish_shutdown();
  return true;
}

// isReadyToShutdown: every replica acknowledged the whole stream.
bool RedisServer::ready_to_shutdown() const {
  for (const Client* r : replicas_) {
    if (r->repl_ack_off != master_repl_offset_) return false;
  }
  return true;
}

// serverCron's part: a SIGTERM to act on, or a wait for replicas that is over.
void RedisServer::shutdown_cron() {
  if (shutdown_asap_ && shutdown_mstime_ == 0) {
    shutdown_asap_ = false;
    prepare_for_shutdown(0);
  } else if (shutdown_mstime_ != 0 && (mstime() >= shutdown_mstime_ || ready_to_shutdown())) {
    finish_shutdown();
  }
}

// finishShutdown: report lagging replicas, save if configured, exit (peers see EOF).
void RedisServer::finish_shutdown() {
  int64_t lagging = 0;
  for (const Client* r : replicas_) {
    if (r->repl_ack_off == master_repl_offset_) continue;
    ++lagging;
    int64_t lag = r->repl_state == ReplicaLinkState::kOnline
                      ? unixtime() - r->repl_ack_time_unix_s : 0;
    log('#', "shutdown-lagging-replica",
        fmt::format("Lagging replica {} reported offset {} behind master, lag={}, state={}.",
                    replica_name(*r), master_repl_offset_ - r->repl_ack_off, lag,
                    replica_state_name(r->repl_state)));
  }
  if (!replicas_.empty()) {
    log('*', "shutdown-replicas-in-sync",
        fmt::format("{} of {} replicas are in sync when shutting down.",
                    static_cast<int64_t>(replicas_.size()) - lagging, replicas_.size()));
  }
  bool save = (shutdown_flags_ & shutdown_flags::kSave) != 0;
  bool nosave = (shutdown_flags_ & shutdown_flags::kNoSave) != 0;
  if ((!config_.save_params().empty() && !nosave) || save) {
    log('*', "saving", "Saving the final RDB snapshot before exiting.");
    save_dump();
    log('*', "saved", "DB saved on disk");
  }
  log('#', "bye", "Redis is now ready to exit, bye bye...");
  env().exit();
}

// abortShutdown / cancelShutdown: blocked SHUTDOWN callers get an error, writes resume.
bool RedisServer::abort_shutdown() {
  if (shutdown_mstime_ == 0 && !shutdown_asap_) return false;
  shutdown_asap_ = false;
  shutdown_flags_ = 0;
  shutdown_mstime_ = 0;
  writes_paused_ = false;
  log('*', "shutdown-abort", "Shutdown manually aborted.");
  std::vector<uint64_t> blocked;
  for (const auto& [id, c] : clients_) {
    if (c->has(client_flags::kBlockedShutdown | client_flags::kPostponed)) blocked.push_back(id);
  }
  for (uint64_t id : blocked) {
    auto it = clients_.find(id);
    if (it == clients_.end()) continue;
    Client& c = *it->second;
    if (c.has(client_flags::kBlockedShutdown)) {
      c.flags &= ~client_flags::kBlockedShutdown;
      reply(c, RespValue::error("ERR Errors trying to SHUTDOWN. Check logs."));
    } else {
      c.flags &= ~client_flags::kPostponed;  // its command runs now (unblockClient)
      process_command(c);
      if (master_ == &c && !c.has(client_flags::kPostponed)) master_command_done(c);
    }
    if (clients_.find(id) != clients_.end()) process_input(c);
  }
  return true;
}

}  // namespace model
