// MemberDict: member blocks and the dict operations on them. See
// set_member_dict.h for the block layout and what it costs.
#include "types/set_member_dict.h"

#include <cstring>
#include <new>
#include <utility>

#include "types/varint.h"

namespace mini_redis::types {

// The block: this header (the chain link), then the length and the bytes.
struct MemberDict::Node : HashNode {
  [[nodiscard]] const unsigned char* tail() const {
    return reinterpret_cast<const unsigned char*>(this + 1);
  }
  unsigned char* tail() { return reinterpret_cast<unsigned char*>(this + 1); }

  [[nodiscard]] std::string_view member() const {
    const unsigned char* p = tail();
    const std::size_t length = varint::read(p);
    return {reinterpret_cast<const char*>(p), length};
  }

  static std::size_t block_size(std::size_t member_size) {
    return sizeof(Node) + varint::size(member_size) + member_size;
  }
};

struct MemberDict::NodeKey {
  std::string_view operator()(const Node& node) const { return node.member(); }
};

struct MemberDict::NodeFree {
  void operator()(Node* node) const {
    // The header is trivially destructible: ending its lifetime is enough
    // before the block goes back to the allocator.
    node->~Node();
    ::operator delete(static_cast<void*>(node));
  }
};

MemberDict::Table::Owned MemberDict::make_node(std::string_view member) {
  static_assert(sizeof(Node) == sizeof(void*), "a member's header is its link alone");
  void* block = ::operator new(Node::block_size(member.size()));
  Table::Owned node(new (block) Node);
  unsigned char* p = varint::write(node->tail(), member.size());
  // memcpy wants a real pointer even for 0 bytes; an empty view may hold null.
  if (!member.empty()) std::memcpy(p, member.data(), member.size());
  return node;
}

MemberDict::MemberDict() = default;
MemberDict::~MemberDict() = default;

MemberDict::MemberDict(MemberDict&& other) noexcept
    : table_(std::move(other.table_)), node_bytes_(std::exchange(other.node_bytes_, 0)) {}

MemberDict& MemberDict::operator=(MemberDict&& other) noexcept {
  if (this != &other) {
    table_ = std::move(other.table_);
    node_bytes_ = std::exchange(other.node_bytes_, 0);
  }
  return *this;
}

bool MemberDict::contains(std::string_view member) {
  return table_.find(member) != nullptr;
}

bool MemberDict::insert(std::string_view member) {
  if (table_.find(member) != nullptr) return false;
  node_bytes_ += Node::block_size(member.size());
  table_.insert(make_node(member));
  return true;
}

bool MemberDict::erase(std::string_view member) {
  // `member` may be a view into the block being removed (SPOP erases the
  // member it just drew): its size is read before remove() frees the block.
  const std::size_t block_size = Node::block_size(member.size());
  if (!table_.remove(member)) return false;
  node_bytes_ -= block_size;
  return true;
}

std::uint64_t MemberDict::scan(std::uint64_t cursor, Visit visit) {
  return table_.scan(cursor, [&visit](const Node& node) { visit(node.member()); });
}

void MemberDict::for_each(Visit visit) const {
  table_.for_each([&visit](const Node& node) { visit(node.member()); });
}

std::optional<std::string_view> MemberDict::random_member(std::uint64_t random_bits) {
  const Node* node = table_.random_entry(random_bits);
  if (node == nullptr) return std::nullopt;
  return node->member();
}

MemberDict MemberDict::clone() const {
  MemberDict copy;
  copy.table_.reserve(size());
  for_each([&copy](std::string_view member) { copy.table_.insert(make_node(member)); });
  copy.node_bytes_ = node_bytes_;
  return copy;
}

}  // namespace mini_redis::types
