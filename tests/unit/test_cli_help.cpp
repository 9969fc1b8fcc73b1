#include "cli/help.hpp"

#include <catch2/catch.hpp>

using simmer::cli::did_you_mean;

TEST_CASE("did_you_mean: the closest command within two edits, none for a far or empty word") {
  const std::vector<std::string> names{"init", "to-prd", "cook", "status", "stats", "doctor", "completions"};
  CHECK(did_you_mean("coook", names) == std::optional<std::string>("cook"));
  CHECK(did_you_mean("docter", names) == std::optional<std::string>("doctor"));
  CHECK(did_you_mean("toprd", names) == std::optional<std::string>("to-prd"));
  CHECK(did_you_mean("stattus", names) == std::optional<std::string>("status"));
  CHECK(did_you_mean("comp", names) == std::optional<std::string>("completions"));  // the one prefix
  CHECK(did_you_mean("st", names) == std::nullopt);                                 // two prefixes, 2 edits
  CHECK(did_you_mean("frobnicate", names) == std::nullopt);
  CHECK(did_you_mean("x", names) == std::nullopt);  // one letter is one edit from nothing meant
  CHECK(did_you_mean("", names) == std::nullopt);
}

TEST_CASE("parse_shell: bash, zsh and fish only") {
  CHECK(simmer::cli::parse_shell("bash") == simmer::cli::Shell::bash);
  CHECK(simmer::cli::parse_shell("fish") == simmer::cli::Shell::fish);
  CHECK(simmer::cli::parse_shell("zsh") == simmer::cli::Shell::zsh);
  CHECK_FALSE(simmer::cli::parse_shell("Bash").has_value());
}
