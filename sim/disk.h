// A node's small disk: named files that survive crashes and restarts (config files,
// snapshots). It belongs to the node, not to a process incarnation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sim {

class Disk {
 public:
  void write(std::string_view name, std::string content) {
    files_.insert_or_assign(std::string(name), std::move(content));
    ++writes_;
  }
  const std::string* read(std::string_view name) const {
    auto it = files_.find(name);
    return it == files_.end() ? nullptr : &it->second;
  }
  bool exists(std::string_view name) const { return files_.find(name) != files_.end(); }
  void remove(std::string_view name) {
    auto it = files_.find(name);
    if (it != files_.end()) files_.erase(it);
    ++writes_;
  }
  // How many times a file was written or removed: a process that keeps what it learnt from
  // reading a file knows the file is unchanged while this is.
  uint64_t writes() const { return writes_; }
  const std::map<std::string, std::string, std::less<>>& files() const { return files_; }

 private:
  std::map<std::string, std::string, std::less<>> files_;
  uint64_t writes_ = 0;
};

}  // namespace sim
