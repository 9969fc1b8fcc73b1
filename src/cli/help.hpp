#pragma once
// What the command line says about itself: the did-you-mean for a misspelt command and the shell completions,
// both generated from the command table and each subcommand's CLI11 options, so they cannot drift from the flags.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace simmer::cli {

// What `typed` was meant to be: the one name in `names` that starts with it; else the closest name (edit
// distance, ties to the first listed) when at most 2 edits away and fewer edits than the word has letters.
// nullopt when nothing is close, or `typed` is empty.
std::optional<std::string> did_you_mean(const std::string& typed, const std::vector<std::string>& names);

enum class Shell { bash, zsh, fish };

// The shell's name as `simmer completions` takes it ("bash", "zsh", "fish"); nullopt for anything else.
std::optional<Shell> parse_shell(const std::string& name);

// The completion script for `shell`: the listed subcommands of `app` (hidden ones, with an empty group, left out)
// with their summaries, each one's long and short flags, the global flags, and shell names after `completions`
// and command names after `help`. Bash: a function `_simmer` registered with `complete`; zsh: a `#compdef simmer`
// file; fish: `complete -c simmer` lines.
std::string completions(Shell shell, const CLI::App& app);

}  // namespace simmer::cli
