#pragma once
// Paths into tests/fixtures/ and reads of files a test needs to exist (a missing fixture fails the test, never
// reads as empty).

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace simmer::test {

inline std::string fixture_path(const std::string& relative) {
  return std::string(SIMMER_SOURCE_DIR) + "/tests/fixtures/" + relative;
}

// A recorded agent stream (tests/fixtures/streams/).
inline std::string stream_fixture(const std::string& name) { return fixture_path("streams/" + name); }

// A document that validates (tests/fixtures/good/).
inline std::string good_fixture(const std::string& name) { return fixture_path("good/" + name); }

inline std::string read_existing(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::vector<std::string> stream_fixture_lines(const std::string& name) {
  std::ifstream in(stream_fixture(name));
  REQUIRE(in.good());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

}  // namespace simmer::test
