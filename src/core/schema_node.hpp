#pragma once
// The compiled form of a draft-07 schema, shared by the compiler (schema_compile.cpp) and the validator
// (schema.cpp). Internal to src/core/schema*: other modules use schema.hpp only.
//
// A schema becomes a flat vector of nodes; subschemas and resolved $refs are indices into it, so recursive
// schemas are plain cycles of indices. Everything a validation needs is precomputed here (regexes compiled,
// limits converted, properties sorted like nlohmann's object map) so that validating allocates nothing until a
// problem is reported.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema_regex.hpp"

namespace simmer::schema::detail {

using NodeId = std::int32_t;
inline constexpr NodeId k_no_node = -1;

// Bits of the `type` keyword. `integer` is separate from `number` because "number" admits every integer while
// "integer" admits a float only when it has no fractional part (draft-07: 1.0 is an integer).
enum TypeBit : std::uint8_t {
  k_type_null = 1U << 0U,
  k_type_boolean = 1U << 1U,
  k_type_object = 1U << 2U,
  k_type_array = 1U << 3U,
  k_type_number = 1U << 4U,
  k_type_integer = 1U << 5U,
  k_type_string = 1U << 6U,
};

// A numeric limit. long double (x86-64: 64-bit mantissa) holds every int64, uint64 and double exactly, so one
// comparison in long double is exact for every mix of integer, unsigned and float operands.
struct Limit {
  long double value = 0;
  std::string text;  // the schema's own spelling, for messages
};

// multipleOf: integer divisors get exact integer arithmetic; other divisors a tolerant float check.
struct MultipleOf {
  std::optional<std::uint64_t> integer;  // set when the divisor is a whole number that fits
  double divisor = 1;
  std::string text;
};

struct Pattern {
  std::string source;
  Regex regex;
};

struct PatternProperty {
  Pattern pattern;
  NodeId schema = k_no_node;
};

struct Dependency {
  std::string property;
  std::vector<std::string> required;  // the array form
  NodeId schema = k_no_node;          // the schema form
};

enum class NodeKind : std::uint8_t {
  accept_all,  // `true` or `{}`
  reject_all,  // `false`
  keywords,    // an object schema
};

struct Node {
  std::string pointer;  // JSON pointer of this schema inside the document, "" for the root
  NodeKind kind = NodeKind::keywords;
  NodeId ref = k_no_node;  // draft-07: a $ref replaces every sibling keyword

  std::uint8_t types = 0;  // 0: no `type` keyword

  // Any instance.
  std::optional<std::vector<nlohmann::json>> enum_values;
  std::optional<nlohmann::json> const_value;
  std::vector<NodeId> all_of;
  std::vector<NodeId> any_of;
  std::vector<NodeId> one_of;
  NodeId not_schema = k_no_node;
  NodeId if_schema = k_no_node;
  NodeId then_schema = k_no_node;
  NodeId else_schema = k_no_node;

  // Numbers.
  std::optional<Limit> minimum;
  std::optional<Limit> maximum;
  std::optional<Limit> exclusive_minimum;
  std::optional<Limit> exclusive_maximum;
  std::optional<MultipleOf> multiple_of;

  // Strings.
  std::optional<std::size_t> min_length;
  std::optional<std::size_t> max_length;
  std::optional<Pattern> pattern;
  bool format_date_time = false;

  // Arrays.
  NodeId items = k_no_node;                        // the single-schema form
  std::optional<std::vector<NodeId>> tuple_items;  // the array form
  NodeId additional_items = k_no_node;
  NodeId contains = k_no_node;
  std::optional<std::size_t> min_items;
  std::optional<std::size_t> max_items;
  bool unique_items = false;

  // Objects. `properties` is sorted by std::string's operator<, the order of nlohmann's object map, so both are
  // walked together in one merge pass.
  std::vector<std::pair<std::string, NodeId>> properties;
  std::vector<PatternProperty> pattern_properties;
  NodeId additional_properties = k_no_node;
  NodeId property_names = k_no_node;
  std::vector<std::string> required;
  std::vector<Dependency> dependencies;
  std::optional<std::size_t> min_properties;
  std::optional<std::size_t> max_properties;

  // Summaries computed at compile time so the validator skips whole families at once.
  bool has_number_keywords = false;
  bool has_string_keywords = false;
  bool has_array_keywords = false;
  bool has_object_keywords = false;
  bool walks_properties = false;  // properties, patternProperties or additionalProperties present
};

struct Compiled {
  std::vector<Node> nodes;
  NodeId root = 0;
};

// Compiles `schema` (the whole document). Throws CompileError with the user-facing message on refusal.
struct CompileError {
  std::string message;
};
Compiled compile_document(const nlohmann::json& schema);

// Escapes one reference token for a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string escape_pointer_token(const std::string& token);

}  // namespace simmer::schema::detail
