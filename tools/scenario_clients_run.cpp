// The scenario engine's clients: one simulated application per client, each on its own host,
// and, at the end of the run, the history check against the surviving master's data.
#include <fmt/format.h>

#include <map>

#include "model/sentinel.h"
#include "model/sentinel_state.h"
#include "model/server.h"
#include "model/workload.h"
#include "tools/scenario_run.h"

namespace tools {

void ScenarioRun::add_clients() {
  for (uint32_t i = 0; i < scenario_.clients.size(); ++i) {
    const ClientSpec& c = scenario_.clients[i];
    history_.clients.push_back({c.name, c.workload.write_command});
    // A client host: it only connects out.
    sim::NodeId id = world_.add_node(sim::NodeSpec{
        c.name, sim::Address{"127.0.0.1", 0}, [this, &c, i](sim::Env& env) {
          return std::make_unique<model::ClientProcess>(env, c.library, c.options, c.workload,
                                                        history_, i);
        }});
    world_.queue().schedule(c.start, [this, id] { world_.start(id); });
  }
}

std::optional<sim::NodeId> ScenarioRun::final_master() const {
  auto running = [this](sim::NodeId id) -> std::optional<sim::NodeId> {
    if (id == sim::kNoNode || !world_.alive(id)) return std::nullopt;
    return id;
  };
  std::string master_name;
  for (const ClientSpec& c : scenario_.clients) {
    if (!c.options.master_name.empty()) {
      master_name = c.options.master_name;
      break;
    }
  }
  // The Sentinels' verdict: the address most of the running ones give for the master.
  std::map<sim::Address, int> votes;
  std::vector<sim::Address> order;  // first named first, for ties
  for (const NodeSpec& n : scenario_.nodes) {
    sim::NodeId id = world_.find(n.name);
    if (!n.sentinel || !world_.alive(id)) continue;
    const auto* sentinel = static_cast<const model::Sentinel*>(world_.process(id));
    for (const auto& entry : sentinel->state().masters) {
      const model::SentinelInstance& master = *entry;
      if (!master_name.empty() && master.name != master_name) continue;
      if (votes[master.addr]++ == 0) order.push_back(master.addr);
      break;
    }
  }
  if (!order.empty()) {
    const sim::Address* best = &order.front();
    for (const sim::Address& a : order) {
      if (votes[a] > votes[*best]) best = &a;
    }
    const NodeSpec* node = scenario_.find_node(*best);
    return node ? running(world_.find(node->name)) : std::nullopt;
  }
  // No Sentinel: follow the first pinned client's server up its replication chain.
  for (const ClientSpec& c : scenario_.clients) {
    if (!c.options.server) continue;
    const NodeSpec* node = scenario_.find_node(*c.options.server);
    for (size_t hops = 0; node != nullptr && hops <= scenario_.nodes.size(); ++hops) {
      sim::NodeId id = world_.find(node->name);
      if (!world_.alive(id)) return std::nullopt;
      const auto* server = dynamic_cast<const model::RedisServer*>(world_.process(id));
      if (server == nullptr) return std::nullopt;
      model::ServerView v = server->view();
      if (v.is_master) return id;
      node = scenario_.find_node(
          sim::Address{v.master_host, static_cast<uint16_t>(v.master_port)});
    }
    return std::nullopt;
  }
  return std::nullopt;
}

void ScenarioRun::check_clients() {
  std::optional<sim::NodeId> master = final_master();
  const model::Keyspace* data = nullptr;
  std::optional<std::string> name;
  if (master) {
    data = &static_cast<const model::RedisServer*>(world_.process(*master))->keyspace();
    name = world_.name(*master);
  }
  client_report_ = model::check_history(history_, data, name);
}

}  // namespace tools
