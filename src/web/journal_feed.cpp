#include "web/journal_feed.hpp"

#include "util/error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace simmer::web {

namespace {

constexpr std::size_t k_ring = 4096;

// seq of a well-formed event line and the parsed event, or seq 0.
std::int64_t parse_seq(const std::string& line, nlohmann::json& event) {
  event = nlohmann::json::parse(line, nullptr, false);
  if (event.is_discarded() || !event.is_object()) {
    return 0;
  }
  auto it = event.find("seq");
  if (it == event.end() || !it->is_number_integer()) {
    return 0;
  }
  return it->get<std::int64_t>();
}

}  // namespace

JournalFeed::JournalFeed(std::filesystem::path journal) : m_journal(std::move(journal)) {}

JournalFeed::~JournalFeed() {
  stop();
  for (int fd : {m_inotify, m_wake[0], m_wake[1]}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

void JournalFeed::start() {
  // Watch before the first read, so an append between the two is never missed.
  m_inotify = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  std::string dir = m_journal.parent_path().string();
  if (m_inotify < 0 ||
      ::inotify_add_watch(m_inotify, dir.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0 ||
      ::pipe2(m_wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw Error(ExitCode::failure, fmt::format("cannot watch journal ({}): {}", dir, std::strerror(errno)));
  }
  read_new();
  m_thread = std::thread([this] { follow(); });
}

void JournalFeed::stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_stopped) {
      return;
    }
    m_stopped = true;
  }
  m_changed.notify_all();
  if (m_wake[1] >= 0) {
    (void)!::write(m_wake[1], "x", 1);
  }
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void JournalFeed::follow() {
  std::array<char, 64 * 1024> buf{};
  std::string name = m_journal.filename().string();
  while (true) {
    pollfd fds[2] = {{m_inotify, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
    int n = ::poll(fds, 2, -1);  // no timeout: woken by inotify or by stop()
    if (n < 0 && errno != EINTR) {
      return;
    }
    if (fds[1].revents != 0) {
      return;
    }
    if ((fds[0].revents & POLLIN) == 0) {
      continue;
    }
    bool ours = false;
    ssize_t len;
    while ((len = ::read(m_inotify, buf.data(), buf.size())) > 0) {
      for (ssize_t i = 0; i < len;) {
        auto* ev = reinterpret_cast<inotify_event*>(buf.data() + i);
        if (ev->len > 0 && name == ev->name) {
          ours = true;
        }
        i += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      }
    }
    if (ours) {
      read_new();
    }
  }
}

void JournalFeed::read_new() {
  int fd = ::open(m_journal.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return;  // not written yet: the CREATE event brings us back
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    auto size = static_cast<std::uint64_t>(st.st_size);
    if (st.st_ino != m_inode || size < m_offset) {
      // Replaced or cut (the harness repairs a torn last line by truncating it): read it again from the start.
      m_inode = st.st_ino;
      m_offset = 0;
      m_partial.clear();
    }
  }
  std::vector<std::pair<nlohmann::json, JournalLine>> fresh;
  std::array<char, 256 * 1024> buf{};
  while (true) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(m_offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    m_offset += static_cast<std::uint64_t>(n);
    std::size_t start = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      if (buf[i] != '\n') {
        continue;
      }
      m_partial.append(buf.data() + start, i - start);
      start = i + 1;
      nlohmann::json event;
      std::int64_t seq = parse_seq(m_partial, event);
      if (seq > 0) {
        fresh.push_back({std::move(event), JournalLine{seq, std::move(m_partial)}});
      }
      m_partial.clear();
    }
    m_partial.append(buf.data() + start, static_cast<std::size_t>(n) - start);
  }
  ::close(fd);
  if (fresh.empty()) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto& [event, line] : fresh) {
      if (line.seq <= m_view.last_seq()) {
        continue;  // a re-read after truncation: already published
      }
      m_view.apply(event);
      m_ring.push_back(std::move(line));
      if (m_ring.size() > k_ring) {
        m_ring.pop_front();
      }
    }
  }
  m_changed.notify_all();
}

void JournalFeed::with_view(const std::function<void(const RunView&)>& fn) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  fn(m_view);
}

std::int64_t JournalFeed::last_seq() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_view.last_seq();
}

JournalFeed::Batch JournalFeed::wait_after(std::int64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_changed.wait_for(lock, timeout, [&] { return m_stopped || m_view.last_seq() > after; });
  Batch batch;
  batch.stopped = m_stopped;
  if (!m_ring.empty() && m_ring.front().seq > after + 1 && after < m_view.last_seq()) {
    batch.gap = true;
  }
  for (const auto& line : m_ring) {
    if (line.seq > after) {
      batch.lines.push_back(line);
    }
  }
  return batch;
}

std::vector<JournalLine> JournalFeed::read_after(std::int64_t after, std::size_t limit) const {
  std::vector<JournalLine> out;
  std::ifstream in(m_journal, std::ios::binary);
  std::string line;
  while (out.size() < limit && std::getline(in, line)) {
    if (in.eof()) {
      break;  // no newline: a torn or in-progress append, not an event yet
    }
    nlohmann::json event;
    std::int64_t seq = parse_seq(line, event);
    if (seq > after) {
      out.push_back({seq, line});
    }
  }
  return out;
}

}  // namespace simmer::web
