#pragma once
// SHA-256 (FIPS 180-4), self-contained so src/util/ needs no crypto library. Used for the tamper check of the
// files the harness owns and for the checksums of the bad-input corpus.

#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace simmer::util {

// Lowercase hex SHA-256 (64 characters) of `data`. Empty input gives the hash of the empty string
// ("e3b0c442...b855").
std::string sha256_hex(std::string_view data);

// Lowercase hex SHA-256 of the content of the file at `path`, read in chunks (memory does not grow with the
// file). A missing or unreadable file is a Failure(invalid_input, "cannot read <path>: <strerror>").
Result<std::string> sha256_file_hex(const std::filesystem::path& path);

}  // namespace simmer::util
