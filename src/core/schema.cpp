// Validating an instance against a compiled draft-07 schema (schema_node.hpp).
//
// Implementation notes
// - One walker, instantiated three times: Walker<false, A> answers "valid?" and returns at the first problem
//   without building any text, over nlohmann or simdjson documents (A, schema_value.hpp: every keyword has one
//   implementation for both); Walker<true, NlohmannAccess> collects issues. The collecting walker uses the fast
//   one to probe branches (anyOf, oneOf, not, if, contains) and collects a branch's own issues only when it must
//   explain a failure.
// - The instance pointer is a stack of (key pointer | index) segments; it becomes a string only when an issue is
//   reported. Schema pointers are precomputed per node.
// - Recursion is bounded by k_max_depth and by k_stack_budget: a 10,000-deep instance against a recursive
//   schema yields one issue instead of exhausting the stack.

#include "core/schema.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "core/schema_format.hpp"
#include "core/schema_node.hpp"
#include "core/schema_value.hpp"

namespace simmer::schema {

std::string Issue::message() const { return expected + ", found " + found; }

namespace detail {
namespace {

using nlohmann::json;

constexpr unsigned k_max_depth = 1000;
// Frames are much larger under sanitizers (ASan: several KiB per level), so depth alone cannot promise the stack
// holds; the walker also stops once it has used this much stack, whichever comes first.
constexpr std::uintptr_t k_stack_budget = 1024 * 1024;
constexpr std::size_t k_max_shown_bytes = 60;
constexpr std::size_t k_max_shown_enum = 10;

// ---------------------------------------------------------------------------------------------------------------
// Values and their comparison

// Generic over the document type (schema_value.hpp): `A` is NlohmannAccess or SimdjsonAccess, and the comparisons
// may mix them (an enum value from the schema, always nlohmann, against an instance of either kind).

bool is_number_kind(ValueKind kind) {
  return kind == ValueKind::integer || kind == ValueKind::unsigned_integer || kind == ValueKind::floating;
}

template <class A>
long double as_long_double(const typename A::Value& value) {
  switch (A::kind(value)) {
    case ValueKind::integer:
      return static_cast<long double>(A::int64(value));
    case ValueKind::unsigned_integer:
      return static_cast<long double>(A::uint64(value));
    default:
      return static_cast<long double>(A::float64(value));
  }
}

template <class A>
bool is_integer(const typename A::Value& value) {
  switch (A::kind(value)) {
    case ValueKind::integer:
    case ValueKind::unsigned_integer:
      return true;
    case ValueKind::floating: {
      double number = A::float64(value);
      return std::isfinite(number) && std::floor(number) == number;
    }
    default:
      return false;
  }
}

// JSON equality as JSON Schema defines it: numbers compare by value across integer and float (1 == 1.0).
template <class A, class B>
bool json_equal(const typename A::Value& a, const typename B::Value& b) {
  const ValueKind left = A::kind(a);
  const ValueKind right = B::kind(b);
  if (is_number_kind(left) && is_number_kind(right)) {
    return as_long_double<A>(a) == as_long_double<B>(b);
  }
  if (left != right) {
    return false;
  }
  switch (left) {
    case ValueKind::null:
      return true;
    case ValueKind::boolean:
      return A::boolean(a) == B::boolean(b);
    case ValueKind::string:
      return A::string(a) == B::string(b);
    case ValueKind::array: {
      if (A::item_count(a) != B::item_count(b)) {
        return false;
      }
      const auto& left_items = A::items(a);
      const auto& right_items = B::items(b);
      auto right_item = right_items.begin();
      for (const auto& left_item : left_items) {
        if (!json_equal<A, B>(left_item, *right_item)) {
          return false;
        }
        ++right_item;
      }
      return true;
    }
    case ValueKind::object: {
      if (A::member_count(a) != B::member_count(b)) {
        return false;
      }
      const auto& left_members = A::members(a);
      const auto& right_members = B::members(b);
      if constexpr (A::k_sorted_members && B::k_sorted_members) {
        // Both iterate in key order, so equal objects line up pair by pair.
        auto right_member = right_members.begin();
        for (const auto& left_member : left_members) {
          if (A::key(left_member) != B::key(*right_member) ||
              !json_equal<A, B>(A::member_value(left_member), B::member_value(*right_member))) {
            return false;
          }
          ++right_member;
        }
        return true;
      } else {
        // Same size and no duplicate keys (both readers refuse them): equal when every left member has an equal
        // right one. Quadratic, but enum/const/uniqueItems objects are small.
        for (const auto& left_member : left_members) {
          bool found = false;
          for (const auto& right_member : right_members) {
            if (A::key(left_member) == B::key(right_member)) {
              found = json_equal<A, B>(A::member_value(left_member), B::member_value(right_member));
              break;
            }
          }
          if (!found) {
            return false;
          }
        }
        return true;
      }
    }
    default:
      return false;
  }
}

template <class A>
std::uint64_t magnitude(const typename A::Value& value) {
  if (A::kind(value) == ValueKind::unsigned_integer) {
    return A::uint64(value);
  }
  std::int64_t number = A::int64(value);
  return number < 0 ? static_cast<std::uint64_t>(-(number + 1)) + 1 : static_cast<std::uint64_t>(number);
}

template <class A>
bool is_multiple_of(const typename A::Value& value, const MultipleOf& rule) {
  const ValueKind kind = A::kind(value);
  if (rule.integer && (kind == ValueKind::integer || kind == ValueKind::unsigned_integer)) {
    return magnitude<A>(value) % *rule.integer == 0;
  }
  double quotient = static_cast<double>(as_long_double<A>(value)) / rule.divisor;
  if (!std::isfinite(quotient)) {
    return false;
  }
  // Decimal divisors are not exact in binary (0.0075 / 0.0001 = 75.00000000000001): accept a quotient within a
  // few rounding errors of a whole number.
  return std::fabs(quotient - std::nearbyint(quotient)) <= 8 * DBL_EPSILON * std::max(1.0, std::fabs(quotient));
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    count += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  }
  return count;
}

bool search(const Pattern& pattern, std::string_view text) { return pattern.regex.search(text); }

template <class A>
bool type_matches(std::uint8_t types, const typename A::Value& value) {
  switch (A::kind(value)) {
    case ValueKind::null:
      return (types & k_type_null) != 0;
    case ValueKind::boolean:
      return (types & k_type_boolean) != 0;
    case ValueKind::object:
      return (types & k_type_object) != 0;
    case ValueKind::array:
      return (types & k_type_array) != 0;
    case ValueKind::string:
      return (types & k_type_string) != 0;
    case ValueKind::integer:
    case ValueKind::unsigned_integer:
      return (types & (k_type_number | k_type_integer)) != 0;
    case ValueKind::floating:
      return (types & k_type_number) != 0 || ((types & k_type_integer) != 0 && is_integer<A>(value));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Text for people

std::string plural(std::size_t count, const char* singular, const char* plural_form) {
  return std::to_string(count) + " " + (count == 1 ? singular : plural_form);
}

// A JSON value as a short literal: strings quoted, long text cut at a character boundary.
std::string literal(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() <= k_max_shown_bytes) {
    return text;
  }
  std::size_t cut = k_max_shown_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
    --cut;
  }
  text.resize(cut);
  return text + (value.is_string() ? "…\"" : "…");
}

// What a value is, for the "found ..." half of a message.
std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::string:
      return literal(value);
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number (" + value.dump() + ")";
    case json::value_t::array:
      return value.empty() ? "an empty array" : "an array of " + plural(value.size(), "item", "items");
    case json::value_t::object:
      return value.empty() ? "an empty object" : "an object with " + plural(value.size(), "property", "properties");
    default:
      return "an unusual value";
  }
}

std::string type_phrase(std::uint8_t types) {
  static constexpr std::pair<std::uint8_t, const char*> k_names[] = {
      {k_type_object, "an object"}, {k_type_array, "an array"},     {k_type_string, "a string"},
      {k_type_number, "a number"},  {k_type_integer, "an integer"}, {k_type_boolean, "a boolean"},
      {k_type_null, "null"},
  };
  std::vector<const char*> names;
  for (const auto& [bit, name] : k_names) {
    // "a number" already admits every integer.
    if ((types & bit) != 0 && !(bit == k_type_integer && (types & k_type_number) != 0)) {
      names.push_back(name);
    }
  }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += i + 1 == names.size() ? " or " : ", ";
    }
    out += names[i];
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (i > 0 ? ", " : "") + json(names[i]).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return out;
}

std::string enum_phrase(const std::vector<json>& values) {
  if (values.size() == 1) {
    return "exactly " + literal(values.front());
  }
  if (values.empty()) {
    return "no value (the enum is empty)";
  }
  std::string out = "one of ";
  for (std::size_t i = 0; i < values.size() && i < k_max_shown_enum; ++i) {
    out += (i > 0 ? ", " : "") + literal(values[i]);
  }
  if (values.size() > k_max_shown_enum) {
    out += ", … (" + std::to_string(values.size()) + " values)";
  }
  return out;
}

std::string append_pointer(std::string pointer, const std::string& token) {
  pointer += '/';
  pointer += escape_pointer_token(token);
  return pointer;
}

// ---------------------------------------------------------------------------------------------------------------
// The walker

// `A` is the document type (schema_value.hpp). Only nlohmann documents are explained: the collecting walker is
// never instantiated over simdjson, whose callers fall back to nlohmann for the messages.
template <bool Collect, class A>
class Walker {
  static_assert(!Collect || std::is_same_v<A, NlohmannAccess>, "messages are built from nlohmann documents only");
  using Value = typename A::Value;

public:
  // `stack_base`: an address in the caller's frame, where the stack budget is counted from.
  Walker(const Compiled& compiled, std::vector<Issue>* issues, std::size_t max_issues, const char* stack_base)
      : m_compiled(compiled), m_issues(issues), m_max(max_issues), m_stack_base(stack_base) {}

  // True when `value` satisfies node `id`. In collecting mode the problems are appended to the issue list.
  bool check(NodeId id, const Value& value, unsigned depth) {
    const Node& node = m_compiled.nodes[static_cast<std::size_t>(id)];
    if (depth > k_max_depth || stack_used() > k_stack_budget) {
      if constexpr (Collect) {
        report(node.pointer, "nesting at most " + std::to_string(k_max_depth) + " schema levels deep",
               "deeper nesting (validation stopped here)");
      }
      return false;
    }
    switch (node.kind) {
      case NodeKind::accept_all:
        return true;
      case NodeKind::reject_all:
        if constexpr (Collect) {
          report(node.pointer, "no value here (the schema is false)", describe(value));
        }
        return false;
      case NodeKind::keywords:
        break;
    }
    if (node.ref != k_no_node) {
      return check(node.ref, value, depth + 1);
    }

    bool ok = true;
// Records one failed keyword: the fast walker returns at once; the collecting one reports and goes on until the
// issue list is full. The message arguments are evaluated only when collecting.
#define SIMMER_SCHEMA_FAIL(keyword, expected, found)               \
  do {                                                             \
    if constexpr (!Collect) {                                      \
      return false;                                                \
    } else {                                                       \
      report(node.pointer + "/" + (keyword), (expected), (found)); \
      ok = false;                                                  \
      if (full()) {                                                \
        return false;                                              \
      }                                                            \
    }                                                              \
  } while (false)
// A subschema failed: it reported its own issues.
#define SIMMER_SCHEMA_SUB_FAILED() \
  do {                             \
    ok = false;                    \
    if (!Collect || full()) {      \
      return false;                \
    }                              \
  } while (false)

    if (node.types != 0 && !type_matches<A>(node.types, value)) {
      SIMMER_SCHEMA_FAIL("type", type_phrase(node.types), describe(value));
    }
    if (node.enum_values) {
      const auto& values = *node.enum_values;
      if (std::none_of(values.begin(), values.end(),
                       [&](const json& v) { return json_equal<NlohmannAccess, A>(v, value); })) {
        SIMMER_SCHEMA_FAIL("enum", enum_phrase(values), describe(value));
      }
    }
    if (node.const_value && !json_equal<NlohmannAccess, A>(*node.const_value, value)) {
      SIMMER_SCHEMA_FAIL("const", "exactly " + literal(*node.const_value), describe(value));
    }

    switch (A::kind(value)) {
      case ValueKind::object:
        if (node.has_object_keywords && !check_object(node, value, depth)) {
          SIMMER_SCHEMA_SUB_FAILED();
        }
        break;
      case ValueKind::array:
        if (node.has_array_keywords && !check_array(node, value, depth)) {
          SIMMER_SCHEMA_SUB_FAILED();
        }
        break;
      case ValueKind::string:
        if (node.has_string_keywords && !check_string(node, value)) {
          SIMMER_SCHEMA_SUB_FAILED();
        }
        break;
      case ValueKind::integer:
      case ValueKind::unsigned_integer:
      case ValueKind::floating:
        if (node.has_number_keywords && !check_number(node, value)) {
          SIMMER_SCHEMA_SUB_FAILED();
        }
        break;
      default:
        break;
    }

    for (NodeId branch : node.all_of) {
      if (!check(branch, value, depth + 1)) {
        SIMMER_SCHEMA_SUB_FAILED();
      }
    }
    if (!node.any_of.empty()) {
      bool matched = std::any_of(node.any_of.begin(), node.any_of.end(),
                                 [&](NodeId branch) { return probe(branch, value, depth + 1); });
      if (!matched) {
        SIMMER_SCHEMA_FAIL("anyOf",
                           "a value matching at least one of the " + std::to_string(node.any_of.size()) +
                               " anyOf schemas",
                           "none: " + explain_branches(node.any_of, value, depth + 1));
      }
    }
    if (!node.one_of.empty()) {
      std::vector<std::size_t> matched;
      for (std::size_t i = 0; i < node.one_of.size(); ++i) {
        if (probe(node.one_of[i], value, depth + 1)) {
          matched.push_back(i);
          if constexpr (!Collect) {
            if (matched.size() > 1) {
              return false;
            }
          }
        }
      }
      if (matched.size() != 1) {
        SIMMER_SCHEMA_FAIL("oneOf",
                           "a value matching exactly one of the " + std::to_string(node.one_of.size()) +
                               " oneOf schemas",
                           matched.empty() ? "none: " + explain_branches(node.one_of, value, depth + 1)
                                           : "a value matching " + branch_list(matched));
      }
    }
    if (node.not_schema != k_no_node && probe(node.not_schema, value, depth + 1)) {
      SIMMER_SCHEMA_FAIL("not", "a value that does not match the \"not\" schema", describe(value));
    }
    if (node.if_schema != k_no_node) {
      NodeId next = probe(node.if_schema, value, depth + 1) ? node.then_schema : node.else_schema;
      if (next != k_no_node && !check(next, value, depth + 1)) {
        SIMMER_SCHEMA_SUB_FAILED();
      }
    }
    return ok;
  }

private:
  bool check_number(const Node& node, const Value& value) {
    bool ok = true;
    long double number = as_long_double<A>(value);
    if (node.minimum && number < node.minimum->value) {
      SIMMER_SCHEMA_FAIL("minimum", "a number >= " + node.minimum->text, describe(value));
    }
    if (node.maximum && number > node.maximum->value) {
      SIMMER_SCHEMA_FAIL("maximum", "a number <= " + node.maximum->text, describe(value));
    }
    if (node.exclusive_minimum && number <= node.exclusive_minimum->value) {
      SIMMER_SCHEMA_FAIL("exclusiveMinimum", "a number > " + node.exclusive_minimum->text, describe(value));
    }
    if (node.exclusive_maximum && number >= node.exclusive_maximum->value) {
      SIMMER_SCHEMA_FAIL("exclusiveMaximum", "a number < " + node.exclusive_maximum->text, describe(value));
    }
    if (node.multiple_of && !is_multiple_of<A>(value, *node.multiple_of)) {
      SIMMER_SCHEMA_FAIL("multipleOf", "a multiple of " + node.multiple_of->text, describe(value));
    }
    return ok;
  }

  bool check_string(const Node& node, const Value& value) {
    bool ok = true;
    const std::string_view text = A::string(value);
    if (node.min_length || node.max_length) {
      std::size_t length = code_points(text);
      if (node.min_length && length < *node.min_length) {
        SIMMER_SCHEMA_FAIL("minLength", "a string of at least " + plural(*node.min_length, "character", "characters"),
                           "a string of " + plural(length, "character", "characters") + " (" + literal(value) + ")");
      }
      if (node.max_length && length > *node.max_length) {
        SIMMER_SCHEMA_FAIL("maxLength", "a string of at most " + plural(*node.max_length, "character", "characters"),
                           "a string of " + plural(length, "character", "characters") + " (" + literal(value) + ")");
      }
    }
    if (node.pattern && !search(*node.pattern, text)) {
      SIMMER_SCHEMA_FAIL("pattern", "a string matching the pattern " + node.pattern->source, literal(value));
    }
    if (node.format_date_time && !is_rfc3339_date_time(text)) {
      SIMMER_SCHEMA_FAIL("format", "a date-time (RFC 3339, such as \"2026-01-31T09:30:00Z\")", literal(value));
    }
    return ok;
  }

  bool check_array(const Node& node, const Value& value, unsigned depth) {
    bool ok = true;
    const auto& items = A::items(value);
    const std::size_t count = A::item_count(value);
    if (node.min_items && count < *node.min_items) {
      SIMMER_SCHEMA_FAIL("minItems", "an array of at least " + plural(*node.min_items, "item", "items"),
                         describe(value));
    }
    if (node.max_items && count > *node.max_items) {
      SIMMER_SCHEMA_FAIL("maxItems", "an array of at most " + plural(*node.max_items, "item", "items"),
                         describe(value));
    }
    if (node.unique_items) {
      bool reported = false;  // one report per array is enough
      std::size_t i = 0;
      for (auto later = items.begin(); later != items.end() && !reported; ++later, ++i) {
        std::size_t j = 0;
        for (auto earlier = items.begin(); earlier != later; ++earlier, ++j) {
          if (json_equal<A, A>(*later, *earlier)) {
            reported = true;
            SIMMER_SCHEMA_FAIL("uniqueItems", "unique items",
                               "items " + std::to_string(j) + " and " + std::to_string(i) + " both " +
                                   describe(*later));
            break;
          }
        }
      }
    }
    if (node.items != k_no_node) {
      std::size_t i = 0;
      for (const auto& item : items) {
        push(i++);
        bool item_ok = check(node.items, item, depth + 1);
        pop();
        if (!item_ok) {
          SIMMER_SCHEMA_SUB_FAILED();
        }
      }
    } else if (node.tuple_items) {
      const auto& tuple = *node.tuple_items;
      std::size_t i = 0;
      for (const auto& item : items) {
        if (i >= tuple.size()) {
          break;
        }
        push(i);
        bool item_ok = check(tuple[i], item, depth + 1);
        pop();
        ++i;
        if (!item_ok) {
          SIMMER_SCHEMA_SUB_FAILED();
        }
      }
      if (node.additional_items != k_no_node && count > tuple.size()) {
        const Node& additional = m_compiled.nodes[static_cast<std::size_t>(node.additional_items)];
        if (additional.kind == NodeKind::reject_all) {
          SIMMER_SCHEMA_FAIL("additionalItems",
                             "an array of at most " + plural(tuple.size(), "item", "items") +
                                 " (additional items are not allowed)",
                             describe(value));
        } else {
          std::size_t index = 0;
          for (const auto& item : items) {
            if (index++ < tuple.size()) {
              continue;
            }
            push(index - 1);
            bool item_ok = check(node.additional_items, item, depth + 1);
            pop();
            if (!item_ok) {
              SIMMER_SCHEMA_SUB_FAILED();
            }
          }
        }
      }
    }
    if (node.contains != k_no_node) {
      bool found = false;
      for (const auto& item : items) {
        if (probe(node.contains, item, depth + 1)) {
          found = true;
          break;
        }
      }
      if (!found) {
        SIMMER_SCHEMA_FAIL("contains", "an array with at least one item matching the \"contains\" schema",
                           count == 0 ? std::string("an empty array")
                                      : "an array of " + plural(count, "item", "items") + ", none matching");
      }
    }
    return ok;
  }

  bool check_object(const Node& node, const Value& value, unsigned depth) {
    bool ok = true;
    const auto& members = A::members(value);
    const std::size_t count = A::member_count(value);
    if (node.min_properties && count < *node.min_properties) {
      SIMMER_SCHEMA_FAIL("minProperties",
                         "an object with at least " + plural(*node.min_properties, "property", "properties"),
                         describe(value));
    }
    if (node.max_properties && count > *node.max_properties) {
      SIMMER_SCHEMA_FAIL("maxProperties",
                         "an object with at most " + plural(*node.max_properties, "property", "properties"),
                         describe(value));
    }
    for (const auto& name : node.required) {
      if (!A::has_member(value, name)) {
        SIMMER_SCHEMA_FAIL("required", "property " + literal(json(name)), "nothing");
      }
    }
    for (const auto& dependency : node.dependencies) {
      if (!A::has_member(value, dependency.property)) {
        continue;
      }
      for (const auto& name : dependency.required) {
        if (!A::has_member(value, name)) {
          SIMMER_SCHEMA_FAIL("dependencies/" + escape_pointer_token(dependency.property),
                             "property " + literal(json(name)) + " (required when " +
                                 literal(json(dependency.property)) + " is present)",
                             "nothing");
        }
      }
      if (dependency.schema != k_no_node && !check(dependency.schema, value, depth + 1)) {
        SIMMER_SCHEMA_SUB_FAILED();
      }
    }
    if (node.property_names != k_no_node) {
      for (const auto& member : members) {
        const std::string_view key = A::key(member);
        // A name is checked as a string instance of its own, which only nlohmann can make.
        json name(std::string{key});
        if (!probe_json(node.property_names, name, depth + 1)) {
          if constexpr (!Collect) {
            return false;
          } else {
            // The name itself has no pointer: report at the member, saying it is about the name.
            push(key);
            std::vector<Issue> reasons = collect(node.property_names, name, depth + 1, 1);
            pop();
            std::string because = reasons.empty() ? std::string("a valid property name") : reasons.front().expected;
            std::string found = reasons.empty() ? literal(name) : reasons.front().found;
            m_path_extra = std::string(key);
            SIMMER_SCHEMA_FAIL("propertyNames", "a property name that is " + because, found);
          }
        }
      }
    }
    if (node.walks_properties) {
      // Sorted members are merged with the sorted declarations; others are looked up.
      [[maybe_unused]] auto declared = node.properties.begin();
      const auto declared_end = node.properties.end();
      for (const auto& member : members) {
        const std::string_view name = A::key(member);
        NodeId property_schema = k_no_node;
        if constexpr (A::k_sorted_members) {
          while (declared != declared_end && std::string_view(declared->first) < name) {
            ++declared;
          }
          if (declared != declared_end && declared->first == name) {
            property_schema = declared->second;
          }
        } else {
          // compare(), not `<`: clang 14 (fuzz/ builds with it) cannot rewrite string < string_view through
          // libstdc++ 12's operator<=>.
          const auto found = std::lower_bound(node.properties.begin(), declared_end, name,
                                              [](const std::pair<std::string, NodeId>& entry, std::string_view wanted) {
                                                return entry.first.compare(wanted) < 0;
                                              });
          if (found != declared_end && found->first == name) {
            property_schema = found->second;
          }
        }
        bool matched = false;
        if (property_schema != k_no_node) {
          matched = true;
          push(name);
          bool member_ok = check(property_schema, A::member_value(member), depth + 1);
          pop();
          if (!member_ok) {
            SIMMER_SCHEMA_SUB_FAILED();
          }
        }
        for (const auto& entry : node.pattern_properties) {
          if (search(entry.pattern, name)) {
            matched = true;
            push(name);
            bool member_ok = check(entry.schema, A::member_value(member), depth + 1);
            pop();
            if (!member_ok) {
              SIMMER_SCHEMA_SUB_FAILED();
            }
          }
        }
        if (!matched && node.additional_properties != k_no_node) {
          const Node& additional = m_compiled.nodes[static_cast<std::size_t>(node.additional_properties)];
          if (additional.kind == NodeKind::reject_all) {
            if constexpr (Collect) {
              m_path_extra = std::string(name);
            }
            SIMMER_SCHEMA_FAIL("additionalProperties", additional_phrase(node),
                               "property " + literal(json(std::string(name))));
          } else {
            push(name);
            bool member_ok = check(node.additional_properties, A::member_value(member), depth + 1);
            pop();
            if (!member_ok) {
              SIMMER_SCHEMA_SUB_FAILED();
            }
          }
        }
      }
    }
    return ok;
  }

#undef SIMMER_SCHEMA_FAIL
#undef SIMMER_SCHEMA_SUB_FAILED

  static std::string additional_phrase(const Node& node) {
    if (!node.properties.empty() && node.properties.size() <= k_max_shown_enum && node.pattern_properties.empty()) {
      std::vector<std::string> names;
      for (const auto& entry : node.properties) {
        names.push_back(entry.first);
      }
      return (names.size() == 1 ? "only the property " : "only the properties ") + quoted_list(names);
    }
    return "no additional properties";
  }

  // Whether `value` satisfies node `id`, without reporting anything.
  bool probe(NodeId id, const Value& value, unsigned depth) {
    Walker<false, A> fast(m_compiled, nullptr, 0, m_stack_base);
    return fast.check(id, value, depth);
  }
  bool probe_json(NodeId id, const json& value, unsigned depth) {
    Walker<false, NlohmannAccess> fast(m_compiled, nullptr, 0, m_stack_base);
    return fast.check(id, value, depth);
  }

  // The first `limit` issues of `value` against node `id`, at the current instance position.
  std::vector<Issue> collect(NodeId id, const Value& value, unsigned depth, std::size_t limit) {
    std::vector<Issue> out;
    if constexpr (Collect) {
      std::vector<Issue>* saved_issues = m_issues;
      std::size_t saved_max = m_max;
      m_issues = &out;
      m_max = limit;
      check(id, value, depth);
      m_issues = saved_issues;
      m_max = saved_max;
    }
    return out;
  }

  // "branch 0: a string, found a number (3); branch 1 at /id: ..." — why each branch failed, by its first issue.
  std::string explain_branches(const std::vector<NodeId>& branches, const Value& value, unsigned depth) {
    std::string here = instance_pointer();
    std::string out;
    for (std::size_t i = 0; i < branches.size(); ++i) {
      std::vector<Issue> reasons = collect(branches[i], value, depth, 1);
      out += (i > 0 ? "; " : "") + std::string("branch ") + std::to_string(i);
      if (reasons.empty()) {
        out += " failed";
        continue;
      }
      const Issue& first = reasons.front();
      if (first.instance_pointer.size() > here.size()) {
        out += " at " + first.instance_pointer.substr(here.size());
      }
      out += ": " + first.message();
    }
    return out;
  }

  static std::string branch_list(const std::vector<std::size_t>& matched) {
    std::string out = "branches ";
    for (std::size_t i = 0; i < matched.size(); ++i) {
      if (i > 0) {
        out += i + 1 == matched.size() ? " and " : ", ";
      }
      out += std::to_string(matched[i]);
    }
    return out;
  }

  struct Segment {
    std::string_view key;  // a member's name, when is_key
    std::size_t index;
    bool is_key;
  };

  void push(std::size_t index) {
    if constexpr (Collect) {
      m_path.push_back(Segment{{}, index, false});
    }
  }
  void push(std::string_view key) {
    if constexpr (Collect) {
      m_path.push_back(Segment{key, 0, true});
    }
  }
  void pop() {
    if constexpr (Collect) {
      m_path.pop_back();
    }
  }

  std::string instance_pointer() const {
    std::string out;
    for (const auto& segment : m_path) {
      out += '/';
      out += segment.is_key ? escape_pointer_token(std::string(segment.key)) : std::to_string(segment.index);
    }
    return out;
  }

  void report(std::string schema_pointer, std::string expected, std::string found) {
    Issue issue;
    issue.instance_pointer = instance_pointer();
    if (m_path_extra) {
      // Issues about one member (additionalProperties, propertyNames) point at that member.
      issue.instance_pointer = append_pointer(std::move(issue.instance_pointer), *m_path_extra);
      m_path_extra.reset();
    }
    issue.schema_pointer = std::move(schema_pointer);
    issue.expected = std::move(expected);
    issue.found = std::move(found);
    m_issues->push_back(std::move(issue));
  }

  bool full() const { return m_max != 0 && m_issues->size() >= m_max; }

  // Bytes of stack between the caller of validate()/is_valid() and here (the stack grows down on every target
  // simmer builds for; the difference is taken either way).
  std::uintptr_t stack_used() const {
    // The frame address, not a local's: ASan may move locals to a heap "fake stack".
    auto top = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
    auto base = reinterpret_cast<std::uintptr_t>(m_stack_base);
    return base > top ? base - top : top - base;
  }

  const Compiled& m_compiled;
  std::vector<Issue>* m_issues;
  std::size_t m_max;
  std::vector<Segment> m_path;
  std::optional<std::string> m_path_extra;
  const char* m_stack_base;
};

// Document order for issues: by instance pointer, segment by segment, array indices numerically, a parent
// before its children. The sort is stable, so issues at one place keep the schema's order.
bool before_in_document(const Issue& a, const Issue& b) {
  std::string_view left = a.instance_pointer;
  std::string_view right = b.instance_pointer;
  while (!left.empty() && !right.empty()) {
    // Both start with '/'.
    std::size_t left_end = left.find('/', 1);
    std::size_t right_end = right.find('/', 1);
    std::string_view left_token = left.substr(1, left_end == std::string_view::npos ? left.npos : left_end - 1);
    std::string_view right_token = right.substr(1, right_end == std::string_view::npos ? right.npos : right_end - 1);
    if (left_token != right_token) {
      auto numeric = [](std::string_view token) {
        return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
      };
      if (numeric(left_token) && numeric(right_token) && left_token.size() != right_token.size()) {
        return left_token.size() < right_token.size();
      }
      return left_token < right_token;
    }
    left = left_end == std::string_view::npos ? std::string_view() : left.substr(left_end);
    right = right_end == std::string_view::npos ? std::string_view() : right.substr(right_end);
  }
  return left.empty() && !right.empty();
}

}  // namespace
}  // namespace detail

Result<Validator> Validator::compile(const nlohmann::json& schema) {
  try {
    return Validator(std::make_shared<const detail::Compiled>(detail::compile_document(schema)));
  } catch (const detail::CompileError& error) {
    return Failure{error.message, ExitCode::schema_unusable};
  }
}

std::vector<Issue> Validator::validate(const nlohmann::json& instance, std::size_t max_issues) const {
  std::vector<Issue> issues;
  detail::Walker<true, detail::NlohmannAccess> walker(*m_compiled, &issues, max_issues,
                                                      static_cast<const char*>(__builtin_frame_address(0)));
  walker.check(m_compiled->root, instance, 0);
  std::stable_sort(issues.begin(), issues.end(), detail::before_in_document);
  return issues;
}

bool Validator::is_valid(const nlohmann::json& instance) const {
  detail::Walker<false, detail::NlohmannAccess> walker(*m_compiled, nullptr, 0,
                                                       static_cast<const char*>(__builtin_frame_address(0)));
  return walker.check(m_compiled->root, instance, 0);
}

bool Validator::is_valid_simdjson(const simdjson::dom::element& instance) const {
  detail::Walker<false, detail::SimdjsonAccess> walker(*m_compiled, nullptr, 0,
                                                       static_cast<const char*>(__builtin_frame_address(0)));
  return walker.check(m_compiled->root, instance, 0);
}

}  // namespace simmer::schema
