// Compiling a draft-07 schema document into the node vector of schema_node.hpp.
//
// Implementation notes
// - Every keyword is either implemented, an annotation (accepted and ignored), or refused with a message naming
//   it: a schema is never half-understood. An unknown key is tolerated only when a `$ref` of the document points
//   into it (the suite's `{"tilda~field": {...}, "$ref": "#/tilda~0field"}` shape): it is then a container of
//   referenced schemas, like `definitions`, and what it holds is compiled and checked.
// - Nodes are registered under their canonical JSON pointer before their children are compiled, so `$ref` cycles
//   (recursive schemas) close onto existing nodes, and a subschema reached both by walking and by `$ref` is
//   compiled once.
// - `$id` is accepted at the root only, as the document's id: a `$ref` may then spell "<id>#/pointer". Nested
//   `$id`s would change the base URI of the refs below them, which simmer does not implement, so they are refused.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string_view>

#include "core/schema_node.hpp"

namespace simmer::schema::detail {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_schema_depth = 512;

// Keywords that only annotate; draft-07 gives them no validation meaning.
bool is_annotation(std::string_view key) {
  return key == "$schema" || key == "$id" || key == "title" || key == "description" || key == "default" ||
         key == "examples" || key == "$comment" || key == "definitions" || key == "readOnly" || key == "writeOnly";
}

bool is_implemented(std::string_view key) {
  static constexpr std::string_view k_keywords[] = {
      "$ref",
      "type",
      "properties",
      "required",
      "additionalProperties",
      "patternProperties",
      "propertyNames",
      "dependencies",
      "enum",
      "const",
      "items",
      "additionalItems",
      "contains",
      "minItems",
      "maxItems",
      "uniqueItems",
      "minLength",
      "maxLength",
      "pattern",
      "minimum",
      "maximum",
      "exclusiveMinimum",
      "exclusiveMaximum",
      "multipleOf",
      "minProperties",
      "maxProperties",
      "allOf",
      "anyOf",
      "oneOf",
      "not",
      "if",
      "then",
      "else",
      "format",
  };
  return std::find(std::begin(k_keywords), std::end(k_keywords), key) != std::end(k_keywords);
}

std::string describe_kind(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number (" + value.dump() + ")";
    default:
      return "an unusual value";
  }
}

std::string at(const std::string& pointer) { return "#" + pointer; }

[[noreturn]] void refuse(std::string message) { throw CompileError{std::move(message)}; }

// Percent-decodes a URI fragment ("%25" -> "%"). Malformed escapes are kept verbatim.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') {
          return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
          return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
          return c - 'A' + 10;
        }
        return -1;
      };
      int high = hex(text[i + 1]);
      int low = hex(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

bool is_draft07_uri(std::string_view uri) {
  return uri == "http://json-schema.org/draft-07/schema#" || uri == "http://json-schema.org/draft-07/schema" ||
         uri == "https://json-schema.org/draft-07/schema#" || uri == "https://json-schema.org/draft-07/schema";
}

class Compiler {
public:
  explicit Compiler(const json& root) : m_root(root) {}

  Compiled run() {
    if (m_root.is_object()) {
      if (auto id = m_root.find("$id"); id != m_root.end()) {
        if (!id->is_string()) {
          refuse("invalid \"$id\" at #/$id: expected a string, found " + describe_kind(*id));
        }
        m_document_id = id->get<std::string>();
        // "<id>#" and "<id>" name the same document.
        if (!m_document_id.empty() && m_document_id.back() == '#') {
          m_document_id.pop_back();
        }
      }
    }
    collect_ref_targets(m_root);
    m_out.root = compile_at(m_root, "", 0);
    return std::move(m_out);
  }

private:
  // The canonical pointer a `$ref` string names, or a refusal when it leaves the document.
  std::string ref_target(const std::string& ref, const std::string& where) {
    std::string_view rest(ref);
    if (!m_document_id.empty() && rest.substr(0, m_document_id.size()) == m_document_id &&
        (rest.size() == m_document_id.size() || rest[m_document_id.size()] == '#')) {
      rest.remove_prefix(m_document_id.size());
    }
    if (rest.empty()) {
      return "";
    }
    if (rest.front() != '#') {
      refuse("unsupported $ref \"" + ref + "\" at " + at(where) +
             ": only references inside the document (\"#...\") are supported");
    }
    std::string fragment = percent_decode(rest.substr(1));
    if (!fragment.empty() && fragment.front() != '/') {
      refuse("unsupported $ref \"" + ref + "\" at " + at(where) +
             ": anchors are not supported, use a JSON pointer such as \"#/definitions/name\"");
    }
    return fragment;
  }

  // Resolves a canonical pointer against the document; nullptr when nothing is there.
  const json* resolve(const std::string& pointer) const {
    const json* node = &m_root;
    std::size_t pos = 0;
    while (pos < pointer.size()) {
      std::size_t next = pointer.find('/', pos + 1);
      std::string token = pointer.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
      std::string unescaped;
      for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
          unescaped.push_back(token[i + 1] == '0' ? '~' : '/');
          ++i;
        } else {
          unescaped.push_back(token[i]);
        }
      }
      if (node->is_object()) {
        auto found = node->find(unescaped);
        if (found == node->end()) {
          return nullptr;
        }
        node = &*found;
      } else if (node->is_array()) {
        if (unescaped.empty() || unescaped.size() > 9 ||
            !std::all_of(unescaped.begin(), unescaped.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            (unescaped.size() > 1 && unescaped[0] == '0')) {
          return nullptr;
        }
        std::size_t index = std::stoul(unescaped);
        if (index >= node->size()) {
          return nullptr;
        }
        node = &(*node)[index];
      } else {
        return nullptr;
      }
      pos = next == std::string::npos ? pointer.size() : next;
    }
    return node;
  }

  // Records where the document's $refs point, so unknown keys that hold referenced schemas can be told apart
  // from keywords simmer does not implement. Malformed refs are left for compile_at to refuse with context.
  void collect_ref_targets(const json& value) {
    if (value.is_object()) {
      for (const auto& [key, child] : value.items()) {
        if (key == "$ref" && child.is_string()) {
          const std::string& ref = child.get_ref<const std::string&>();
          std::string_view rest(ref);
          if (!m_document_id.empty() && rest.substr(0, m_document_id.size()) == m_document_id) {
            rest.remove_prefix(m_document_id.size());
          }
          if (!rest.empty() && rest.front() == '#') {
            m_ref_targets.push_back(percent_decode(rest.substr(1)));
          }
        }
        collect_ref_targets(child);
      }
    } else if (value.is_array()) {
      for (const auto& child : value) {
        collect_ref_targets(child);
      }
    }
  }

  bool is_ref_container(const std::string& pointer) const {
    return std::any_of(m_ref_targets.begin(), m_ref_targets.end(), [&](const std::string& target) {
      return target == pointer || (target.size() > pointer.size() && target.compare(0, pointer.size(), pointer) == 0 &&
                                   target[pointer.size()] == '/');
    });
  }

  // Compiles every schema found inside an unknown-but-referenced container. Only the referenced paths are
  // schemas; they are compiled through the $refs themselves, so nothing else is needed here.

  NodeId compile_at(const json& schema, const std::string& pointer, std::size_t depth) {
    if (auto found = m_by_pointer.find(pointer); found != m_by_pointer.end()) {
      return found->second;
    }
    if (depth > k_max_schema_depth) {
      refuse("schema nested too deeply at " + at(pointer) + ": more than " + std::to_string(k_max_schema_depth) +
             " levels");
    }
    auto id = static_cast<NodeId>(m_out.nodes.size());
    m_out.nodes.emplace_back();
    m_by_pointer.emplace(pointer, id);

    // Children are compiled into a local node: compiling them grows m_out.nodes and would move a reference.
    Node node;
    node.pointer = pointer;
    if (schema.is_boolean()) {
      node.kind = schema.get<bool>() ? NodeKind::accept_all : NodeKind::reject_all;
      m_out.nodes[static_cast<std::size_t>(id)] = std::move(node);
      return id;
    }
    if (!schema.is_object()) {
      refuse("invalid schema at " + at(pointer) + ": expected an object or a boolean, found " + describe_kind(schema));
    }
    fill_keywords(node, schema, pointer, depth);
    m_out.nodes[static_cast<std::size_t>(id)] = std::move(node);
    return id;
  }

  NodeId sub(const json& schema, const std::string& pointer, std::size_t depth) {
    return compile_at(schema, pointer, depth + 1);
  }

  static std::string child(const std::string& pointer, const std::string& token) {
    return pointer + "/" + escape_pointer_token(token);
  }

  [[noreturn]] static void invalid_value(const std::string& keyword, const std::string& pointer,
                                         const std::string& expected, const json& found) {
    refuse("invalid value of \"" + keyword + "\" at " + at(pointer) + ": expected " + expected + ", found " +
           describe_kind(found));
  }

  static std::size_t non_negative(const std::string& keyword, const json& value, const std::string& pointer) {
    if (value.is_number_unsigned()) {
      return static_cast<std::size_t>(value.get<std::uint64_t>());
    }
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
      return static_cast<std::size_t>(value.get<std::int64_t>());
    }
    if (value.is_number_float()) {
      double number = value.get<double>();
      if (number >= 0 && std::floor(number) == number) {
        return number >= 1.8e19 ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(number);
      }
    }
    invalid_value(keyword, pointer, "a non-negative integer", value);
  }

  static Limit limit(const std::string& keyword, const json& value, const std::string& pointer) {
    Limit out;
    switch (value.type()) {
      case json::value_t::number_integer:
        out.value = static_cast<long double>(value.get<std::int64_t>());
        break;
      case json::value_t::number_unsigned:
        out.value = static_cast<long double>(value.get<std::uint64_t>());
        break;
      case json::value_t::number_float:
        out.value = static_cast<long double>(value.get<double>());
        break;
      default:
        invalid_value(keyword, pointer, "a number", value);
    }
    out.text = value.dump();
    return out;
  }

  static MultipleOf multiple_of(const json& value, const std::string& pointer) {
    MultipleOf out;
    out.text = value.dump();
    if (value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() > 0)) {
      out.integer = value.get<std::uint64_t>();
      out.divisor = value.get<double>();
      if (*out.integer == 0) {
        invalid_value("multipleOf", pointer, "a number greater than 0", value);
      }
      return out;
    }
    if (value.is_number_float() && value.get<double>() > 0 && std::isfinite(value.get<double>())) {
      out.divisor = value.get<double>();
      if (std::floor(out.divisor) == out.divisor && out.divisor <= 9007199254740992.0) {
        out.integer = static_cast<std::uint64_t>(out.divisor);
      }
      return out;
    }
    invalid_value("multipleOf", pointer, "a number greater than 0", value);
  }

  static Pattern pattern(const std::string& keyword, const json& value, const std::string& pointer) {
    if (!value.is_string()) {
      invalid_value(keyword, pointer, "a regular expression string", value);
    }
    Pattern out;
    out.source = value.get<std::string>();
    try {
      out.regex = Regex(out.source);
    } catch (const std::regex_error& error) {
      refuse("unsupported regular expression \"" + out.source + "\" at " + at(pointer) + ": " + error.what());
    }
    return out;
  }

  std::vector<NodeId> schema_array(const std::string& keyword, const json& value, const std::string& pointer,
                                   std::size_t depth) {
    if (!value.is_array() || value.empty()) {
      invalid_value(keyword, pointer, "a non-empty array of schemas", value);
    }
    std::vector<NodeId> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      out.push_back(sub(value[i], pointer + "/" + std::to_string(i), depth));
    }
    return out;
  }

  static std::uint8_t type_bit(const json& name, const std::string& pointer) {
    if (name.is_string()) {
      const auto& text = name.get_ref<const std::string&>();
      static constexpr std::pair<std::string_view, std::uint8_t> k_names[] = {
          {"null", k_type_null},     {"boolean", k_type_boolean}, {"object", k_type_object}, {"array", k_type_array},
          {"number", k_type_number}, {"integer", k_type_integer}, {"string", k_type_string},
      };
      for (const auto& [type_name, bit] : k_names) {
        if (text == type_name) {
          return bit;
        }
      }
    }
    refuse("invalid value of \"type\" at " + at(pointer) +
           ": expected one of \"null\", \"boolean\", \"object\", \"array\", \"number\", \"integer\", \"string\", "
           "found " +
           (name.is_string() ? name.dump() : describe_kind(name)));
  }

  void fill_keywords(Node& node, const json& schema, const std::string& pointer, std::size_t depth) {
    // Refuse before compiling anything, so the message names the first offending keyword in document order.
    for (const auto& [key, value] : schema.items()) {
      const std::string where = child(pointer, key);
      if (is_implemented(key) || is_annotation(key)) {
        continue;
      }
      if (is_ref_container(where)) {
        continue;
      }
      refuse("unsupported keyword \"" + key + "\" at " + at(where));
    }
    if (!pointer.empty() && schema.contains("$id")) {
      refuse("unsupported keyword \"$id\" at " + at(child(pointer, "$id")) +
             ": simmer accepts $id only at the root of the document");
    }
    if (auto dialect = schema.find("$schema"); dialect != schema.end()) {
      if (!dialect->is_string() || !is_draft07_uri(dialect->get_ref<const std::string&>())) {
        refuse("unsupported $schema " + dialect->dump() + " at " + at(child(pointer, "$schema")) +
               ": simmer implements JSON Schema draft-07 (\"http://json-schema.org/draft-07/schema#\")");
      }
    }
    // Definitions are compiled even when nothing refers to them, so a mistake in one is reported at load.
    if (auto definitions = schema.find("definitions"); definitions != schema.end()) {
      const std::string where = child(pointer, "definitions");
      if (!definitions->is_object()) {
        invalid_value("definitions", where, "an object of schemas", *definitions);
      }
      for (const auto& [name, definition] : definitions->items()) {
        sub(definition, child(where, name), depth);
      }
    }

    if (auto ref = schema.find("$ref"); ref != schema.end()) {
      const std::string where = child(pointer, "$ref");
      if (!ref->is_string()) {
        invalid_value("$ref", where, "a string", *ref);
      }
      const std::string& text = ref->get_ref<const std::string&>();
      std::string target = ref_target(text, where);
      const json* resolved = resolve(target);
      if (resolved == nullptr) {
        refuse("unresolvable $ref \"" + text + "\" at " + at(where) + ": nothing at #" + target);
      }
      // draft-07: the siblings of $ref are ignored; they were still checked for unknown keywords above.
      node.ref = compile_at(*resolved, target, depth + 1);
      return;
    }

    for (const auto& [key, value] : schema.items()) {
      const std::string where = child(pointer, key);
      if (key == "type") {
        if (value.is_array()) {
          if (value.empty()) {
            invalid_value(key, where, "a type name or a non-empty array of type names", value);
          }
          for (std::size_t i = 0; i < value.size(); ++i) {
            node.types |= type_bit(value[i], where + "/" + std::to_string(i));
          }
        } else {
          node.types = type_bit(value, where);
        }
      } else if (key == "enum") {
        if (!value.is_array()) {
          invalid_value(key, where, "an array", value);
        }
        node.enum_values = value.get<std::vector<json>>();
      } else if (key == "const") {
        node.const_value = value;
      } else if (key == "allOf") {
        node.all_of = schema_array(key, value, where, depth);
      } else if (key == "anyOf") {
        node.any_of = schema_array(key, value, where, depth);
      } else if (key == "oneOf") {
        node.one_of = schema_array(key, value, where, depth);
      } else if (key == "not") {
        node.not_schema = sub(value, where, depth);
      } else if (key == "if") {
        node.if_schema = sub(value, where, depth);
      } else if (key == "then") {
        node.then_schema = sub(value, where, depth);
      } else if (key == "else") {
        node.else_schema = sub(value, where, depth);
      } else if (key == "minimum") {
        node.minimum = limit(key, value, where);
      } else if (key == "maximum") {
        node.maximum = limit(key, value, where);
      } else if (key == "exclusiveMinimum") {
        node.exclusive_minimum = limit(key, value, where);
      } else if (key == "exclusiveMaximum") {
        node.exclusive_maximum = limit(key, value, where);
      } else if (key == "multipleOf") {
        node.multiple_of = multiple_of(value, where);
      } else if (key == "minLength") {
        node.min_length = non_negative(key, value, where);
      } else if (key == "maxLength") {
        node.max_length = non_negative(key, value, where);
      } else if (key == "pattern") {
        node.pattern = pattern(key, value, where);
      } else if (key == "format") {
        if (!value.is_string()) {
          invalid_value(key, where, "a string", value);
        }
        if (value.get_ref<const std::string&>() != "date-time") {
          refuse("unsupported format " + value.dump() + " at " + at(where) +
                 ": simmer implements only the \"date-time\" format");
        }
        node.format_date_time = true;
      } else if (key == "items") {
        if (value.is_array()) {
          std::vector<NodeId> tuple;
          for (std::size_t i = 0; i < value.size(); ++i) {
            tuple.push_back(sub(value[i], where + "/" + std::to_string(i), depth));
          }
          node.tuple_items = std::move(tuple);
        } else {
          node.items = sub(value, where, depth);
        }
      } else if (key == "additionalItems") {
        node.additional_items = sub(value, where, depth);
      } else if (key == "contains") {
        node.contains = sub(value, where, depth);
      } else if (key == "minItems") {
        node.min_items = non_negative(key, value, where);
      } else if (key == "maxItems") {
        node.max_items = non_negative(key, value, where);
      } else if (key == "uniqueItems") {
        if (!value.is_boolean()) {
          invalid_value(key, where, "a boolean", value);
        }
        node.unique_items = value.get<bool>();
      } else if (key == "properties") {
        if (!value.is_object()) {
          invalid_value(key, where, "an object of schemas", value);
        }
        for (const auto& [name, property] : value.items()) {
          node.properties.emplace_back(name, sub(property, child(where, name), depth));
        }
        // nlohmann's object map iterates in std::string order already; sort anyway, the merge depends on it.
        std::sort(node.properties.begin(), node.properties.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
      } else if (key == "patternProperties") {
        if (!value.is_object()) {
          invalid_value(key, where, "an object of schemas", value);
        }
        for (const auto& [source, property] : value.items()) {
          PatternProperty entry;
          entry.pattern = pattern(key, json(source), where);
          entry.schema = sub(property, child(where, source), depth);
          node.pattern_properties.push_back(std::move(entry));
        }
      } else if (key == "additionalProperties") {
        node.additional_properties = sub(value, where, depth);
      } else if (key == "propertyNames") {
        node.property_names = sub(value, where, depth);
      } else if (key == "required") {
        if (!value.is_array() ||
            !std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); })) {
          invalid_value(key, where, "an array of strings", value);
        }
        node.required = value.get<std::vector<std::string>>();
      } else if (key == "dependencies") {
        if (!value.is_object()) {
          invalid_value(key, where, "an object", value);
        }
        for (const auto& [name, dependency] : value.items()) {
          Dependency entry;
          entry.property = name;
          if (dependency.is_array()) {
            if (!std::all_of(dependency.begin(), dependency.end(), [](const json& v) { return v.is_string(); })) {
              invalid_value(key, child(where, name), "an array of strings or a schema", dependency);
            }
            entry.required = dependency.get<std::vector<std::string>>();
          } else {
            entry.schema = sub(dependency, child(where, name), depth);
          }
          node.dependencies.push_back(std::move(entry));
        }
      } else if (key == "minProperties") {
        node.min_properties = non_negative(key, value, where);
      } else if (key == "maxProperties") {
        node.max_properties = non_negative(key, value, where);
      }
      // Annotations and referenced containers need nothing here.
    }

    node.has_number_keywords = node.minimum || node.maximum || node.exclusive_minimum || node.exclusive_maximum ||
                               node.multiple_of;
    node.has_string_keywords = node.min_length || node.max_length || node.pattern || node.format_date_time;
    node.has_array_keywords = node.items != k_no_node || node.tuple_items || node.contains != k_no_node ||
                              node.min_items || node.max_items || node.unique_items;
    node.walks_properties = !node.properties.empty() || !node.pattern_properties.empty() ||
                            node.additional_properties != k_no_node;
    node.has_object_keywords = node.walks_properties || node.property_names != k_no_node || !node.required.empty() ||
                               !node.dependencies.empty() || node.min_properties || node.max_properties;
    // additionalItems only means something beside the array form of items.
    if (!node.tuple_items) {
      node.additional_items = k_no_node;
    }
  }

  const json& m_root;
  Compiled m_out;
  std::map<std::string, NodeId> m_by_pointer;
  std::vector<std::string> m_ref_targets;
  std::string m_document_id;
};

}  // namespace

std::string escape_pointer_token(const std::string& token) {
  if (token.find_first_of("~/") == std::string::npos) {
    return token;
  }
  std::string out;
  out.reserve(token.size() + 2);
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Compiled compile_document(const json& schema) { return Compiler(schema).run(); }

}  // namespace simmer::schema::detail
