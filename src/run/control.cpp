#include "run/control.hpp"

#include "run/feedback.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <pthread.h>
#include <unistd.h>

namespace simmer::run {

namespace fs = std::filesystem;

const char* const k_seen_suffix = ".seen";

void SteerInbox::push(SteerSignal signal) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_signals.push_back(std::move(signal));
}

std::vector<SteerSignal> SteerInbox::take() {
  std::lock_guard<std::mutex> lock(m_mutex);
  return std::exchange(m_signals, {});
}

bool SteerInbox::pending() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return !m_signals.empty();
}

void block_steer_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::optional<std::string> sender_refusal(int pid, int self_pid) {
  if (util::is_descendant(pid, self_pid)) {
    return fmt::format(
        "sent by pid {}, a process of this run (an agent, a gate or something they started): an "
        "agent cannot steer the run that judges it",
        pid);
  }
  if (util::has_env(pid, "SIMMER_RUN_ID")) {
    return fmt::format(
        "sent by pid {}, which carries SIMMER_RUN_ID like every agent session: an agent cannot steer "
        "a run",
        pid);
  }
  return std::nullopt;
}

SteerListener::SteerListener(const store::ProjectPaths& paths, SteerInbox& inbox, std::atomic<bool>& cancel,
                             std::atomic<int>& signal_number)
    : m_paths(paths), m_inbox(inbox), m_cancel(cancel), m_signal(signal_number) {
  m_thread = std::thread([this] { run(); });
}

SteerListener::~SteerListener() {
  m_done = true;
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void SteerListener::run() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  const timespec wait{0, 100 * 1000 * 1000};
  while (!m_done) {
    siginfo_t info{};
    if (::sigtimedwait(&set, &info, &wait) != SIGUSR1) {
      continue;
    }
    // Only a queued signal carries a nonce; a bare `kill -USR1` names no request.
    if (info.si_code == SI_QUEUE) {
      received(info.si_pid, info.si_value.sival_int);
    }
  }
}

void SteerListener::received(int pid, int nonce) {
  const fs::path file = m_paths.control / store::steer_request_name(pid, static_cast<std::uint32_t>(nonce));
  auto text = util::read_regular_file(file);
  if (!text.ok()) {
    return;  // no such request: nothing to claim
  }
  // Checked now, while the sender waits for its answer. A sender already gone cannot be checked (its pid may name
  // another process by now), nor one that changed while it was checked: both are refused.
  const auto started = util::process_start_time(pid);
  std::optional<std::string> refused = sender_refusal(pid, static_cast<int>(::getpid()));
  if (!started || !util::process_alive(pid) || util::process_start_time(pid) != started) {
    refused = fmt::format(
        "the asking process (pid {}) ended before it could be checked: a request counts only "
        "while its sender waits for the answer",
        pid);
  }
  auto request = store::parse_steer_request(*text, file.string());
  if (!refused && request.ok() && request->action == core::SteerAction::stop) {
    m_signal = SIGUSR1;
    m_cancel = true;
  }
  // The rename tells the sender its request was checked (it may stop waiting); the file keeps its content for the
  // claim. A file someone else renames so proves nothing: only what is in the inbox is ever claimed.
  const fs::path seen = fs::path(file.string() + k_seen_suffix);
  if (std::rename(file.c_str(), seen.c_str()) != 0) {
    return;  // gone meanwhile
  }
  m_inbox.push(SteerSignal{seen, std::move(refused)});
}

namespace {

// In a claimed file's name after its number: the sender was refused.
constexpr const char* k_refused_tag = "refused-";

SteerClaim read_claim(const fs::path& file, std::optional<std::string> refused) {
  SteerClaim claim{file, std::nullopt, "", std::move(refused)};
  auto text = util::read_regular_file(file);
  if (!text.ok()) {
    claim.error = text.failure().message;
    return claim;
  }
  auto request = store::parse_steer_request(*text, file.string());
  if (request.ok()) {
    claim.request = *request;
  } else {
    claim.error = request.failure().message;
  }
  return claim;
}

void move(const fs::path& from, const fs::path& to) {
  util::ensure_dir(to.parent_path());
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    throw Error(ExitCode::unsafe_storage,
                fmt::format("cannot claim the steering request {}: {}", from.string(), util::errno_text(errno)));
  }
  util::fsync_dir(to.parent_path());
  util::fsync_dir(from.parent_path());
}

}  // namespace

std::vector<SteerClaim> claim_steer_requests(const store::ProjectPaths& paths,
                                             const std::vector<SteerSignal>& signals) {
  std::vector<SteerClaim> out;
  if (signals.empty()) {
    return out;
  }
  // Claimed files are numbered after the highest number there, so that no name is reused. What is there is
  // never read again: a claim whose run was killed before it journaled it is lost (its asker was told nothing),
  // and a file planted there proves nothing.
  const fs::path claimed = paths.control / "claimed";
  std::error_code ec;
  std::int64_t next = 0;
  if (fs::is_directory(claimed, ec)) {
    for (const auto& entry : fs::directory_iterator(claimed, ec)) {
      next = std::max(next, claim_number(entry.path().filename().string()));
    }
  }
  for (const auto& signal : signals) {
    if (!fs::exists(signal.file, ec)) {
      continue;  // taken already, or removed by the person who wrote it
    }
    SteerClaim claim = read_claim(signal.file, signal.refused);
    std::string name = signal.file.filename().string();  // "<pid>-<nonce>.json.seen" -> "<pid>-<nonce>.json"
    if (const std::string seen = k_seen_suffix;
        name.size() > seen.size() && name.compare(name.size() - seen.size(), seen.size(), seen) == 0) {
      name.resize(name.size() - seen.size());
    }
    claim.file = claim.request ? claimed / fmt::format("{:06d}-{}", ++next, name) : paths.control / "rejected" / name;
    move(signal.file, claim.file);
    out.push_back(std::move(claim));
  }
  return out;
}

}  // namespace simmer::run
