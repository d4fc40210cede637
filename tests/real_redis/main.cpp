// The differential tests' runner: doctest's main, unless there is no redis-server to compare
// with; then it says so and exits 77, which ctest reports as skipped (SKIP_RETURN_CODE). A
// test that needs more (redis-sentinel) and finds it missing calls skip_run: 77 as well.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>

#include "tests/real_redis/real_server.h"

int main(int argc, char** argv) {
  if (real_redis::find_redis_server().empty()) {
    std::fprintf(stderr,
                 "SKIPPED: no redis-server (none on PATH, and $REDSIM_REDIS_SERVER does not "
                 "name an executable): the differential tests against real Redis 7.0 need it. "
                 "On Debian: apt-get install redis-server (.ci/run installs it).\n");
    return 77;
  }
  // Output piped into a closed pipe must not kill the runner before its servers' destructors
  // remove their directories (the servers themselves die with it anyway).
  std::signal(SIGPIPE, SIG_IGN);
  doctest::Context context(argc, argv);
  int failed = context.run();
  return failed == 0 && real_redis::run_skipped() ? 77 : failed;
}
