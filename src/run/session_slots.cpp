#include "run/session_slots.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace simmer::run {

SessionSlot& SessionSlot::operator=(SessionSlot&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

SessionSlot::~SessionSlot() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::optional<SessionSlot> try_session_slot(const std::filesystem::path& dir, const std::string& agent, int cap) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (int k = 0; k < cap; ++k) {
    const std::filesystem::path file = dir / (agent + "-" + std::to_string(k) + ".lock");
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      continue;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      return SessionSlot(fd);
    }
    ::close(fd);
  }
  return std::nullopt;
}

}  // namespace simmer::run
