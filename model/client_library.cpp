#include "model/client_library.h"

#include "model/redis_py_client.h"

namespace model {

std::unique_ptr<ClientLibrary> make_library(LibraryKind kind, sim::Env& env,
                                            ClientSockets& sockets,
                                            const LibraryOptions& options) {
  switch (kind) {
    case LibraryKind::kPinned:  // a plain redis-py client: redis.Redis(host, port)
    case LibraryKind::kRedisPy:
      return std::make_unique<RedisPyClient>(env, sockets, options);
  }
  return nullptr;
}

}  // namespace model
