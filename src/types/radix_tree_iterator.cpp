// RadixTree's iterator: ordered steps both ways and the seeks (the walk is
// explained in radix_tree.h, "How a seek works").
#include <algorithm>

#include "types/radix_tree.h"
#include "types/radix_tree_node.h"

namespace mini_redis::types {

using namespace radix_node;  // NOLINT(google-build-using-namespace): this file's own helpers

void** RadixTree::Iterator::value_slot() const {
  return value_slot_of(path_.back().node);
}

// Steps from the node on top into its child `index`, spelling the bytes.
void RadixTree::Iterator::go_child(std::size_t index) {
  Node* n = path_.back().node;
  key_.resize(path_.back().depth);
  if (n->compressed != 0) {
    key_.insert(key_.end(), bytes_at(n), bytes_at(n) + n->size);
  } else {
    key_.push_back(bytes_at(n)[index]);
  }
  path_.push_back({child_at(n, index), key_.size()});
}

// Down to the smallest key at or below the node on top: a key node is
// smaller than everything below it, then the first edge is the smallest.
void RadixTree::Iterator::descend_first() {
  while (path_.back().node->is_key == 0) go_child(0);
}

// Down to the greatest key at or below the node on top: the last edge,
// until a leaf (every leaf is a key node).
void RadixTree::Iterator::descend_last() {
  while (child_count(path_.back().node) > 0) go_child(child_count(path_.back().node) - 1);
}

// Everything at and below the node on top is done: climb to the first
// ancestor with a later edge and take the smallest key there.
void RadixTree::Iterator::climb_next() {
  while (true) {
    path_.pop_back();
    if (path_.empty()) {
      key_.clear();
      return;
    }
    Node* parent = path_.back().node;
    if (parent->compressed != 0) continue;
    const std::size_t came_from = edge_index(parent, key_[path_.back().depth]);
    if (came_from + 1 < parent->size) {
      go_child(came_from + 1);
      descend_first();
      return;
    }
  }
}

void RadixTree::Iterator::next() {
  if (at_end()) return;
  if (child_count(path_.back().node) > 0) {
    go_child(0);
    descend_first();
  } else {
    climb_next();
  }
}

void RadixTree::Iterator::prev() {
  if (at_end()) {
    if (tree_ == nullptr || tree_->empty()) return;
    path_.push_back({tree_->root_, 0});
    descend_last();
    return;
  }
  // Before a key come, nearest first: the subtrees of the earlier edges of
  // each ancestor, and the ancestors that are keys themselves.
  while (true) {
    path_.pop_back();
    if (path_.empty()) {
      key_.clear();
      return;
    }
    Node* parent = path_.back().node;
    const std::size_t depth = path_.back().depth;
    if (parent->compressed == 0) {
      const std::size_t came_from = edge_index(parent, key_[depth]);
      if (came_from > 0) {
        go_child(came_from - 1);
        descend_last();
        return;
      }
    }
    if (parent->is_key != 0) {
      key_.resize(depth);
      return;
    }
  }
}

// The first key >= target: spell the target while the tree allows, then
// decide by the first byte that differs (see the header).
void RadixTree::Iterator::seek_ge(Bytes target) {
  path_.push_back({tree_->root_, 0});
  while (true) {
    Node* n = path_.back().node;
    const std::size_t depth = path_.back().depth;
    if (depth == target.size()) {  // every key below is longer, so greater
      descend_first();
      return;
    }
    const Bytes rest = target.subspan(depth);
    if (n->compressed != 0) {
      const std::size_t shared = common_prefix(bytes_of(n), rest);
      if (shared < n->size && shared < rest.size() && bytes_at(n)[shared] < rest[shared]) {
        climb_next();  // the whole subtree sorts before the target
        return;
      }
      go_child(0);
      if (shared < n->size) {  // the run sorts after the target (or the target ended in it)
        descend_first();
        return;
      }
      continue;
    }
    const std::size_t i = edge_index(n, rest[0]);
    if (i == n->size) {
      climb_next();
      return;
    }
    go_child(i);
    if (bytes_at(n)[i] != rest[0]) {
      descend_first();
      return;
    }
  }
}

RadixTree::Iterator RadixTree::begin() const {
  Iterator it(this);
  if (empty()) return it;
  it.path_.push_back({root_, 0});
  it.descend_first();
  return it;
}

RadixTree::Iterator RadixTree::seek(RadixSeek how, Bytes key) const {
  Iterator it(this);
  if (empty()) return it;
  it.seek_ge(key);
  const auto exact = [&] {
    return !it.at_end() && std::equal(it.key_.begin(), it.key_.end(), key.begin(), key.end());
  };
  switch (how) {
    case RadixSeek::ge: break;
    case RadixSeek::gt:
      if (exact()) it.next();
      break;
    case RadixSeek::le:
      if (!exact()) it.prev();  // from the end, prev() is the last key
      break;
    case RadixSeek::lt: it.prev(); break;
  }
  return it;
}

}  // namespace mini_redis::types
