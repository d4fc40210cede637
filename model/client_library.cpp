#include "model/client_library.h"

#include "model/ioredis_client.h"
#include "model/jedis_client.h"
#include "model/redis_py_client.h"

namespace model {

std::unique_ptr<ClientLibrary> make_library(LibraryKind kind, sim::Env& env,
                                            ClientSockets& sockets,
                                            const LibraryOptions& options) {
  switch (kind) {
    case LibraryKind::kPinned:  // a plain redis-py client: redis.Redis(host, port)
    case LibraryKind::kRedisPy:
      return std::make_unique<RedisPyClient>(env, sockets, options);
    case LibraryKind::kIoredis:
      return std::make_unique<IoredisClient>(env, sockets, options);
    case LibraryKind::kJedis:
      return std::make_unique<JedisClient>(env, sockets, options);
  }
  return nullptr;
}

}  // namespace model
