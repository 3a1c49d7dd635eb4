// FieldDict: pair blocks and the dict operations on them. See field_dict.h
// for the block layout and what it costs.
#include "types/field_dict.h"

#include <cstring>
#include <new>
#include <utility>

#include "types/varint.h"

namespace mini_redis::types {

// The block: this header (the chain link), then the two lengths and the bytes.
struct FieldDict::Node : HashNode {
  // Where the lengths start: right after the link.
  [[nodiscard]] const unsigned char* tail() const {
    return reinterpret_cast<const unsigned char*>(this + 1);
  }
  unsigned char* tail() { return reinterpret_cast<unsigned char*>(this + 1); }

  struct Decoded {
    std::size_t field_size;
    std::size_t value_size;
    const unsigned char* field;  // the value follows the field
  };
  [[nodiscard]] Decoded decode() const {
    const unsigned char* p = tail();
    std::size_t field_size = varint::read(p);
    std::size_t value_size = varint::read(p);
    return {field_size, value_size, p};
  }

  [[nodiscard]] std::string_view field() const {
    Decoded d = decode();
    return {reinterpret_cast<const char*>(d.field), d.field_size};
  }
  [[nodiscard]] std::string_view value() const {
    Decoded d = decode();
    return {reinterpret_cast<const char*>(d.field + d.field_size), d.value_size};
  }
  // Writable value bytes, for a same-length overwrite.
  char* value_bytes() {
    Decoded d = decode();
    std::size_t offset = static_cast<std::size_t>(d.field - tail()) + d.field_size;
    return reinterpret_cast<char*>(tail() + offset);
  }

  static std::size_t block_size(std::size_t field_size, std::size_t value_size) {
    return sizeof(Node) + varint::size(field_size) + varint::size(value_size) + field_size +
           value_size;
  }
  [[nodiscard]] std::size_t block_size() const {
    Decoded d = decode();
    return block_size(d.field_size, d.value_size);
  }
};

struct FieldDict::NodeKey {
  std::string_view operator()(const Node& node) const { return node.field(); }
};

struct FieldDict::NodeFree {
  void operator()(Node* node) const {
    // The header is trivially destructible: ending its lifetime is enough
    // before the block goes back to the allocator.
    node->~Node();
    ::operator delete(static_cast<void*>(node));
  }
};

FieldDict::Table::Owned FieldDict::make_node(std::string_view field, std::string_view value) {
  static_assert(sizeof(Node) == sizeof(void*), "a pair's header is its link alone");
  void* block = ::operator new(Node::block_size(field.size(), value.size()));
  Table::Owned node(new (block) Node);
  unsigned char* p = varint::write(node->tail(), field.size());
  p = varint::write(p, value.size());
  // memcpy wants real pointers even for 0 bytes; an empty view may hold null.
  if (!field.empty()) std::memcpy(p, field.data(), field.size());
  if (!value.empty()) std::memcpy(p + field.size(), value.data(), value.size());
  return node;
}

FieldDict::FieldDict() = default;
FieldDict::~FieldDict() = default;

FieldDict::FieldDict(FieldDict&& other) noexcept
    : table_(std::move(other.table_)), node_bytes_(std::exchange(other.node_bytes_, 0)) {}

FieldDict& FieldDict::operator=(FieldDict&& other) noexcept {
  if (this != &other) {
    table_ = std::move(other.table_);
    node_bytes_ = std::exchange(other.node_bytes_, 0);
  }
  return *this;
}

std::optional<std::string_view> FieldDict::find(std::string_view field) {
  const Node* node = table_.find(field);
  if (node == nullptr) return std::nullopt;
  return node->value();
}

bool FieldDict::set(std::string_view field, std::string_view value) {
  Node* node = table_.find(field);
  if (node == nullptr) {
    node_bytes_ += Node::block_size(field.size(), value.size());
    table_.insert(make_node(field, value));
    return true;
  }
  std::string_view old_value = node->value();
  if (old_value.size() == value.size()) {
    // Same length, same block: HINCRBY's "10" -> "11" never reallocates.
    if (!value.empty()) std::memmove(node->value_bytes(), value.data(), value.size());
    return false;
  }
  // `field` may point into the old block (a caller passing a view it got from
  // us), so build the new block before the old one is freed by replace().
  node_bytes_ -= node->block_size();
  node_bytes_ += Node::block_size(field.size(), value.size());
  table_.replace(node, make_node(field, value));
  return false;
}

bool FieldDict::erase(std::string_view field) {
  Table::Owned gone = table_.remove(field);
  if (!gone) return false;
  node_bytes_ -= gone->block_size();
  return true;
}

std::uint64_t FieldDict::scan(std::uint64_t cursor, Visit visit) {
  return table_.scan(cursor, [&visit](const Node& node) { visit(node.field(), node.value()); });
}

void FieldDict::for_each(Visit visit) const {
  table_.for_each([&visit](const Node& node) { visit(node.field(), node.value()); });
}

std::optional<FieldDict::Pair> FieldDict::random_pair(std::uint64_t random_bits) {
  const Node* node = table_.random_entry(random_bits);
  if (node == nullptr) return std::nullopt;
  return Pair{node->field(), node->value()};
}

FieldDict FieldDict::clone() const {
  FieldDict copy;
  copy.table_.reserve(size());
  for_each([&copy](std::string_view field, std::string_view value) {
    copy.table_.insert(make_node(field, value));
  });
  copy.node_bytes_ = node_bytes_;
  return copy;
}

void FieldDict::clear() {
  table_.clear();
  node_bytes_ = 0;
}

}  // namespace mini_redis::types
