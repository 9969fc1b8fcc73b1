// Steering a run from the command line (docs/loop.md "Steering a run"):
//   simmer stop                 a running cook stops now, cleanly (resumable, as Ctrl-C)
//   simmer pause | resume       a running cook holds before its next story, or goes on
//   simmer retry ID (unblock)   a blocked story back to pending
//   simmer skip ID              a pending story set aside as blocked
// With a cook running, the request goes to it (a file in .simmer/control/, then a signal carrying its nonce) and
// the command waits for the `steered` event that answers it. With none, retry and skip are applied here, with the
// project lock held, and journaled the same way. Exit codes: 0 applied (or asked, when the cook did not answer
// within --wait), 2 refused (the reason is printed and journaled), 5 another simmer command holds the lock.
#include "cli/commands.hpp"
#include "run/control.hpp"
#include "run/cook.hpp"
#include "store/control.hpp"
#include "store/project.hpp"
#include "util/fs.hpp"
#include "util/lock.hpp"
#include "util/process.hpp"
#include "util/time.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <thread>

#include <unistd.h>

namespace simmer::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct SteerFlags {
  std::string story;
  double wait_s = 10;
  bool json = false;
  std::string by = "cli";
};

// The journal's answer to one request: the `steered` event whose claimed file ends with the request's name.
struct Answer {
  bool found = false;
  std::optional<std::string> refused;
};

// Reads the journal from `offset` on (advancing it past whole lines) and looks for the answer to `name`.
Answer scan_journal(const fs::path& journal, std::uintmax_t& offset, const std::string& name) {
  std::ifstream in(journal, std::ios::binary);
  if (!in) {
    return {};
  }
  in.seekg(static_cast<std::streamoff>(offset));
  std::string line;
  Answer answer;
  while (std::getline(in, line)) {
    if (in.eof()) {
      break;  // a line still being written: read again next time
    }
    offset += line.size() + 1;
    json event = json::parse(line, nullptr, false);
    if (!event.is_object() || event.value("kind", "") != "steered" || !event.contains("data")) {
      continue;
    }
    const json& data = event["data"];
    const std::string request = data.value("request", "");
    if (request.size() >= name.size() + 1 && request.compare(request.size() - name.size(), name.size(), name) == 0 &&
        request[request.size() - name.size() - 1] == '-') {
      answer.found = true;
      if (data.contains("refused") && data["refused"].is_string()) {
        answer.refused = data["refused"].get<std::string>();
      }
    }
  }
  return answer;
}

// Where the journal ends now: its answer to a request written after this is further on.
std::uintmax_t journal_size(const store::ProjectPaths& paths) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(paths.events, ec);
  return ec ? 0 : size;
}

std::uint32_t make_nonce() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint32_t> pick(1, 0x7fffffff);
  return pick(rd);
}

std::string what(core::SteerAction action, const std::optional<std::string>& story) {
  return story ? fmt::format("{} {}", core::to_string(action), *story) : std::string(core::to_string(action));
}

// Prints the outcome and returns the exit code. `state`: "applied", "refused", "asked" or "none".
int report(const SteerFlags& flags, core::SteerAction action, const std::optional<std::string>& story,
           const std::string& state, const std::string& message) {
  if (flags.json) {
    json out = {{"action", std::string(core::to_string(action))},
                {"storyId", story ? json(*story) : json()},
                {"state", state},
                {"message", message}};
    std::fputs((out.dump() + "\n").c_str(), stdout);
  } else if (state == "refused") {
    print_error(fmt::format("{} refused: {}", what(action, story), message));
  } else {
    std::printf("simmer %s: %s\n", what(action, story).c_str(), message.c_str());
  }
  return to_int(state == "refused" ? ExitCode::invalid_input : ExitCode::ok);
}

std::string applied_text(core::SteerAction action, const std::optional<std::string>& story) {
  switch (action) {
    case core::SteerAction::stop:
      return "the cook stops (run `simmer cook` to resume)";
    case core::SteerAction::pause:
      return "paused: the cook starts no story until `simmer resume`";
    case core::SteerAction::resume:
      return "resumed";
    case core::SteerAction::retry:
      return fmt::format("story {} is pending again", story.value_or(""));
    case core::SteerAction::skip:
      return fmt::format("story {} is set aside (blocked); `simmer retry {}` brings it back", story.value_or(""),
                         story.value_or(""));
  }
  return "done";
}

// retry or skip with no cook running: applied here, with the lock (run::cook's steer-only mode).
int apply_here(const SteerFlags& flags, const store::ProjectPaths& paths, const store::SteerRequest& request) {
  const std::uint32_t nonce = make_nonce();
  const fs::path file = store::write_steer_request(paths, request, static_cast<int>(::getpid()), nonce);
  std::uintmax_t offset = journal_size(paths);
  std::error_code ec;
  run::CookOptions options;
  options.steer_only = file;
  options.output = run::OutputMode::quiet;  // the answer is printed below, from the journal
  std::atomic<bool> cancel{false};
  std::atomic<int> signal{0};
  auto result = run::cook(paths, options, cancel, signal);
  if (!result.ok()) {
    fs::remove(file, ec);
    print_error(result.failure().message);
    return to_int(result.failure().code);
  }
  Answer answer = scan_journal(paths.events, offset, store::steer_request_name(static_cast<int>(::getpid()), nonce));
  if (answer.refused) {
    return report(flags, request.action, request.story_id, "refused", *answer.refused);
  }
  return report(flags, request.action, request.story_id, "applied", applied_text(request.action, request.story_id));
}

int steer(core::SteerAction action, const SteerFlags& flags) {
  const auto paths = store::ProjectPaths::discover(fs::current_path());
  if (!util::exists(paths.prd) && !util::exists(paths.events)) {
    print_error(fmt::format("no simmer project here ({}): run `simmer init` and `simmer to-prd`", paths.root.string()));
    return to_int(ExitCode::invalid_input);
  }
  const bool names_story = action == core::SteerAction::retry || action == core::SteerAction::skip;
  std::optional<std::string> story;
  if (names_story) {
    story = flags.story;
  }
  store::SteerRequest request{action, story, flags.by, util::SystemClock().now_ms()};
  const util::LockInfo lock = util::ProjectLock::inspect(paths.lock);
  const bool held = lock.state == util::LockState::held;
  if (held && (!lock.holder || lock.holder->command != "cook")) {
    print_error(fmt::format("project is locked (.simmer/lock) by {}: try again when it is done",
                            lock.holder ? fmt::format("simmer {} (pid {})", lock.holder->command, lock.holder->pid)
                                        : std::string("another simmer process")));
    return to_int(ExitCode::lock_held);
  }
  if (!held) {
    if (names_story) {
      return apply_here(flags, paths, request);
    }
    if (action == core::SteerAction::stop) {
      return report(flags, action, story, "none", "no cook is running: nothing to stop");
    }
    return report(flags, action, story, "refused",
                  fmt::format("no cook is running: {} applies to a running `simmer cook`", core::to_string(action)));
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  if (!lock.holder->host.empty() && lock.holder->host != host) {
    print_error(
        fmt::format("the cook runs on {} (pid {}): steer it from that machine", lock.holder->host, lock.holder->pid));
    return to_int(ExitCode::failure);
  }
  const int pid = static_cast<int>(lock.holder->pid);
  const std::uint32_t nonce = make_nonce();
  const fs::path file = store::write_steer_request(paths, request, static_cast<int>(::getpid()), nonce);
  std::uintmax_t offset = journal_size(paths);
  std::error_code ec;
  sigval value{};
  value.sival_int = static_cast<int>(nonce);
  if (::sigqueue(pid, SIGUSR1, value) != 0) {
    fs::remove(file, ec);
    if (names_story) {
      return apply_here(flags, paths, request);  // the cook ended meanwhile
    }
    return report(flags, action, story, action == core::SteerAction::stop ? "none" : "refused",
                  "the cook ended meanwhile");
  }
  // The cook's listener renames the request (to <name>.seen, then the loop claims it) once it has checked who sent
  // it: until then this process must live.
  for (int i = 0; i < 100 && fs::exists(file, ec); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (fs::exists(file, ec)) {
    fs::remove(file, ec);
    print_error(fmt::format("the cook (pid {}) did not take the request within 5 s: is it a simmer this old?", pid));
    return to_int(ExitCode::failure);
  }
  const std::string name = store::steer_request_name(static_cast<int>(::getpid()), nonce);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long>(flags.wait_s * 1000));
  for (;;) {
    Answer answer = scan_journal(paths.events, offset, name);
    if (answer.found && answer.refused) {
      return report(flags, action, story, "refused", *answer.refused);
    }
    if (answer.found && action != core::SteerAction::stop) {
      return report(flags, action, story, "applied", applied_text(action, story));
    }
    if (answer.found ||
        (action == core::SteerAction::stop && util::ProjectLock::inspect(paths.lock).state != util::LockState::held)) {
      // A stop is done once the cook has let go of the lock.
      while (util::ProjectLock::inspect(paths.lock).state == util::LockState::held &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      const bool ended = util::ProjectLock::inspect(paths.lock).state != util::LockState::held;
      return report(flags, action, story, ended ? "applied" : "asked",
                    ended ? "the cook stopped (run `simmer cook` to resume)"
                          : fmt::format("the cook (pid {}) is stopping its current step", pid));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return report(flags, action, story, "asked",
                    fmt::format("asked the cook (pid {}); it answers after its current step (an agent session can "
                                "take minutes): `simmer status` shows where it stands",
                                pid));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Runner setup(CLI::App& sub, core::SteerAction action) {
  auto flags = std::make_shared<SteerFlags>();
  if (action == core::SteerAction::retry || action == core::SteerAction::skip) {
    sub.add_option("story", flags->story, "The story's id, as in .simmer/prd.json")->required();
  }
  sub.add_option("--wait", flags->wait_s, "Seconds to wait for a running cook's answer (default 10)")
      ->check(CLI::Range(0.0, 3600.0));
  sub.add_flag("--json", flags->json, "Print the outcome as one JSON object: action, storyId, state, message");
  // The dashboard runs these commands for its buttons and says so in the journal.
  sub.add_option("--by", flags->by)->check(CLI::IsMember({"cli", "dashboard"}))->group("");
  return [flags, action] { return steer(action, *flags); };
}

}  // namespace

Runner setup_stop(CLI::App& sub) { return setup(sub, core::SteerAction::stop); }
Runner setup_pause(CLI::App& sub) { return setup(sub, core::SteerAction::pause); }
Runner setup_resume(CLI::App& sub) { return setup(sub, core::SteerAction::resume); }
Runner setup_retry(CLI::App& sub) { return setup(sub, core::SteerAction::retry); }
Runner setup_skip(CLI::App& sub) { return setup(sub, core::SteerAction::skip); }

}  // namespace simmer::cli
