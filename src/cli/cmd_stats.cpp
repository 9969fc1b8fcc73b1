// Placeholder until this command is built: says so and fails, never pretends to work.
#include "cli/commands.hpp"

#include <cstdio>

namespace simmer::cli {

Runner setup_stats(CLI::App& /*sub*/) {
  return [] {
    std::fputs("simmer: error: 'stats' is not implemented yet\n", stderr);
    return 1;
  };
}

}  // namespace simmer::cli
