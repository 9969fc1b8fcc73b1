// Implementation notes: state.json is replaced by a temp file renamed over it, without fsync. A reader never sees
// half a file, and a file lost or torn by a power cut is rebuilt from the (fsynced) journal on the next start:
// skipping the fsync halves the loop's own cost per event. The temp is created O_EXCL | O_NOFOLLOW after an
// unlink, so whatever an agent put at its name (a symlink to a file outside the project) is removed, never
// written through (util::write_new_file).

#include "run/state_cache.hpp"

#include "util/fs.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>

#include <unistd.h>

namespace simmer::run {

namespace fs = std::filesystem;
using nlohmann::json;

StateCache::StateCache(fs::path file) : m_file(std::move(file)), m_at_start(util::read_if_readable(m_file)) {
  if (m_at_start) {
    auto parsed = json::parse(*m_at_start, nullptr, false);
    if (parsed.is_object() && parsed.contains("seq") && parsed["seq"].is_number_integer()) {
      m_start_seq = parsed["seq"].get<std::int64_t>();
      m_start_is_prefix = *m_start_seq == 0 && *m_at_start == core::canonical_text(core::State{});
    }
  }
}

void StateCache::note_fold(const core::State& folded) {
  if (m_start_seq && folded.seq == *m_start_seq) {
    m_start_is_prefix = *m_at_start == core::canonical_text(folded);
  }
}

std::optional<std::string> StateCache::adopt(core::State folded) {
  m_state = std::move(folded);
  m_text = core::canonical_text(m_state);
  m_dirty = false;
  if ((m_state.seq == 0 && !m_at_start) || m_at_start == m_text) {
    return std::nullopt;
  }
  std::optional<std::string> warning;
  if (m_at_start && !m_start_is_prefix) {
    warning = fmt::format("state.json (seq {}) disagreed with the journal (seq {}); rewritten from the journal",
                          m_start_seq.value_or(-1), m_state.seq);
  }
  write();
  return warning;
}

void StateCache::apply(const core::TypedEvent& event) {
  m_state = core::apply(std::move(m_state), event);
  m_dirty = true;
}

void StateCache::flush() {
  if (!m_dirty) {
    return;
  }
  m_text = core::canonical_text(m_state);
  write();
  m_dirty = false;
}

bool StateCache::on_disk_is_current() const {
  std::error_code ec;
  return fs::symlink_status(m_file, ec).type() != fs::file_type::symlink &&
         util::read_if_readable(m_file) == std::optional<std::string>(m_text);
}

void StateCache::rewrite() {
  std::error_code ec;
  fs::remove(m_file, ec);
  write();
}

void StateCache::write() {
  fs::path tmp = m_file;
  tmp += fmt::format(".tmp.{}", ::getpid());
  int err = util::write_new_file(tmp, m_text);
  bool ok = err == 0;
  if (!ok) {
    throw Error(ExitCode::unsafe_storage,
                fmt::format("cannot write .simmer/state.json ({}): {}", tmp.string(), util::errno_text(err)));
  }
  if (std::rename(tmp.c_str(), m_file.c_str()) != 0) {
    throw Error(ExitCode::unsafe_storage,
                fmt::format("cannot write .simmer/state.json ({}): {}", m_file.string(), util::errno_text(errno)));
  }
}

}  // namespace simmer::run
