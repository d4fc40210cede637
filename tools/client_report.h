// What the scenario's clients experienced (model/history_check.h), for people and for programs:
// a text section of `redsim run --format summary`, and JSON for `redsim run --report FILE`.
#pragma once

#include <iosfwd>

#include <nlohmann/json.hpp>

#include "model/history_check.h"
#include "tools/scenario.h"

namespace tools {

void print_client_report(std::ostream& out, const Scenario& scenario,
                         const model::History& history, const model::HistoryReport& report);

nlohmann::json client_report_json(const Scenario& scenario, const model::History& history,
                                  const model::HistoryReport& report);

}  // namespace tools
