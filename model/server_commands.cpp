// Connection and server commands (server.c, networking.c, config.c, debug.c, pubsub.c).
#include <fmt/format.h>

#include <cmath>

#include "model/config_rewrite.h"
#include "model/config_syntax.h"
#include "model/server.h"

namespace model {

void RedisServer::command_generic(Client& c, const CommandSpec& spec,
                                  std::span<const std::string> argv) {
  switch (spec.id) {
    case CommandId::kPing:
      if (c.has(client_flags::kPubsub)) {
        reply(c, RespValue::array({RespValue::bulk("pong"),
                                   RespValue::bulk(argv.size() > 1 ? argv[1] : "")}));
      } else {
        reply(c, argv.size() > 1 ? RespValue::bulk(argv[1]) : RespValue::status("PONG"));
      }
      return;
    case CommandId::kEcho: reply(c, RespValue::bulk(argv[1])); return;
    case CommandId::kQuit:
      reply(c, RespValue::ok());
      c.flags |= client_flags::kCloseAfterReply;
      return;
    case CommandId::kAuth: cmd_auth(c, argv); return;
    case CommandId::kInfo: reply(c, RespValue::bulk(info(argv.size() > 1 ? argv[1] : ""))); return;
    case CommandId::kRole: reply(c, role_reply()); return;
    case CommandId::kReplicaof: case CommandId::kSlaveof: cmd_replicaof(c, argv); return;
    case CommandId::kConfigGet: reply(c, config_.config_get(argv.subspan(2))); return;
    case CommandId::kConfigSet: cmd_config_set(c, argv); return;
    case CommandId::kConfigRewrite: cmd_config_rewrite(c); return;
    case CommandId::kConfigResetstat: reply(c, RespValue::ok()); return;
    case CommandId::kShutdown: cmd_shutdown(c, argv); return;
    case CommandId::kDebug: cmd_debug(c, argv); return;
    case CommandId::kWait: cmd_wait(c, argv); return;
    case CommandId::kPublish:
      reply(c, RespValue::integer(publish(argv[1], argv[2])));
      // PUBLISH is replicated (pubsub.c publishCommand, forceCommandPropagation).
      pending_propagation_.add(-1, argv);
      return;
    case CommandId::kSubscribe: cmd_subscribe(c, argv, false); return;
    case CommandId::kPsubscribe: cmd_subscribe(c, argv, true); return;
    case CommandId::kUnsubscribe: cmd_unsubscribe(c, argv, false); return;
    case CommandId::kPunsubscribe: cmd_unsubscribe(c, argv, true); return;
    case CommandId::kClientSetname: cmd_client_setname(c, argv); return;
    case CommandId::kClientGetname:
      reply(c, c.name.empty() ? RespValue::null_bulk() : RespValue::bulk(c.name));
      return;
    case CommandId::kClientId: reply(c, RespValue::integer(static_cast<int64_t>(c.id))); return;
    case CommandId::kClientInfo: reply(c, RespValue::bulk(client_info(c) + "\n")); return;
    case CommandId::kClientList: reply(c, RespValue::bulk(client_list(argv))); return;
    case CommandId::kClientKill: cmd_client_kill(c, argv); return;
    case CommandId::kMulti: cmd_multi(c); return;
    case CommandId::kExec: cmd_exec(c); return;
    case CommandId::kDiscard:
      if (!c.has(client_flags::kMulti)) {
        reply(c, RespValue::error("ERR DISCARD without MULTI"));
        return;
      }
      discard_transaction(c);
      reply(c, RespValue::ok());
      return;
    case CommandId::kSync: case CommandId::kPsync: cmd_sync(c, argv); return;
    case CommandId::kReplconf: cmd_replconf(c, argv); return;
    case CommandId::kCommandCount: reply(c, RespValue::integer(reported_command_count(CommandTableMode::kServer))); return;
    case CommandId::kTime: {
      int64_t us = env().unix_us();
      reply(c, RespValue::array({RespValue::bulk(std::to_string(us / 1000000)),
                                 RespValue::bulk(std::to_string(us % 1000000))}));
      return;
    }
    case CommandId::kLastsave: reply(c, RespValue::integer(lastsave_unix_s_)); return;
    case CommandId::kSave: case CommandId::kBgsave:
      save_dump();
      reply(c, spec.id == CommandId::kSave ? RespValue::ok()
                                           : RespValue::status("Background saving started"));
      return;
    default:
      reply(c, RespValue::error(fmt::format("ERR redsim does not model the '{}' command",
                                            spec.fullname)));
      return;
  }
}

// AUTH [username] password (acl.c authCommand), for the default user and requirepass.
void RedisServer::cmd_auth(Client& c, std::span<const std::string> argv) {
  if (argv.size() > 3) {
    reply(c, RespValue::error("ERR syntax error"));
    return;
  }
  const std::optional<std::string>& pass = config_.requirepass();
  if (argv.size() == 2 && !pass) {
    reply(c, RespValue::error("ERR AUTH <password> called without any password configured for "
                              "the default user. Are you sure your configuration is correct?"));
    return;
  }
  bool user_ok = argv.size() == 2 || argv[1] == "default";
  if (user_ok && (!pass || argv.back() == *pass)) {
    c.authenticated = true;
    c.parser.set_limits(RequestLimits{512LL * 1024 * 1024, false, false});
    reply(c, RespValue::ok());
    return;
  }
  reply(c, RespValue::error("WRONGPASS invalid username-password pair or user is disabled."));
}

void RedisServer::cmd_client_setname(Client& c, std::span<const std::string> argv) {
  for (char ch : argv[2]) {
    if (ch < '!' || ch > '~') {
      reply(c, RespValue::error("ERR Client names cannot contain spaces, newlines or special "
                                "characters."));
      return;
    }
  }
  c.name = argv[2];
  reply(c, RespValue::ok());
}

// CLIENT KILL addr | CLIENT KILL <filter> <value> ... (networking.c clientKillCommand).
void RedisServer::cmd_client_kill(Client& c, std::span<const std::string> argv) {
  std::string addr, laddr, type;
  int64_t id = 0;
  bool skipme = true, old_style = argv.size() == 3;
  if (old_style) {
    addr = argv[2];
  } else if (argv.size() % 2 != 0) {
    reply(c, RespValue::error("ERR syntax error"));
    return;
  } else {
    for (size_t i = 2; i + 1 < argv.size(); i += 2) {
      std::string_view key = argv[i], value = argv[i + 1];
      if (equals_nocase(key, "addr")) {
        addr = value;
      } else if (equals_nocase(key, "laddr")) {
        laddr = value;
      } else if (equals_nocase(key, "id")) {
        int64_t n = 0;
        if (!parse_ll(value, n) || n <= 0) {
          reply(c, RespValue::error("ERR client-id should be greater than 0"));
          return;
        }
        id = n;
      } else if (equals_nocase(key, "type")) {
        static constexpr std::string_view kTypes[] = {"normal", "master", "replica", "slave",
                                                      "pubsub"};
        bool known = false;
        for (std::string_view t : kTypes) known |= equals_nocase(value, t);
        if (!known) {
          reply(c, RespValue::error(fmt::format("ERR Unknown client type '{}'", value)));
          return;
        }
        type = std::string(value);
        for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (type == "slave") type = "replica";
      } else if (equals_nocase(key, "skipme")) {
        if (!equals_nocase(value, "yes") && !equals_nocase(value, "no")) {
          reply(c, RespValue::error("ERR syntax error"));
          return;
        }
        skipme = equals_nocase(value, "yes");
      } else {
        reply(c, RespValue::error("ERR syntax error"));
        return;
      }
    }
  }
  std::vector<uint64_t> victims;
  for (const auto& [cid, other] : clients_) {
    if (!addr.empty() && other->addr != addr) continue;
    if (!laddr.empty() && other->laddr != laddr) continue;
    if (id != 0 && static_cast<int64_t>(cid) != id) continue;
    if (!type.empty() && client_type(*other) != type) continue;
    if (skipme && other.get() == &c && !old_style) continue;
    victims.push_back(cid);
  }
  if (old_style && victims.empty()) {
    reply(c, RespValue::error("ERR No such client"));
    return;
  }
  bool self_killed = false;
  for (uint64_t victim : victims) {
    auto it = clients_.find(victim);
    if (it == clients_.end()) continue;
    if (it->second.get() == &c) {
      self_killed = true;  // after the reply, like CLIENT_CLOSE_AFTER_REPLY
      continue;
    }
    free_client(*it->second);
  }
  if (old_style) {
    reply(c, RespValue::ok());
  } else {
    reply(c, RespValue::integer(static_cast<int64_t>(victims.size())));
  }
  if (self_killed) c.flags |= client_flags::kCloseAfterReply;
}

std::string RedisServer::client_type(const Client& c) const {
  if (c.has(client_flags::kMaster)) return "master";
  if (c.has(client_flags::kReplica)) return "replica";
  if (c.has(client_flags::kPubsub)) return "pubsub";
  return "normal";
}

void RedisServer::cmd_config_set(Client& c, std::span<const std::string> argv) {
  ConfigSetContext context;
  context.loading = loading_;
  context.local_client = c.ip() == "127.0.0.1";
  context.apply = [this](ConfigApply what) { return apply_config(what); };
  reply(c, config_.config_set(argv.subspan(2), context));
}

// What a changed directive does to the running server (config.c apply functions).
std::string RedisServer::apply_config(ConfigApply what) {
  switch (what) {
    case ConfigApply::kReplBacklogSize:
      if (backlog_) backlog_->resize(config_.repl_backlog_size(), min_unsent_offset());
      return {};
    case ConfigApply::kGoodReplicas:
      refresh_good_replicas();
      return {};
    default:
      return {};
  }
}

void RedisServer::cmd_config_rewrite(Client& c) {
  const std::string* old_text = env().disk().read(kConfigFile);
  if (old_text == nullptr) {
    reply(c, RespValue::error("ERR The server is running without a config file"));
    return;
  }
  env().disk().write(kConfigFile, config_.rewrite(*old_text));
  // rewriteConfig fsyncs the new file and its directory: the server blocks meanwhile, and
  // whatever follows in the event (the rest of a MULTI, the replies) happens after it.
  env().busy(config_save_time(env().rng("fsync")));
  log('#', "config-rewrite", "CONFIG REWRITE executed with success.");
  reply(c, RespValue::ok());
}

// DEBUG SLEEP <seconds>: the whole server stops (nothing else runs), then replies.
void RedisServer::cmd_debug(Client& c, std::span<const std::string> argv) {
  if (argv.size() == 3 && equals_nocase(argv[1], "sleep")) {
    double seconds = std::strtod(argv[2].c_str(), nullptr);
    auto us = static_cast<int64_t>(std::llround(seconds * 1e6));
    env().stall(sim::Duration::micros(us));
    uint64_t id = c.id;
    env().after(sim::Duration::micros(us), [this, id] {
      auto it = clients_.find(id);
      if (it == clients_.end()) return;
      reply(*it->second, RespValue::ok());
      process_input(*it->second);  // what arrived meanwhile
    });
    return;
  }
  reply(c, RespValue::error(fmt::format("ERR unknown subcommand '{}'. Try DEBUG HELP.",
                                        argv.size() > 1 ? argv[1] : "")));
}

// --- Pub/Sub (pubsub.c) ----------------------------------------------------------------------

// The message is encoded once per channel or pattern and the same bytes go to each subscriber.
int64_t RedisServer::publish(std::string_view channel, std::string_view message) {
  int64_t receivers = 0;
  std::string& out = scratch_out_;
  if (auto it = channels_.find(channel); it != channels_.end()) {
    out.clear();
    append_array_header(out, 3);
    append_bulk(out, "message");
    append_bulk(out, channel);
    append_bulk(out, message);
    for (Client* sub : it->second) {  // in subscription order, as Redis's list keeps them
      reply_raw(*sub, out);
      ++receivers;
    }
  }
  for (const auto& [pattern, subs] : patterns_) {
    if (!glob_match(pattern, channel, false)) continue;
    out.clear();
    append_array_header(out, 4);
    append_bulk(out, "pmessage");
    append_bulk(out, pattern);
    append_bulk(out, channel);
    append_bulk(out, message);
    for (Client* sub : subs) {
      reply_raw(*sub, out);
      ++receivers;
    }
  }
  return receivers;
}

void RedisServer::cmd_subscribe(Client& c, std::span<const std::string> argv, bool pattern) {
  auto& mine = pattern ? c.patterns : c.channels;
  auto& all = pattern ? patterns_ : channels_;
  for (size_t i = 1; i < argv.size(); ++i) {
    if (mine.insert(argv[i]).second) all[argv[i]].push_back(&c);
    c.flags |= client_flags::kPubsub;
    reply(c, RespValue::array({RespValue::bulk(pattern ? "psubscribe" : "subscribe"),
                               RespValue::bulk(argv[i]),
                               RespValue::integer(static_cast<int64_t>(c.channels.size() +
                                                                       c.patterns.size()))}));
  }
}

void RedisServer::cmd_unsubscribe(Client& c, std::span<const std::string> argv, bool pattern) {
  auto& mine = pattern ? c.patterns : c.channels;
  std::vector<std::string> names(argv.begin() + 1, argv.end());
  if (names.empty()) names.assign(mine.begin(), mine.end());
  const char* kind = pattern ? "punsubscribe" : "unsubscribe";
  if (names.empty()) {
    reply(c, RespValue::array({RespValue::bulk(kind), RespValue::null_bulk(),
                               RespValue::integer(static_cast<int64_t>(c.channels.size() +
                                                                       c.patterns.size()))}));
  }
  for (const std::string& name : names) {
    remove_subscription(c, name, pattern);
    reply(c, RespValue::array({RespValue::bulk(kind), RespValue::bulk(name),
                               RespValue::integer(static_cast<int64_t>(c.channels.size() +
                                                                       c.patterns.size()))}));
  }
  if (c.channels.empty() && c.patterns.empty()) c.flags &= ~client_flags::kPubsub;
}

void RedisServer::remove_subscription(Client& c, const std::string& name, bool pattern) {
  auto& mine = pattern ? c.patterns : c.channels;
  auto& all = pattern ? patterns_ : channels_;
  if (mine.erase(name) == 0) return;
  auto it = all.find(name);
  std::erase(it->second, &c);
  if (it->second.empty()) all.erase(it);
}

void RedisServer::unsubscribe_all(Client& c) {
  std::vector<std::string> channels(c.channels.begin(), c.channels.end());
  for (const std::string& name : channels) remove_subscription(c, name, false);
  std::vector<std::string> patterns(c.patterns.begin(), c.patterns.end());
  for (const std::string& name : patterns) remove_subscription(c, name, true);
}

}  // namespace model
