// The closing summary of a run (`redsim run --format summary`): the faults injected, each
// server's role over time, every synchronisation a master served (full or partial, with the
// reason it logged), and Sentinel's milestones (detection, election, promotion, switch).
//
// It reads only trace records: a server's role is the mark in its log lines' tag ("pid:M" or
// "pid:S", as Redis prints it), a synchronisation is the master's log line that decides it.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace tools {

class RunSummary : public sim::TraceSink {
 public:
  void write(const sim::TraceRecord& record) override;
  // Prints the summary; `until` closes the last role period of each server.
  void print(std::ostream& out, sim::Time until) const;

 private:
  struct Line {  // something that happened, with when and where
    sim::Time t;
    std::string node;
    std::string text;
  };
  struct Role {
    sim::Time since;
    char mark;  // 'M' master, 'S' replica, '-' not running
  };

  void note_role(const std::string& node, sim::Time t, char mark);

  std::vector<Line> faults_;
  std::map<std::string, std::vector<Role>> roles_;  // by node name
  std::vector<Line> syncs_;
  std::vector<Line> sentinel_;
};

}  // namespace tools
