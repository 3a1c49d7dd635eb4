// mini-redis-server: read the options, open the listeners, run the loop.
#include <cstdio>
#include <span>

#include "server/logger.h"
#include "server/server.h"
#include "server/server_options.h"

int main(int argc, char** argv) {
  using namespace mini_redis::server;

  auto parsed = parse_server_options(std::span<char* const>(argv, static_cast<std::size_t>(argc)));
  if (!parsed.options) {
    std::fprintf(stderr, "%s\n", parsed.error.c_str());
    return 1;
  }
  ServerOptions& options = *parsed.options;
  if (options.show_help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (options.show_version) {
    std::fputs(version_text().c_str(), stdout);
    return 0;
  }

  Logger logger;
  logger.set_level(options.config.loglevel);
  if (!logger.open(options.config.logfile)) {
    std::fprintf(stderr, "Can't open the log file: %s\n", options.config.logfile.c_str());
    return 1;
  }
  Server server(std::move(options), logger);
  if (!server.listen()) return 1;
  return server.run();
}
