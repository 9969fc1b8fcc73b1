#pragma once
// The two kinds of document the validator walks (schema.cpp), behind one small interface so that every keyword
// has a single implementation: nlohmann_json (the product's strict reader, core::parse_json, and every detailed
// message) and simdjson's DOM (the fast path, schema_fast.hpp). Internal to src/core/schema*.
//
// Differences the walker must respect:
// - nlohmann's objects iterate in key order (std::map), simdjson's in document order: `k_sorted_members` says
//   which, and the walker looks declared properties up instead of merging when members are unsorted.
// - simdjson keeps duplicate keys; the walker assumes there are none (schema_fast refuses such documents, as
//   core::parse_json does).
// - Numbers: both keep int64, uint64 and double apart (simdjson reads `-0` as the integer 0 and `1.0` as a double,
//   as core::parse_json does); the walker compares them through long double, exactly.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace simmer::schema::detail {

enum class ValueKind : std::uint8_t { null, boolean, object, array, string, integer, unsigned_integer, floating };

struct NlohmannAccess {
  using Value = nlohmann::json;
  static constexpr bool k_sorted_members = true;

  static ValueKind kind(const Value& value) {
    switch (value.type()) {
      case Value::value_t::null:
        return ValueKind::null;
      case Value::value_t::boolean:
        return ValueKind::boolean;
      case Value::value_t::object:
        return ValueKind::object;
      case Value::value_t::array:
        return ValueKind::array;
      case Value::value_t::string:
        return ValueKind::string;
      case Value::value_t::number_integer:
        return ValueKind::integer;
      case Value::value_t::number_unsigned:
        return ValueKind::unsigned_integer;
      case Value::value_t::number_float:
        return ValueKind::floating;
      default:
        return ValueKind::null;  // binary and discarded values never come out of a parser
    }
  }
  static bool boolean(const Value& value) { return *value.get_ptr<const Value::boolean_t*>(); }
  static std::int64_t int64(const Value& value) { return *value.get_ptr<const Value::number_integer_t*>(); }
  static std::uint64_t uint64(const Value& value) { return *value.get_ptr<const Value::number_unsigned_t*>(); }
  static double float64(const Value& value) { return *value.get_ptr<const Value::number_float_t*>(); }
  static std::string_view string(const Value& value) { return *value.get_ptr<const Value::string_t*>(); }

  static const Value::array_t& items(const Value& value) { return *value.get_ptr<const Value::array_t*>(); }
  static std::size_t item_count(const Value& value) { return items(value).size(); }

  static const Value::object_t& members(const Value& value) { return *value.get_ptr<const Value::object_t*>(); }
  static std::size_t member_count(const Value& value) { return members(value).size(); }
  static std::string_view key(const Value::object_t::value_type& member) { return member.first; }
  static const Value& member_value(const Value::object_t::value_type& member) { return member.second; }
  static bool has_member(const Value& value, const std::string& name) {
    const auto& map = members(value);
    return map.find(name) != map.end();
  }
};

struct SimdjsonAccess {
  using Value = simdjson::dom::element;
  static constexpr bool k_sorted_members = false;

  static ValueKind kind(const Value& value) {
    switch (value.type()) {
      case simdjson::dom::element_type::NULL_VALUE:
        return ValueKind::null;
      case simdjson::dom::element_type::BOOL:
        return ValueKind::boolean;
      case simdjson::dom::element_type::OBJECT:
        return ValueKind::object;
      case simdjson::dom::element_type::ARRAY:
        return ValueKind::array;
      case simdjson::dom::element_type::STRING:
        return ValueKind::string;
      case simdjson::dom::element_type::INT64:
        return ValueKind::integer;
      case simdjson::dom::element_type::UINT64:
        return ValueKind::unsigned_integer;
      case simdjson::dom::element_type::DOUBLE:
        return ValueKind::floating;
    }
    return ValueKind::null;
  }
  // The accessors are called only after kind() said which type it is, so get() cannot fail. (get() copies the
  // value out; value_unsafe() would return a reference into the temporary result.)
  template <class T>
  static T as(const Value& value) {
    T out{};
    if (value.get<T>(out) != simdjson::SUCCESS) {
      return T{};
    }
    return out;
  }
  static bool boolean(const Value& value) { return as<bool>(value); }
  static std::int64_t int64(const Value& value) { return as<std::int64_t>(value); }
  static std::uint64_t uint64(const Value& value) { return as<std::uint64_t>(value); }
  static double float64(const Value& value) { return as<double>(value); }
  static std::string_view string(const Value& value) { return as<std::string_view>(value); }

  // The tape stores an array's or object's size up to 0xFFFFFF and saturates there: count larger ones by walking.
  template <typename Container>
  static std::size_t exact_size(const Container& container) {
    const std::size_t count = container.size();
    if (count < 0xFFFFFFU) {
      return count;
    }
    std::size_t counted = 0;
    for (auto it = container.begin(); it != container.end(); ++it) {
      ++counted;
    }
    return counted;
  }

  static simdjson::dom::array items(const Value& value) { return as<simdjson::dom::array>(value); }
  static std::size_t item_count(const Value& value) { return exact_size(items(value)); }

  static simdjson::dom::object members(const Value& value) { return as<simdjson::dom::object>(value); }
  static std::size_t member_count(const Value& value) { return exact_size(members(value)); }
  static std::string_view key(const simdjson::dom::key_value_pair& member) { return member.key; }
  static Value member_value(const simdjson::dom::key_value_pair& member) { return member.value; }
  static bool has_member(const Value& value, std::string_view name) {
    const simdjson::dom::object object = members(value);
    return object.at_key(name).error() == simdjson::SUCCESS;
  }
};

}  // namespace simmer::schema::detail
