#include "run/feedback.hpp"

#include "util/fs.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <sys/stat.h>

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

// The number a claimed file carries in its name ("000012-feedback.md" -> 12), 0 when it has none.
std::int64_t claim_number(const std::string& name) {
  if (name.size() < 8 || name[6] != '-') {
    return 0;
  }
  return std::strtoll(name.substr(0, 6).c_str(), nullptr, 10);
}

core::FeedbackNote describe(const store::ProjectPaths& paths, const fs::path& file) {
  core::FeedbackNote note;
  note.path = paths.display(file);
  auto text = util::read_file(file);
  if (text.ok()) {
    note.bytes = static_cast<std::int64_t>(text->size());
    note.preview = util::preview(*text, 120);
  }
  return note;
}

}  // namespace

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

}  // namespace simmer::run
