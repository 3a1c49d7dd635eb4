// RadixTree: building nodes, insert (with run splitting) and erase (with
// re-compression). The walks are in radix_tree_iterator.cpp; radix_tree.h
// explains the shape, radix_tree_node.h the block layout.
#include "types/radix_tree.h"

#include "types/radix_tree_node.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>

#include <malloc.h>

namespace mini_redis::types {

using namespace radix_node;  // NOLINT(google-build-using-namespace): this file's own helpers

// ---- Building and freeing nodes ---------------------------------------------------

RadixTree::Node* RadixTree::make_node(bool is_key, bool compressed, Bytes bytes,
                                      std::span<Node* const> children, void* value) {
  const std::size_t size = block_size(is_key, compressed, bytes.size());
  void* block = std::malloc(size);
  if (block == nullptr) std::abort();  // as Redis's zmalloc: out of memory is fatal
  auto* n = static_cast<Node*>(block);
  n->is_key = is_key ? 1 : 0;
  n->compressed = compressed ? 1 : 0;
  n->size = static_cast<std::uint32_t>(bytes.size()) & 0x3fffffffU;  // runs stay far below 1 GiB
  if (!bytes.empty()) std::memcpy(bytes_at(n), bytes.data(), bytes.size());
  std::copy(children.begin(), children.end(), children_of(n));
  if (is_key) *value_slot_of(n) = value;
  ++node_count_;
  memory_bytes_ += malloc_usable_size(block);
  return n;
}

void RadixTree::free_node(Node* node) {
  --node_count_;
  memory_bytes_ -= malloc_usable_size(node);
  std::free(node);
}

void RadixTree::free_subtree(Node* node) {
  for (std::size_t i = 0; i < child_count(node); ++i) free_subtree(child_at(node, i));
  free_node(node);
}

RadixTree::Node* RadixTree::make_branch(std::uint8_t a, Node* a_child, std::uint8_t b,
                                        Node* b_child, bool is_key, void* value) {
  if (b < a) {
    std::swap(a, b);
    std::swap(a_child, b_child);
  }
  const std::array<std::uint8_t, 2> edges{a, b};
  const std::array<Node*, 2> children{a_child, b_child};
  return make_node(is_key, false, edges, children, value);
}

// What a new key needs below the point where it leaves the tree: a run of
// its remaining bytes (if any) ending in a leaf that holds the value.
RadixTree::Node* RadixTree::make_chain(Bytes rest, void* value) {
  Node* leaf = make_node(true, false, {}, {}, value);
  if (rest.empty()) return leaf;
  const std::array<Node*, 1> child{leaf};
  return make_node(false, true, rest, child, nullptr);
}

// The same node with its key flag and value changed (a new block: the value
// slot is part of the block's size).
RadixTree::Node* RadixTree::rebuild(Node* node, bool is_key, void* value) {
  Node* copy = make_node(is_key, node->compressed != 0, bytes_of(node),
                         {children_of(node), child_count(node)}, value);
  free_node(node);
  return copy;
}

// The root exists even when the tree is empty (a branch of no edges), so
// that every walk starts at a node. Built in the body: make_node counts it,
// and the counters must be initialised first.
RadixTree::RadixTree() : root_(nullptr) {
  root_ = make_node(false, false, {}, {}, nullptr);
}

RadixTree::RadixTree(RadixTree&& other) noexcept
    : root_(std::exchange(other.root_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      node_count_(std::exchange(other.node_count_, 0)),
      memory_bytes_(std::exchange(other.memory_bytes_, 0)) {}

RadixTree& RadixTree::operator=(RadixTree&& other) noexcept {
  if (this == &other) return *this;
  if (root_ != nullptr) free_subtree(root_);
  root_ = std::exchange(other.root_, nullptr);
  size_ = std::exchange(other.size_, 0);
  node_count_ = std::exchange(other.node_count_, 0);
  memory_bytes_ = std::exchange(other.memory_bytes_, 0);
  return *this;
}

RadixTree::~RadixTree() {
  if (root_ != nullptr) free_subtree(root_);
}

// ---- Insert ---------------------------------------------------------------------

// A new key leaves the run of compressed `node` after `at` bytes (`rest` is
// the key from the node on; at < run length). The run is cut there:
//
//   before:  [node "abcd"] -> child            inserting "abx" (at = 2)
//   after:   [run "ab"] -> (branch 'c' -> [run "d"] -> child,
//                                  'x' -> [leaf])
//
// or, when the key ends at the cut (inserting "ab"), the lower half becomes
// the key node: [run "ab"] -> [key, run "cd"] -> child. The upper half keeps
// the node's own key, if it had one. Returns what replaces `node`.
RadixTree::Node* RadixTree::split_run(Node* node, std::size_t at, Bytes rest, void* value) {
  const Bytes run = bytes_of(node);
  Node* child = child_at(node, 0);
  Node* lower = nullptr;
  if (at == rest.size()) {
    const std::array<Node*, 1> below{child};
    lower = make_node(true, true, run.subspan(at), below, value);
  } else {
    Node* old_side = child;
    if (at + 1 < run.size()) {
      const std::array<Node*, 1> below{child};
      old_side = make_node(false, true, run.subspan(at + 1), below, nullptr);
    }
    Node* new_side = make_chain(rest.subspan(at + 1), value);
    // With nothing shared (at == 0) the branch takes the node's place, key and all.
    const bool top = at == 0;
    lower = make_branch(run[at], old_side, rest[at], new_side, top && node->is_key != 0,
                        top ? value_of(node) : nullptr);
    if (top) {
      free_node(node);
      return lower;
    }
  }
  const std::array<Node*, 1> below{lower};
  Node* upper = make_node(node->is_key != 0, true, run.first(at), below, value_of(node));
  free_node(node);
  return upper;
}

// A new key leaves branch `node` by a byte it has no edge for (`rest` is the
// key from the node on). A leaf (no edges yet) becomes a run of the whole
// rest instead of a one-edge branch, keeping the tree fully compressed.
RadixTree::Node* RadixTree::add_edge(Node* node, Bytes rest, void* value) {
  if (node->size == 0) {
    const std::array<Node*, 1> below{make_chain({}, value)};
    Node* run = make_node(node->is_key != 0, true, rest, below, value_of(node));
    free_node(node);
    return run;
  }
  std::array<std::uint8_t, 256> edges{};
  std::array<Node*, 256> children{};
  const std::size_t n = node->size;
  const std::size_t at = edge_index(node, rest[0]);
  std::copy_n(bytes_at(node), at, edges.begin());
  std::copy_n(children_of(node), at, children.begin());
  edges[at] = rest[0];
  children[at] = make_chain(rest.subspan(1), value);
  std::copy_n(bytes_at(node) + at, n - at, edges.begin() + at + 1);
  std::copy_n(children_of(node) + at, n - at, children.begin() + at + 1);
  Node* grown = make_node(node->is_key != 0, false, {edges.data(), n + 1}, {children.data(), n + 1},
                          value_of(node));
  free_node(node);
  return grown;
}

std::pair<void**, bool> RadixTree::insert(Bytes key, void* value) {
  Node** link = &root_;  // the pointer to the node we are at, to replace it
  std::size_t depth = 0;
  while (true) {
    Node* n = *link;
    if (depth == key.size()) {
      if (n->is_key != 0) return {value_slot_of(n), false};
      *link = rebuild(n, true, value);
      break;
    }
    const Bytes rest = key.subspan(depth);
    if (n->compressed != 0) {
      const std::size_t shared = common_prefix(bytes_of(n), rest);
      if (shared == n->size) {
        link = &child_at(n, 0);
        depth += shared;
        continue;
      }
      *link = split_run(n, shared, rest, value);
      break;
    }
    const std::size_t i = edge_index(n, rest[0]);
    if (i < n->size && bytes_at(n)[i] == rest[0]) {
      link = &child_at(n, i);
      depth += 1;
      continue;
    }
    *link = add_edge(n, rest, value);
    break;
  }
  ++size_;
  // Nodes on the way were rebuilt: look the slot up again (one more walk of
  // at most key-length steps; insert is not the hot path a lookup is).
  Iterator it = seek(RadixSeek::ge, key);
  return {it.value_slot(), true};
}

// ---- Find -----------------------------------------------------------------------

void* RadixTree::find(Bytes key) const {
  Node* n = root_;
  std::size_t depth = 0;
  while (depth < key.size()) {
    const Bytes rest = key.subspan(depth);
    if (n->compressed != 0) {
      if (n->size > rest.size() || !std::equal(bytes_at(n), bytes_at(n) + n->size, rest.begin()))
        return nullptr;
      depth += n->size;
      n = child_at(n, 0);
      continue;
    }
    const std::size_t i = edge_index(n, rest[0]);
    if (i == n->size || bytes_at(n)[i] != rest[0]) return nullptr;
    depth += 1;
    n = child_at(n, i);
  }
  return value_of(n);
}

// ---- Erase ----------------------------------------------------------------------

// `node` without its child at `index`: a branch left with one edge becomes a
// run of that byte; a run becomes a leaf (a branch of no edges).
RadixTree::Node* RadixTree::remove_child(Node* node, std::size_t index) {
  Node* result = nullptr;
  if (node->compressed != 0) {
    result = make_node(node->is_key != 0, false, {}, {}, value_of(node));
  } else if (node->size == 2) {
    const std::array<Node*, 1> other{child_at(node, 1 - index)};
    result = make_node(node->is_key != 0, true, bytes_of(node).subspan(1 - index, 1), other,
                       value_of(node));
  } else {
    std::array<std::uint8_t, 256> edges{};
    std::array<Node*, 256> children{};
    std::size_t kept = 0;
    for (std::size_t i = 0; i < node->size; ++i) {
      if (i == index) continue;
      edges[kept] = bytes_at(node)[i];
      children[kept++] = child_at(node, i);
    }
    result = make_node(node->is_key != 0, false, {edges.data(), kept}, {children.data(), kept},
                       value_of(node));
  }
  free_node(node);
  return result;
}

// Re-compression: while the run at `link` leads to another run that is not a
// key, the two become one ("ab" -> "cd" -> x is "abcd" -> x).
void RadixTree::merge_down(Node** link) {
  Node* n = *link;
  while (n->compressed != 0) {
    Node* c = child_at(n, 0);
    if (c->is_key != 0 || c->compressed == 0) break;
    absl::InlinedVector<std::uint8_t, 32> run(bytes_at(n), bytes_at(n) + n->size);
    run.insert(run.end(), bytes_at(c), bytes_at(c) + c->size);
    const std::array<Node*, 1> below{child_at(c, 0)};
    Node* merged = make_node(n->is_key != 0, true, {run.data(), run.size()}, below, value_of(n));
    free_node(n);
    free_node(c);
    n = merged;
  }
  *link = n;
}

void* RadixTree::erase(Bytes key) {
  // The path down, as links (where each node's pointer is stored) and the
  // child index taken from each node.
  struct Step {
    Node** link;
    std::size_t taken;
  };
  absl::InlinedVector<Step, 20> path;
  Node** link = &root_;
  std::size_t depth = 0;
  while (depth < key.size()) {
    Node* n = *link;
    const Bytes rest = key.subspan(depth);
    std::size_t i = 0;
    if (n->compressed != 0) {
      if (n->size > rest.size() || !std::equal(bytes_at(n), bytes_at(n) + n->size, rest.begin()))
        return nullptr;
      depth += n->size;
    } else {
      i = edge_index(n, rest[0]);
      if (i == n->size || bytes_at(n)[i] != rest[0]) return nullptr;
      depth += 1;
    }
    path.push_back({link, i});
    link = &child_at(n, i);
  }
  Node* target = *link;
  if (target->is_key == 0) return nullptr;
  void* value = value_of(target);
  --size_;

  if (child_count(target) > 0 || link == &root_) {
    // Still a junction (or the root, which always stays): only the key goes.
    *link = rebuild(target, false, nullptr);
    path.push_back({link, 0});
  } else {
    // A leaf: it goes, and so does every node above left with nothing below
    // and no key of its own (the root stays, even empty).
    free_node(target);
    while (!path.empty()) {
      const Step step = path.back();
      Node* shrunk = remove_child(*step.link, step.taken);
      if (shrunk->is_key == 0 && child_count(shrunk) == 0 && step.link != &root_) {
        free_node(shrunk);
        path.pop_back();
        continue;
      }
      *step.link = shrunk;
      break;
    }
  }
  // Runs that the key kept apart may join now; deepest first, so that each
  // link we use still points into a live node.
  for (auto step = path.rbegin(); step != path.rend(); ++step) merge_down(step->link);
  return value;
}

}  // namespace mini_redis::types
