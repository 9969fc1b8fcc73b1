#pragma once
// A FILE* the code under test writes to (a reporter, a renderer), read back as a string; read under the stream's
// lock, since a reporter's ticker thread may be writing to it.

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

namespace simmer::test {

class Capture {
public:
  Capture() : m_file(std::tmpfile()) { REQUIRE(m_file != nullptr); }
  ~Capture() { std::fclose(m_file); }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  std::FILE* get() const { return m_file; }
  // Read under the stream's lock: the reporter's ticker thread may be writing to it.
  std::string text() const {
    ::flockfile(m_file);
    std::fflush(m_file);
    std::string out;
    std::rewind(m_file);
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, m_file)) > 0) {
      out.append(buf, n);
    }
    std::fseek(m_file, 0, SEEK_END);
    ::funlockfile(m_file);
    return out;
  }

private:
  std::FILE* m_file;
};

}  // namespace simmer::test
