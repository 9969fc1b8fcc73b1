#pragma once
// Steering a running cook (docs/loop.md "Steering a run"). `simmer stop|pause|resume|retry|skip` writes a request
// file (store/control.hpp) and then signals the cook that holds the lock with SIGUSR1, the request's nonce as the
// signal's value (sigqueue). The kernel says which process sent the signal: the cook's listener thread checks at
// once, while the asking process still waits for its answer, that it is none of the run's own processes (not a
// descendant of the cook, which is a subreaper, and without the SIMMER_RUN_ID its agents inherit). Only then is
// the request file taken; a file nobody vouched for steers nothing. The loop claims what the listener verified
// between two steps (a stop also cancels the step in progress), journals `steered`, and applies it.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/state.hpp"
#include "store/control.hpp"
#include "store/project.hpp"

namespace simmer::run {

// The listener renames a request it checked to <name> + this suffix: the asking command, waiting for that, then
// knows it was checked while it was alive.
extern const char* const k_seen_suffix;

// A request the listener took: its file (.simmer/control/<pid>-<nonce>.json.seen), and why the sender is refused,
// when it is.
struct SteerSignal {
  std::filesystem::path file;
  std::optional<std::string> refused;
  bool operator==(const SteerSignal&) const = default;
};

// What the listener verified and the loop has not claimed yet. Thread-safe.
class SteerInbox {
public:
  void push(SteerSignal signal);
  std::vector<SteerSignal> take();
  bool pending() const;

private:
  mutable std::mutex m_mutex;
  std::vector<SteerSignal> m_signals;
};

// The thread that waits for SIGUSR1 (sigwaitinfo) and checks each sender. SIGUSR1 must be blocked in every thread
// of the process (block_steer_signal(), before any thread starts), so that only this thread takes it. A verified
// stop request also raises `cancel` with `signal_number` = SIGUSR1, which the loop journals as "simmer stop".
class SteerListener {
public:
  SteerListener(const store::ProjectPaths& paths, SteerInbox& inbox, std::atomic<bool>& cancel,
                std::atomic<int>& signal_number);
  ~SteerListener();
  SteerListener(const SteerListener&) = delete;
  SteerListener& operator=(const SteerListener&) = delete;

private:
  void run();
  void received(int pid, int nonce);

  store::ProjectPaths m_paths;
  SteerInbox& m_inbox;
  std::atomic<bool>& m_cancel;
  std::atomic<int>& m_signal;
  std::atomic<bool> m_done{false};
  std::thread m_thread;
};

// Blocks SIGUSR1 in the calling thread (and the threads it starts later). Children started by util::run_process
// get an empty mask and the default disposition back.
void block_steer_signal();

// Why a process that sent a steering signal may not steer this run (it is this process's descendant, or carries
// SIMMER_RUN_ID like every agent), or nothing.
std::optional<std::string> sender_refusal(int pid, int self_pid);

// One claimed request: its file under .simmer/control/claimed/ (or control/rejected/ when it does not parse),
// the request, or the parse error; and the sender's refusal.
struct SteerClaim {
  std::filesystem::path file;
  std::optional<store::SteerRequest> request;
  std::string error;  // the parse error when `request` is empty
  std::optional<std::string> refused;
};

// Claims each of `signals` whose file is still there: renamed to .simmer/control/claimed/<nnnnnn>-<name>,
// numbered after the highest number there, or, when it does not parse, to control/rejected/<name>. Rename
// failures throw simmer::Error(unsafe_storage).
std::vector<SteerClaim> claim_steer_requests(const store::ProjectPaths& paths, const std::vector<SteerSignal>& signals);

}  // namespace simmer::run
