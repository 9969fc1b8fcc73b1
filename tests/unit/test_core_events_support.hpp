#pragma once
// Helpers shared by the tests that feed journal events (machine, run_view): an event's data completed over the
// typed defaults of its kind, so a test names only the members it is about and still feeds a line the journal
// could hold (the fold refuses any other).

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/events.hpp"

namespace simmer::test {

template <std::size_t... I>
core::EventData default_event(std::string_view kind, std::index_sequence<I...>) {
  core::EventData out;
  ((std::variant_alternative_t<I, core::EventData>::k_kind == kind
        ? (out = std::variant_alternative_t<I, core::EventData>{}, true)
        : false) ||
   ...);
  return out;
}

// `data` over to_data() of a default-constructed event of `kind` (top-level members only: a nested object the
// test gives replaces the default one whole). An unknown kind completes over a warning's members.
inline nlohmann::json complete(std::string_view kind, const nlohmann::json& data) {
  nlohmann::json full = core::to_data(
      default_event(kind, std::make_index_sequence<std::variant_size_v<core::EventData>>{}));
  full.update(data);
  return full;
}

}  // namespace simmer::test
