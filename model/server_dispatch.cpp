// processCommand and call (server.c): the checks a command passes before it runs, in Redis's
// order, MULTI queueing, and the propagation of what it changed.
#include <fmt/format.h>

#include "model/server.h"

namespace model {
namespace {

using namespace command_flags;

// The flags of a command as processCommand sees them: EXEC takes those of its queue.
struct EffectiveFlags {
  bool write = false, read = false, deny_stale = false, deny_loading = false;
};

}  // namespace

ExecContext RedisServer::exec_context(const Client& client) const {
  ExecContext ctx;
  ctx.db = client.db;
  ctx.now_ms = mstime();
  ctx.is_master = is_master();
  ctx.replica_read_only = config_.replica_read_only();
  ctx.from_master = client.has(client_flags::kMaster);
  ctx.writes_paused = writes_paused_;
  return ctx;
}

// The first check processCommand fails, as the error text to reply; "" if none.
std::string RedisServer::reject_reason(Client& client, const CommandSpec& spec) const {
  EffectiveFlags f{spec.has(kWrite), spec.has(kReadonly), !spec.has(kStale),
                   !spec.has(kLoading)};
  if (spec.id == CommandId::kExec) {
    for (const QueuedCommand& q : client.multi_queue) {
      f.write |= q.spec->has(kWrite);
      f.read |= q.spec->has(kReadonly);
      f.deny_stale |= !q.spec->has(kStale);
      f.deny_loading |= !q.spec->has(kLoading);
    }
  }
  bool obey = client.has(client_flags::kMaster);
  if (spec.has(kProtected) && !debug_allowed(client)) {
    return "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
           "\"local\", you can run it from a local connection, otherwise you need to set this "
           "option in the configuration file, and then restart the server.";
  }
  if (!client.authenticated && !spec.has(kNoAuth)) return "NOAUTH Authentication required.";
  if (client.has(client_flags::kMulti) && spec.has(kNoMulti)) {
    return "ERR Command not allowed inside a transaction";
  }
  // checkGoodReplicasStatus: min-replicas-to-write on a master.
  if (f.write && is_master() && config_.min_replicas_to_write() > 0 &&
      config_.min_replicas_max_lag().us > 0 && good_replicas_ < config_.min_replicas_to_write()) {
    return "NOREPLICAS Not enough good replicas to write.";
  }
  if (!is_master() && config_.replica_read_only() && !obey && f.write) {
    return "READONLY You can't write against a read only replica.";
  }
  if (client.has(client_flags::kPubsub) && !allowed_in_pubsub(spec.id)) {
    return fmt::format("ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING "
                       "/ QUIT / RESET are allowed in this context", spec.fullname);
  }
  if (!is_master() && repl_state_ != ReplState::kConnected && !config_.replica_serve_stale_data() &&
      f.deny_stale) {
    return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
  }
  if (loading_ && f.deny_loading) return "LOADING Redis is loading the dataset in memory";
  if (client.has(client_flags::kReplica) && (f.write || f.read || spec.has(kMayReplicate))) {
    return "ERR Replica can't interact with the keyspace";
  }
  return {};
}

// processCommand's is_may_replicate_command: a write or may-replicate command, or an EXEC
// whose queue holds one.
bool RedisServer::may_replicate(const Client& client, const CommandSpec& spec) {
  auto replicates = [](const CommandSpec& s) { return s.has(kWrite) || s.has(kMayReplicate); };
  if (replicates(spec)) return true;
  if (spec.id != CommandId::kExec) return false;
  for (const QueuedCommand& q : client.multi_queue) {
    if (replicates(*q.spec)) return true;
  }
  return false;
}

bool RedisServer::allowed_in_pubsub(CommandId id) {
  switch (id) {
    case CommandId::kPing: case CommandId::kSubscribe: case CommandId::kUnsubscribe:
    case CommandId::kPsubscribe: case CommandId::kPunsubscribe: case CommandId::kQuit:
      return true;
    default:
      return false;
  }
}

bool RedisServer::debug_allowed(const Client& client) const {
  // allowProtectedAction: "yes", or "local" from a loopback peer.
  int64_t mode = config_.number(ConfigId::kEnableDebugCommand);
  return mode == 1 || (mode == 2 && client.ip() == "127.0.0.1");
}

void RedisServer::process_command(Client& client) {
  CommandCheck check = check_command(client.argv);
  if (!check.ok()) {
    reject(client, check.error);
    return;
  }
  const CommandSpec& spec = *check.spec;
  // c->lastcmd, CLIENT LIST's cmd=: the command as received, so "exec" while EXEC runs.
  client.last_command.assign(spec.fullname);
  if (std::string why = reject_reason(client, spec); !why.empty()) {
    reject(client, why);
    return;
  }
  // While writes are paused (a shutdown waiting for its replicas), a command that may
  // replicate waits, unanswered (blockClient BLOCKED_POSTPONE), even on the link from our
  // own master. Replicas never wait.
  if (writes_paused_ && !client.has(client_flags::kReplica) && may_replicate(client, spec)) {
    client.flags |= client_flags::kPostponed;
    return;
  }
  bool queues = client.has(client_flags::kMulti) && spec.id != CommandId::kExec &&
                spec.id != CommandId::kDiscard && spec.id != CommandId::kMulti &&
                spec.id != CommandId::kQuit;
  if (queues) {
    client.multi_queue.push_back(QueuedCommand{&spec, client.argv});
    reply_raw(client, "+QUEUED\r\n");
    return;
  }
  call(client, spec, client.argv);
  // WAIT's target is the stream offset after the client's last command of any kind
  // (processCommand sets c->woff after every call, not only after writes).
  client.woff = master_repl_offset_;
}

// rejectCommand: the error, and inside MULTI the transaction is doomed (flagTransaction).
void RedisServer::reject(Client& client, std::string_view error) {
  if (client.has(client_flags::kMulti)) client.flags |= client_flags::kDirtyExec;
  reply(client, RespValue::error(std::string(error)));
}

// call(): runs the command; at the outermost call, what it changed goes to the replicas
// (propagatePendingCommands), wrapped in MULTI/EXEC when there is more than one command.
void RedisServer::call(Client& client, const CommandSpec& spec,
                       std::span<const std::string> argv) {
  ++stat_numcommands_;
  ++call_depth_;
  if (Keyspace::handles(spec.id)) {
    run_keyspace_command(client, spec, argv);
  } else {
    command_generic(client, spec, argv);
  }
  --call_depth_;
  if (call_depth_ == 0 && !pending_propagation_.empty()) flush_propagation();
}

void RedisServer::run_keyspace_command(Client& client, const CommandSpec& spec,
                                       std::span<const std::string> argv) {
  ExecContext ctx = exec_context(client);
  keyspace_.execute(spec.id, argv, ctx, scratch_result_);
  client.db = ctx.db;
  dirty_ += scratch_result_.dirty;
  if (pending_propagation_.empty()) {
    // The usual case (a top-level command): take the list over instead of copying it; the
    // next execute() overwrites the slots it gets back.
    pending_propagation_.swap(scratch_result_.propagate);
  } else {
    for (const Propagation& p : scratch_result_.propagate) pending_propagation_.add(p.db, p.argv);
  }
  reply(client, scratch_result_.reply);
}

void RedisServer::flush_propagation() {
  // Only a top-level master feeds replicas; a writable replica's own writes stay local.
  if (is_master()) {
    bool transaction = pending_propagation_.size() > 1;
    static const std::string kMulti[] = {"MULTI"};
    static const std::string kExec[] = {"EXEC"};
    if (transaction) propagate(-1, kMulti);
    for (const Propagation& p : pending_propagation_) propagate(p.db, p.argv);
    if (transaction) propagate(-1, kExec);
  }
  pending_propagation_.clear();
}

// MULTI / EXEC / DISCARD (multi.c).
void RedisServer::cmd_multi(Client& client) {
  if (client.has(client_flags::kMulti)) {
    reply(client, RespValue::error("ERR MULTI calls can not be nested"));
    return;
  }
  client.flags |= client_flags::kMulti;
  reply(client, RespValue::ok());
}

void RedisServer::discard_transaction(Client& client) {
  client.multi_queue.clear();
  client.flags &= ~(client_flags::kMulti | client_flags::kDirtyExec);
}

void RedisServer::cmd_exec(Client& client) {
  if (!client.has(client_flags::kMulti)) {
    reply(client, RespValue::error("ERR EXEC without MULTI"));
    return;
  }
  if (client.has(client_flags::kDirtyExec)) {
    reply(client, RespValue::error("EXECABORT Transaction discarded because of previous errors."));
    discard_transaction(client);
    return;
  }
  // The queue runs with the client still in MULTI (flags=x and multi=<n> in CLIENT LIST, as
  // execCommand leaves them until its discardTransaction at the end).
  std::vector<QueuedCommand> queue = client.multi_queue;
  scratch_out_.clear();
  reply_raw(client, fmt::format("*{}\r\n", queue.size()));
  uint64_t id = client.id;
  for (QueuedCommand& q : queue) {
    call(client, *q.spec, q.argv);
    if (!clients_.contains(id)) return;  // a queued command closed this client
  }
  discard_transaction(client);
}

}  // namespace model
