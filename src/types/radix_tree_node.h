// The block layout of a RadixTree node and the small helpers that read it,
// shared by radix_tree.cpp (building, insert, erase) and
// radix_tree_iterator.cpp (walks and seeks). Internal: include only there.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "types/radix_tree.h"

namespace mini_redis::types {

// ---- One node's block -----------------------------------------------------------
//
//   | Node (4 bytes) | size bytes | pad to 8 | child pointers | value slot |
//
// `size` is the run's length (compressed) or the number of edges (branch);
// a compressed node has one child pointer, a branch `size`. The value slot
// is there only when `is_key`.
struct RadixTree::Node {
  std::uint32_t is_key : 1;
  std::uint32_t compressed : 1;
  std::uint32_t size : 30;
};

namespace radix_node {

using Node = RadixTree::Node;
using Bytes = RadixTree::Bytes;

constexpr std::size_t align8(std::size_t n) {
  return (n + 7) & ~std::size_t{7};
}

inline std::size_t child_count(const Node* n) {
  return n->compressed ? 1 : n->size;
}

inline std::uint8_t* bytes_at(Node* n) {
  return reinterpret_cast<std::uint8_t*>(n) + sizeof(Node);
}
inline Bytes bytes_of(Node* n) {
  return {bytes_at(n), n->size};
}

inline Node** children_of(Node* n) {
  return reinterpret_cast<Node**>(reinterpret_cast<std::uint8_t*>(n) +
                                  align8(sizeof(Node) + n->size));
}
inline Node*& child_at(Node* n, std::size_t i) {
  return children_of(n)[i];
}
inline void** value_slot_of(Node* n) {
  return reinterpret_cast<void**>(children_of(n) + child_count(n));
}
inline void* value_of(Node* n) {
  return n->is_key ? *value_slot_of(n) : nullptr;
}

inline std::size_t block_size(bool is_key, bool compressed, std::size_t size) {
  const std::size_t children = compressed ? 1 : size;
  return align8(sizeof(Node) + size) + sizeof(Node*) * children + (is_key ? sizeof(void*) : 0);
}

// Index of the first edge >= `byte` in a branch (its edges are sorted).
inline std::size_t edge_index(Node* n, std::uint8_t byte) {
  const Bytes edges = bytes_of(n);
  return static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), byte) -
                                  edges.begin());
}

inline std::size_t common_prefix(Bytes a, Bytes b) {
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace radix_node

}  // namespace mini_redis::types
