// Sentinel's connections to the instances it monitors: (re)connecting, commands with their
// reply callbacks, link sharing, closing (sentinel.c sentinelReconnectInstance,
// instanceLinkCloseConnection, releaseInstanceLink, sentinelTryConnectionSharing, and the
// hiredis async contexts they drive).
#include <fmt/format.h>

#include "model/config_syntax.h"
#include "model/sentinel.h"

namespace model {

constexpr std::string_view kHelloChannel = "__sentinel__:hello";

// sentinelReconnectInstance: at most one attempt per ping period. The link counts as
// connected as soon as the connects are under way: a refusal or a reset comes later, through
// on_closed, as hiredis reports it.
void Sentinel::reconnect(SentinelInstance& ri) {
  InstanceLink& link = *ri.link;
  if (!link.disconnected || ri.addr.port == 0) return;
  int64_t now = mstime();
  if (now - link.last_reconn_time < state_.timers.ping_period) return;
  link.last_reconn_time = now;
  if (!link.cc) {
    link.cc = open_connection(ri, false);
    link.pending_commands = 0;
    link.cc_conn_time = mstime();
    send_auth_if_needed(ri, *link.cc);
    send_command(ri, ReplyHandler::kDiscard,
                 {"CLIENT", "SETNAME", fmt::format("sentinel-{}-cmd", state_.myid.substr(0, 8))});
    send_ping(ri);  // at once on a new connection
  }
  if (ri.is(sri::kMaster | sri::kSlave) && !link.pc) {
    link.pc = open_connection(ri, true);
    link.pc_conn_time = mstime();
    link.pc_owner = &ri;
    send_auth_if_needed(ri, *link.pc);
    send_on(ri, *link.pc, ReplyHandler::kDiscard,
            {"CLIENT", "SETNAME", fmt::format("sentinel-{}-pubsub", state_.myid.substr(0, 8))});
    send_on(ri, *link.pc, ReplyHandler::kHello, {"SUBSCRIBE", kHelloChannel});
  }
  if (link.cc && (ri.is(sri::kSentinel) || link.pc)) link.disconnected = false;
}

std::unique_ptr<LinkConnection> Sentinel::open_connection(SentinelInstance& ri, bool pubsub) {
  auto conn = std::make_unique<LinkConnection>();
  conn->socket = env().connect(ri.addr);
  link_sockets_[conn->socket] = {ri.link, pubsub};
  return conn;
}

// instanceLinkCloseConnection.
void Sentinel::close_connection(InstanceLink& link, bool pubsub) {
  std::unique_ptr<LinkConnection>& conn = pubsub ? link.pc : link.cc;
  if (!conn) return;
  env().close(conn->socket);
  link_sockets_.erase(conn->socket);
  conn.reset();
  if (!pubsub) link.pending_commands = 0;
  link.disconnected = true;
}

// releaseInstanceLink: a shared link stays for its other users, but replies still due to
// this record are discarded.
void Sentinel::release_link(SentinelInstance& ri) {
  InstanceLink& link = *ri.link;
  if (--link.refcount > 0) {
    if (link.cc) {
      for (PendingReply& p : link.cc->replies) {
        if (p.instance == &ri) p = {ReplyHandler::kDiscard, nullptr};
      }
    }
  } else {
    close_connection(link, false);
    close_connection(link, true);
  }
  ri.link.reset();
}

// sentinelTryConnectionSharing: the same Sentinel known under another master lends its link.
bool Sentinel::try_connection_sharing(SentinelInstance& ri) {
  if (!ri.runid || ri.link->refcount > 1) return false;
  for (const auto& master : state_.masters) {
    if (master.get() == ri.master) continue;
    for (const auto& match : master->sentinels) {
      if (match.get() == &ri || match->runid != ri.runid) continue;
      release_link(ri);
      ri.link = match->link;
      ri.link->refcount++;
      return true;
    }
  }
  return false;
}

// sentinelInstanceMapCommand: the master's `rename-command` applies to all its records.
std::string_view Sentinel::map_command(const SentinelInstance& ri,
                                        std::string_view command) const {
  const SentinelInstance& master = ri.master ? *ri.master : ri;
  if (master.renamed_commands.empty()) return command;
  auto it = master.renamed_commands.find(to_lower(command));
  return it == master.renamed_commands.end() ? command : std::string_view(it->second);
}

bool Sentinel::send_command(SentinelInstance& ri, ReplyHandler handler,
                            std::initializer_list<std::string_view> argv) {
  if (!ri.link->cc) return false;
  send_on(ri, *ri.link->cc, handler, argv);
  return true;
}

// redisAsyncCommand: the command, named as the master's rename-command says, goes out and its
// reply will go to `handler`. Every command but the hello SUBSCRIBE counts as pending.
void Sentinel::send_on(SentinelInstance& ri, LinkConnection& conn, ReplyHandler handler,
                       std::initializer_list<std::string_view> argv) {
  scratch_argv_.assign(argv.begin(), argv.end());
  scratch_argv_[0] = map_command(ri, scratch_argv_[0]);
  scratch_out_.clear();
  append_command(scratch_out_, scratch_argv_);
  env().send(conn.socket, scratch_out_);
  conn.replies.push_back({handler, &ri});
  if (handler != ReplyHandler::kHello) ri.link->pending_commands++;
}

// sentinelSendAuthIfNeeded: masters and replicas with the master's auth-pass / auth-user;
// Sentinels with sentinel-pass / sentinel-user, else our own requirepass.
void Sentinel::send_auth_if_needed(SentinelInstance& ri, LinkConnection& conn) {
  std::optional<std::string> pass, user;
  if (ri.is(sri::kMaster)) {
    pass = ri.auth_pass;
    user = ri.auth_user;
  } else if (ri.is(sri::kSlave)) {
    pass = ri.master->auth_pass;
    user = ri.master->auth_user;
  } else if (state_.sentinel_auth_pass) {
    pass = state_.sentinel_auth_pass;
    user = state_.sentinel_auth_user;
  } else {
    pass = config_.requirepass();
  }
  if (!pass) return;
  if (user) {
    send_on(ri, conn, ReplyHandler::kDiscard, {"AUTH", *user, *pass});
  } else {
    send_on(ri, conn, ReplyHandler::kDiscard, {"AUTH", *pass});
  }
}

// Replies in order to their callbacks; on the pub/sub connection, once the SUBSCRIBE entry is
// reached every later reply is a message for it (hiredis's subscribed mode).
void Sentinel::read_link(std::shared_ptr<InstanceLink> link, bool pubsub) {
  for (;;) {
    std::unique_ptr<LinkConnection>& conn = pubsub ? link->pc : link->cc;
    if (!conn) return;
    sim::SocketId socket = conn->socket;
    ParseResult parsed = conn->parser.parse(env().readable(socket), scratch_reply_);
    env().consume(socket, parsed.consumed);
    if (parsed.status == ParseStatus::kNeedMore) return;
    if (parsed.status == ParseStatus::kError || conn->replies.empty()) {
      close_connection(*link, pubsub);  // hiredis drops a context on a protocol error
      return;
    }
    PendingReply pending = conn->replies.front();
    if (pending.handler != ReplyHandler::kHello) conn->replies.pop_front();
    // No handler parses a reply, so scratch_reply_ stays as it is while it runs; left there,
    // the next reply is parsed into its buffers.
    dispatch_reply(*link, pending, scratch_reply_);
  }
}

void Sentinel::dispatch_reply(InstanceLink& link, const PendingReply& pending,
                              const RespValue& reply) {
  if (pending.handler == ReplyHandler::kHello) {
    if (pending.instance) hello_message(*pending.instance, reply);
    return;
  }
  link.pending_commands--;
  if (pending.instance == nullptr) return;
  SentinelInstance& ri = *pending.instance;
  switch (pending.handler) {
    case ReplyHandler::kDiscard:
    case ReplyHandler::kHello: return;
    case ReplyHandler::kPing: return ping_reply(ri, link, reply);
    case ReplyHandler::kInfo:
      if (reply.kind == RespKind::kBulk) refresh_instance_info(ri, reply.str);
      return;
    case ReplyHandler::kPublish:
      if (!reply.is_error()) ri.last_pub_time = mstime();
      return;
    case ReplyHandler::kIsMasterDown: return is_master_down_reply(ri, reply);
  }
}

// --- Socket events -----------------------------------------------------------------------------

void Sentinel::on_connected(sim::SocketId) {}  // hiredis sends what was queued

void Sentinel::on_readable(sim::SocketId socket) {
  if (auto it = link_sockets_.find(socket); it != link_sockets_.end()) {
    read_link(it->second.link, it->second.pubsub);
    return;
  }
  if (auto it = clients_.find(socket); it != clients_.end()) process_input(*it->second);
}

// A refused or broken connection (instanceLinkConnectionError): the link is disconnected and
// reconnects on a later tick; callbacks still pending never run.
void Sentinel::on_closed(sim::SocketId socket, sim::CloseReason) {
  if (auto it = link_sockets_.find(socket); it != link_sockets_.end()) {
    std::shared_ptr<InstanceLink> link = it->second.link;
    std::unique_ptr<LinkConnection>& conn = it->second.pubsub ? link->pc : link->cc;
    link_sockets_.erase(it);
    // hiredis runs every pending callback with no reply; of Sentinel's, only the discard
    // callback still counts its command off (so a refused link shows 2 pending, as in 7.0).
    for (const PendingReply& p : conn->replies) {
      if (p.handler == ReplyHandler::kDiscard) link->pending_commands--;
    }
    conn.reset();
    link->disconnected = true;
    return;
  }
  if (auto it = clients_.find(socket); it != clients_.end()) free_client(*it->second);
}

}  // namespace model
