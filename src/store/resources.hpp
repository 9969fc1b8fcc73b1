#pragma once
// The files of schemas/, prompts/ and templates/, compiled into the binary (cmake/embed.cmake).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::store {

struct Resource {
  const char* path;  // relative to the source root, e.g. "schemas/prd.json"
  const char* data;
  std::size_t size;
};

// The embedded file at `path` ("schemas/prd.json"), or nothing when no such file was embedded.
std::optional<std::string_view> resource(std::string_view path);

// Paths of every embedded file whose path starts with `prefix` ("schemas/"), sorted. Empty prefix: all.
std::vector<std::string> resource_paths(std::string_view prefix);

namespace detail {
extern const Resource k_resources[];
extern const std::size_t k_resource_count;
}  // namespace detail

}  // namespace simmer::store
