#include "store/resources.hpp"

namespace simmer::store {

std::optional<std::string_view> resource(std::string_view path) {
  for (std::size_t i = 0; i < detail::k_resource_count; ++i) {
    if (path == detail::k_resources[i].path) {
      return std::string_view(detail::k_resources[i].data, detail::k_resources[i].size);
    }
  }
  return std::nullopt;
}

std::vector<std::string> resource_paths(std::string_view prefix) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < detail::k_resource_count; ++i) {
    std::string_view p = detail::k_resources[i].path;
    if (p.substr(0, prefix.size()) == prefix) {
      out.emplace_back(p);
    }
  }
  return out;  // embed.cmake writes them sorted
}

}  // namespace simmer::store
