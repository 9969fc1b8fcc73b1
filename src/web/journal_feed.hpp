#pragma once
// The dashboard's view of .simmer/events.jsonl as it grows: reads the file once, then follows it with inotify
// (no timer, no polling) and hands every new complete line to a RunView and to the waiting event streams. A torn
// last line waits until its newline arrives; a truncated or replaced file is re-read from the start (the RunView
// ignores seqs it already applied).

#include "web/run_view.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace simmer::web {

// One journal line as read (no newline) with its seq.
struct JournalLine {
  std::int64_t seq = 0;
  std::string text;
};

class JournalFeed {
public:
  // `journal` need not exist yet; its directory must (inotify watches the directory).
  explicit JournalFeed(std::filesystem::path journal);
  ~JournalFeed();  // stop()
  JournalFeed(const JournalFeed&) = delete;
  JournalFeed& operator=(const JournalFeed&) = delete;

  // Reads what the file holds now (before returning), then follows it on a thread of its own. Throws
  // simmer::Error(failure, "cannot watch journal (<dir>): <why>") when inotify cannot watch the directory.
  void start();

  // Ends the thread and wakes every wait_after() caller. Idempotent.
  void stop();

  // Calls `fn` with the view while holding the feed's lock: keep it short.
  void with_view(const std::function<void(const RunView&)>& fn) const;

  // Lines with seq > `after` from the recent-lines ring (the last 4,096 lines), waiting up to `timeout` for the
  // first one. `gap` is true when lines after `after` have already left the ring: read them with read_after.
  struct Batch {
    std::vector<JournalLine> lines;
    bool gap = false;
    bool stopped = false;
  };
  Batch wait_after(std::int64_t after, std::chrono::milliseconds timeout) const;

  // Lines with seq > `after` read from the file itself, at most `limit`, in file order; malformed lines are
  // skipped. A missing file gives none.
  std::vector<JournalLine> read_after(std::int64_t after, std::size_t limit) const;

  // seq of the last line read.
  std::int64_t last_seq() const;

private:
  void follow();
  void read_new();  // called with no lock held; takes it to publish

  std::filesystem::path m_journal;
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  RunView m_view;
  std::deque<JournalLine> m_ring;
  bool m_stopped = false;

  // Reader state: only the follower thread (or start(), before it exists) touches these.
  std::uint64_t m_offset = 0;
  std::uint64_t m_inode = 0;
  std::string m_partial;

  int m_inotify = -1;
  int m_wake[2] = {-1, -1};
  std::thread m_thread;
};

}  // namespace simmer::web
