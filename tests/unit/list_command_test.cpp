// `redsim list`: the scenario files of a directory in file-name order, with name and
// description; invalid files and unusable directories are errors (exit 2).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/list_command.h"

namespace {

// A fresh empty directory under the system's temporary directory, removed at the end.
struct TempDir {
  TempDir() : path(std::filesystem::temp_directory_path() / "redsim_list_command_test") {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
  std::filesystem::path path;
};

constexpr std::string_view kValid =
    R"({"name": "N", "nodes": {"m": {"addr": "127.0.0.1:6379"}}, "until": "1s")";

}  // namespace

TEST_CASE("list: file names in order, each with the scenario's name and description") {
  TempDir dir;
  dir.write("b-second.jsonc", std::string(kValid) + ", \"description\": \"what it shows\"}");
  dir.write("a.jsonc", std::string(kValid) + "}");
  dir.write("notes.txt", "not a scenario");
  std::filesystem::create_directory(dir.path / "sub.jsonc");
  std::ostringstream out, err;
  CHECK(tools::run_list(dir.path, out, err) == 0);
  CHECK(out.str() ==
        "a.jsonc         N\n"
        "b-second.jsonc  N -- what it shows\n");
  CHECK(err.str().empty());
}

TEST_CASE("list: an invalid file is listed as such, with its errors, and exits 2") {
  TempDir dir;
  dir.write("bad.jsonc", "{\"name\": 1}");
  dir.write("good.jsonc", std::string(kValid) + "}");
  std::ostringstream out, err;
  CHECK(tools::run_list(dir.path, out, err) == 2);
  std::string bad = (dir.path / "bad.jsonc").string();
  CHECK(out.str() == "bad.jsonc   (invalid: see redsim check " + bad + ")\n" +
                         "good.jsonc  N\n");
  CHECK(err.str().find(bad + ":1:10: error: name:") != std::string::npos);
}

TEST_CASE("list: a missing or empty directory is an error") {
  TempDir dir;
  std::ostringstream out, err;
  CHECK(tools::run_list(dir.path, out, err) == 2);
  CHECK(err.str() == "redsim list: no scenario files (*.jsonc) in " + dir.path.string() + "\n");
  err.str("");
  CHECK(tools::run_list(dir.path / "missing", out, err) == 2);
  CHECK(err.str() == "redsim list: " + (dir.path / "missing").string() +
                         " is not a directory\n");
  CHECK(out.str().empty());
}

TEST_CASE("list: without --dir, the bundled scenarios, all valid") {
  std::ostringstream out, err;
  CHECK(tools::run_list(std::nullopt, out, err) == 0);
  CHECK(err.str().empty());
  CHECK(out.str().find("replication-basics.jsonc  ") != std::string::npos);
  CHECK(std::filesystem::exists(tools::bundled_scenario_dir() / "replication-basics.jsonc"));
}
