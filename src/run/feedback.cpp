#include "run/feedback.hpp"

#include "util/fs.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <utility>

namespace simmer::run {

namespace fs = std::filesystem;

namespace {

std::int64_t mtime_ms(const fs::path& p) {
  // stat(2) directly: libstdc++ 12 has no clock_cast from the file clock.
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    return 0;
  }
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

// The first `limit` bytes of `file` (fewer when it is shorter) and its size, holding no more than that in memory.
// Nothing when it cannot be opened.
std::optional<std::pair<std::string, std::int64_t>> read_head(const fs::path& file, std::size_t limit) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  std::string head(limit, '\0');
  std::size_t done = 0;
  while (done < limit) {
    const ssize_t n = ::read(fd, head.data() + done, limit - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  head.resize(done);
  return std::make_pair(std::move(head), static_cast<std::int64_t>(st.st_size));
}

// A preview needs the first line's worth of text: 120 code points are at most 480 bytes, and the rest of this
// head leaves room for leading blank lines.
constexpr std::size_t k_preview_head_bytes = 4096;

core::FeedbackNote describe(const store::ProjectPaths& paths, const fs::path& file) {
  core::FeedbackNote note;
  note.path = paths.display(file);
  if (auto head = read_head(file, k_preview_head_bytes)) {
    note.bytes = head->second;
    note.preview = util::preview(head->first, 120);
  }
  return note;
}

}  // namespace

std::int64_t claim_number(const std::string& name) {
  if (name.size() < 8 || name[6] != '-') {
    return 0;
  }
  return std::strtoll(name.substr(0, 6).c_str(), nullptr, 10);
}

std::vector<core::FeedbackNote> claim_feedback(const store::ProjectPaths& paths, std::int64_t claimed_so_far,
                                               std::int64_t now_ms) {
  std::vector<core::FeedbackNote> out;
  std::error_code ec;
  // 1. Claimed files a crash left unjournaled (numbered above the count), in number order.
  std::int64_t next = claimed_so_far;
  if (fs::is_directory(paths.claimed, ec)) {
    std::vector<std::pair<std::int64_t, fs::path>> found;
    for (const auto& entry : fs::directory_iterator(paths.claimed, ec)) {
      auto n = claim_number(entry.path().filename().string());
      if (n > claimed_so_far) {
        found.emplace_back(n, entry.path());
      }
    }
    std::sort(found.begin(), found.end());
    for (const auto& [n, path] : found) {
      out.push_back(describe(paths, path));
      next = std::max(next, n);
    }
  }
  // 2. Notes waiting now: feedback.md first, then the inbox by name.
  std::vector<std::pair<fs::path, std::string>> waiting;
  if (fs::is_regular_file(paths.feedback, ec)) {
    waiting.emplace_back(paths.feedback, "feedback.md");
  }
  if (fs::is_directory(paths.inbox, ec)) {
    std::vector<fs::path> inbox;
    for (const auto& entry : fs::directory_iterator(paths.inbox, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".md") {
        inbox.push_back(entry.path());
      }
    }
    std::sort(inbox.begin(), inbox.end());
    for (const auto& p : inbox) {
      waiting.emplace_back(p, "inbox-" + p.filename().string());
    }
  }
  for (const auto& [source, name] : waiting) {
    if (now_ms - mtime_ms(source) < 1000) {
      continue;  // still being written
    }
    util::ensure_dir(paths.claimed);
    ++next;
    fs::path target = paths.claimed / fmt::format("{:06d}-{}", next, name);
    if (std::rename(source.c_str(), target.c_str()) != 0) {
      if (errno == ENOENT) {
        --next;  // the human removed it meanwhile
        continue;
      }
      throw Error(ExitCode::unsafe_storage,
                  fmt::format("cannot claim feedback ({}): {}", source.string(), util::errno_text(errno)));
    }
    util::fsync_dir(paths.claimed);
    util::fsync_dir(source.parent_path());
    out.push_back(describe(paths, target));
  }
  return out;
}

std::string feedback_prompt_text(const store::ProjectPaths& paths, const std::vector<core::FeedbackNote>& notes) {
  std::string out;
  for (const auto& note : notes) {
    // One byte past the limit tells a note of exactly the limit from a longer one without reading the rest.
    auto head = read_head(paths.root / note.path, k_max_note_prompt_bytes + 1);
    if (!head) {
      out += fmt::format("From {}:\n{}\n", note.path, note.preview);
      continue;
    }
    auto& [text, size] = *head;
    if (text.size() <= k_max_note_prompt_bytes && static_cast<std::int64_t>(text.size()) >= size) {
      out += fmt::format("From {}:\n{}\n", note.path, text);
      continue;
    }
    std::string kept = util::truncate_utf8(text, k_max_note_prompt_bytes);
    out += fmt::format(
        "From {} (its first {} of {} bytes):\n{}\n[simmer: the note goes on for {} more bytes; the "
        "whole note is in {}]\n",
        note.path, kept.size(), size, kept, size - static_cast<std::int64_t>(kept.size()), note.path);
  }
  return out.empty() ? "(none)" : out;
}

}  // namespace simmer::run
