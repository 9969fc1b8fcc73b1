#pragma once
// Helpers shared by the tests of the machine (one lane and lanes): what kind of effect the machine returned, and
// an emit effect's event as its kind and journal data.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

#include "core/machine.hpp"

namespace simmer::test {

template <class T>
bool is(const core::Effect& effect) {
  return std::holds_alternative<T>(effect);
}

inline std::string kind_of(const core::Effect& effect) {
  REQUIRE(is<core::effects::Emit>(effect));
  return std::string(core::kind_name(std::get<core::effects::Emit>(effect).event));
}

inline nlohmann::json data_of(const core::Effect& effect) {
  REQUIRE(is<core::effects::Emit>(effect));
  return core::to_data(std::get<core::effects::Emit>(effect).event);
}

}  // namespace simmer::test
