// `simmer logs [-f] [--story ID] [--raw] [--json]`: an agent session as a person reads it (run/logs.hpp). Reads
// the journal and the transcripts only: no lock is taken, nothing is written, so it works while a cook runs.
#include "cli/commands.hpp"
#include "run/logs.hpp"
#include "store/project.hpp"
#include "util/lock.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <thread>

#include <unistd.h>

namespace simmer::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_logs_signal(int /*sig*/) { g_stop = true; }

// How often `-f` looks at the files again: short enough to feel live, long enough to cost nothing.
constexpr std::chrono::milliseconds k_follow_interval{200};

}  // namespace

Runner setup_logs(CLI::App& sub) {
  struct Flags {
    bool follow = false;
    bool raw = false;
    bool json = false;
    std::string story;
  };
  auto flags = std::make_shared<Flags>();
  sub.add_flag("-f,--follow", flags->follow,
               "Keep printing as the session goes on, then each next session of the run, until the cook ends "
               "(or Ctrl-C)");
  sub.add_option("--story", flags->story,
                 "Show every session of story ID in order, each after a header line (story, role, attempt, agent, "
                 "started); without it, the latest session of the journal")
      ->type_name("ID");
  auto* raw = sub.add_flag("--raw", flags->raw,
                           "Print the transcript's bytes as stored (on a terminal, control bytes as \\xNN); headers "
                           "go to stderr");
  sub.add_flag("--json", flags->json, "Print one JSON object per line: a session object, then its entries")
      ->excludes(raw);
  // Before the example main() has put in the footer, which stays last.
  sub.footer(
      "Shows each tool call (file written or edited with its path, command run with its command line and the end "
      "of its output), the assistant's text, and the tokens and cost so far.\n"
      "Exit codes: 0 shown (with -f: the cook ended or Ctrl-C); 1 no session yet, or a transcript missing or "
      "unreadable; 2 no project, or an unknown story; 64 bad flags.\n\n" +
      sub.get_footer());
  return [flags] {
    auto paths = store::ProjectPaths::discover(std::filesystem::current_path());
    run::LogsOptions options;
    if (!flags->story.empty()) {
      options.story = flags->story;
    }
    options.format = flags->json  ? run::LogsFormat::json_lines
                     : flags->raw ? run::LogsFormat::raw
                                  : run::LogsFormat::text;
    options.follow = flags->follow ? run::LogsFollow::yes : run::LogsFollow::no;
    options.raw_bytes = ::isatty(STDOUT_FILENO) != 0 ? run::RawBytes::escape_controls : run::RawBytes::as_stored;
    // Ctrl-C ends following cleanly (exit 0) rather than killing the process mid-line.
    struct sigaction sa {};
    sa.sa_handler = on_logs_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    run::LogsWorld world;
    world.cook_running = [lock = paths.lock] {
      return util::ProjectLock::inspect(lock).state == util::LockState::held;
    };
    world.wait = [] { std::this_thread::sleep_for(k_follow_interval); };
    world.cancel = &g_stop;
    return run::show_logs(paths, options, world);
  };
}

}  // namespace simmer::cli
