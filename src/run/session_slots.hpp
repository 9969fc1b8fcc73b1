#pragma once
// parallel.sessions (docs/lanes.md): the most live sessions of one agent at once across every lane of a run, so
// that a service's rate limits hold. Each cap is a set of slot files, .simmer/lanes/.sessions/<agent>-<k>.lock
// for k below the cap; a session holds one slot's flock while it runs. A lane's run whose next session finds every
// slot held waits for one. The kernel drops a flock when its holder dies, so a killed lane never keeps a slot,
// and the file is opened close-on-exec, so the agent's own processes never inherit it.

#include <filesystem>
#include <optional>
#include <string>

namespace simmer::run {

// A held slot; the flock is released when it is destroyed. Movable, not copyable.
class SessionSlot {
public:
  explicit SessionSlot(int fd) : m_fd(fd) {}
  SessionSlot(SessionSlot&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  SessionSlot& operator=(SessionSlot&& other) noexcept;
  SessionSlot(const SessionSlot&) = delete;
  SessionSlot& operator=(const SessionSlot&) = delete;
  ~SessionSlot();

private:
  int m_fd = -1;
};

// One free slot of `agent`'s `cap` in `dir` (created when missing), taken now; nothing when all are held. A slot
// file that cannot be opened (a planted folder, a full disk) counts as held, so the cap is never exceeded.
std::optional<SessionSlot> try_session_slot(const std::filesystem::path& dir, const std::string& agent, int cap);

}  // namespace simmer::run
