// Quicklist: node limits, splitting and merging as Redis 7.0 does them.
// The structure and the rules are described in quicklist.h.
#include "types/quicklist.h"

#include <algorithm>
#include <array>

namespace mini_redis::types {

namespace {

// Node size limits for fill -1..-5 (index = -fill - 1).
constexpr std::array<std::size_t, 5> kSizeLimits = {4096, 8192, 16384, 32768, 65536};
// A positive fill counts elements, but a node still never grows past this.
constexpr std::size_t kSafetyLimit = 8192;
// The most an entry adds on top of its text below 64 KiB: 5 bytes of
// encoding (32-bit string length) and 3 of backlen. Over-estimating keeps a
// node within its limit without encoding the element first.
constexpr std::size_t kSizeEstimateOverhead = 8;
// Redis 7.0 estimates a merged node as the two sizes minus 11, the header and
// trailer of the ziplist that listpack replaced (the real overlap is 7).
// Keeping 11 keeps Redis's merge decisions, and with them its node layout.
constexpr std::size_t kMergeOverlap = 11;
// What a node costs besides its listpack block: std::list's two links and
// the Listpack handle (Redis's quicklistNode is 32 bytes).
constexpr std::size_t kNodeOverhead = 2 * sizeof(void*) + sizeof(Listpack);

}  // namespace

Quicklist::Quicklist(int fill, int compress_depth)
    : fill_(std::clamp(fill, kMinFill, kMaxFill)),
      compress_depth_(std::clamp(compress_depth, 0, kMaxCompressDepth)) {}

Quicklist Quicklist::clone() const {
  Quicklist copy(fill_, compress_depth_);
  for (const Listpack& node : nodes_) copy.nodes_.push_back(node.clone());
  copy.count_ = count_;
  return copy;
}

void Quicklist::append_node(Listpack node) {
  if (node.empty()) return;
  count_ += node.size();
  nodes_.push_back(std::move(node));
}

std::size_t Quicklist::memory_bytes() const {
  std::size_t bytes = nodes_.size() * kNodeOverhead;
  for (const Listpack& node : nodes_) bytes += node.allocated_bytes();
  return bytes;
}

// ---- limits -----------------------------------------------------------------

bool Quicklist::exceeds_limit(std::size_t bytes, std::size_t count) const {
  if (fill_ < 0) return bytes > kSizeLimits[static_cast<std::size_t>(-fill_ - 1)];
  return bytes > kSafetyLimit || count > static_cast<std::size_t>(fill_);
}

bool Quicklist::node_has_room(const Listpack& node, std::size_t value_size) const {
  return !exceeds_limit(node.bytes_size() + value_size + kSizeEstimateOverhead, node.size() + 1);
}

// ---- ends -------------------------------------------------------------------

void Quicklist::push_front(std::string_view value) {
  if (nodes_.empty() || !node_has_room(nodes_.front(), value.size())) nodes_.emplace_front();
  nodes_.front().push_front(value);
  ++count_;
}

void Quicklist::push_back(std::string_view value) {
  if (nodes_.empty() || !node_has_room(nodes_.back(), value.size())) nodes_.emplace_back();
  nodes_.back().push_back(value);
  ++count_;
}

std::optional<std::string> Quicklist::pop_front() {
  std::optional<std::string> out;
  pop_front([&out](const ListpackEntry& entry) { out = entry.to_string(); });
  return out;
}

std::optional<std::string> Quicklist::pop_back() {
  std::optional<std::string> out;
  pop_back([&out](const ListpackEntry& entry) { out = entry.to_string(); });
  return out;
}

void Quicklist::erase_at(Nodes::iterator node, std::size_t pos) {
  node->erase(pos);
  --count_;
  if (node->empty()) nodes_.erase(node);
}

// ---- by index ---------------------------------------------------------------

Quicklist::Location Quicklist::locate(std::int64_t index) const {
  const auto n = static_cast<std::int64_t>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return {nodes_.end(), 0};
  auto wanted = static_cast<std::size_t>(index);
  // Skip whole nodes by their counts, from whichever end is nearer.
  if (wanted < count_ / 2) {
    for (auto node = nodes_.begin();; ++node) {
      if (wanted < node->size()) return {node, wanted};
      wanted -= node->size();
    }
  }
  std::size_t from_tail = count_ - 1 - wanted;
  for (auto node = std::prev(nodes_.end());; --node) {
    if (from_tail < node->size()) return {node, node->size() - 1 - from_tail};
    from_tail -= node->size();
  }
}

std::optional<ListpackEntry> Quicklist::get(std::int64_t index) const {
  const Location at = locate(index);
  if (at.node == nodes_.end()) return std::nullopt;
  return at.node->get(at.node->seek(static_cast<std::int64_t>(at.offset)));
}

bool Quicklist::set(std::int64_t index, std::string_view value) {
  const Location at = locate(index);
  if (at.node == nodes_.end()) return false;
  const auto node = mutable_node(at.node);
  node->replace(node->seek(static_cast<std::int64_t>(at.offset)), value);
  return true;
}

std::size_t Quicklist::erase_range(std::int64_t start, std::int64_t count) {
  if (count <= 0) return 0;
  const Location at = locate(start);
  if (at.node == nodes_.end()) return 0;
  // Elements from `start` to the tail: no more than that can go.
  const std::size_t available = count_ - (start < 0 ? count_ - static_cast<std::size_t>(-start)
                                                    : static_cast<std::size_t>(start));
  const std::size_t removed = std::min(static_cast<std::size_t>(count), available);
  std::size_t remaining = removed;
  std::size_t offset = at.offset;
  for (auto node = mutable_node(at.node); remaining > 0; offset = 0) {
    const std::size_t in_node = node->size();
    const std::size_t here = std::min(in_node - offset, remaining);
    if (here == in_node) {
      node = nodes_.erase(node);  // the whole node goes: no listpack surgery
    } else {
      node->erase_range(static_cast<std::int64_t>(offset), here);
      ++node;
    }
    remaining -= here;
    count_ -= here;
  }
  return removed;
}

// ---- iteration --------------------------------------------------------------

void Quicklist::Iterator::enter_neighbour_node() {
  if (direction_ == ListDirection::kHeadToTail) {
    ++node_;
    pos_ = done() ? Listpack::npos : node_->first();
  } else if (node_ == nodes_->begin()) {
    node_ = nodes_->end();
    pos_ = Listpack::npos;
  } else {
    --node_;
    pos_ = node_->last();
  }
}

void Quicklist::Iterator::advance() {
  pos_ = direction_ == ListDirection::kHeadToTail ? node_->next(pos_) : node_->prev(pos_);
  if (pos_ == Listpack::npos) enter_neighbour_node();
}

Quicklist::Iterator Quicklist::iterate(std::int64_t index, ListDirection direction) const {
  const Location at = locate(index);
  const std::size_t pos = at.node == nodes_.end()
                              ? Listpack::npos
                              : at.node->seek(static_cast<std::int64_t>(at.offset));
  return Iterator(&nodes_, at.node, pos, direction);
}

void Quicklist::replace(const Iterator& at, std::string_view value) {
  mutable_node(at.node_)->replace(at.pos_, value);
}

Quicklist::Iterator Quicklist::erase(const Iterator& at) {
  const auto node = mutable_node(at.node_);
  const bool forward = at.direction_ == ListDirection::kHeadToTail;
  // The previous element sits before the erased one, so its position
  // survives the erase; the following one moves into the erased position.
  const std::size_t before = node->prev(at.pos_);
  const std::size_t after = node->erase(at.pos_);
  --count_;
  if (node->empty()) {
    const auto following = nodes_.erase(node);
    if (forward) {
      return Iterator(&nodes_, following,
                      following == nodes_.end() ? Listpack::npos : following->first(),
                      at.direction_);
    }
    // Stand on the node after the removed one and step back from there.
    Iterator it(&nodes_, following, Listpack::npos, at.direction_);
    it.enter_neighbour_node();
    return it;
  }
  Iterator it(&nodes_, node, forward ? after : before, at.direction_);
  if (it.pos_ == Listpack::npos) it.enter_neighbour_node();
  return it;
}

// ---- insertion in the middle ------------------------------------------------

void Quicklist::insert(const Iterator& at, std::string_view value, InsertWhere where) {
  const auto node = mutable_node(at.node_);
  const bool after = where == InsertWhere::kAfter;
  ++count_;
  if (node_has_room(*node, value.size())) {
    node->insert(at.pos_, value, where);
    return;
  }
  // The node is full. At its edge, use the neighbour on that side or a new
  // node; in its middle, split it (below).
  const bool at_edge = after ? node->next(at.pos_) == Listpack::npos : at.pos_ == node->first();
  if (at_edge) {
    const auto neighbour = after                    ? std::next(node)
                           : node == nodes_.begin() ? nodes_.end()
                                                    : std::prev(node);
    if (neighbour != nodes_.end() && node_has_room(*neighbour, value.size())) {
      after ? neighbour->push_front(value) : neighbour->push_back(value);
    } else {
      nodes_.emplace(after ? std::next(node) : node)->push_back(value);
    }
    return;
  }
  // Split at the insertion point. The new element joins the piece on its
  // side of the cut, and the other piece (the "center", which kept the
  // pivot) is then offered for merging with its neighbours, as Redis does.
  Nodes::iterator center;
  if (after) {
    Listpack rest = node->split_off(node->next(at.pos_));
    rest.push_front(value);
    nodes_.insert(std::next(node), std::move(rest));
    center = node;
  } else {
    Listpack rest = node->split_off(at.pos_);
    node->push_back(value);
    center = nodes_.insert(std::next(node), std::move(rest));
  }
  merge_around(center);
}

Quicklist::Nodes::iterator Quicklist::try_merge(Nodes::iterator front, Nodes::iterator back) {
  const std::size_t estimate = front->bytes_size() + back->bytes_size() - kMergeOverlap;
  if (exceeds_limit(estimate, front->size() + back->size())) return nodes_.end();
  *front = Listpack::merge(std::move(*front), std::move(*back));
  nodes_.erase(back);
  return front;
}

void Quicklist::merge_around(Nodes::iterator center) {
  // Redis's order: the two nodes before the center, the two after it, then
  // the center with its previous node, then the result with its next node.
  if (center != nodes_.begin() && std::prev(center) != nodes_.begin()) {
    try_merge(std::prev(center, 2), std::prev(center));
  }
  if (std::next(center) != nodes_.end() && std::next(center, 2) != nodes_.end()) {
    try_merge(std::next(center), std::next(center, 2));
  }
  Nodes::iterator target = center;
  if (center != nodes_.begin()) {
    const auto merged = try_merge(std::prev(center), center);
    if (merged != nodes_.end()) target = merged;
  }
  if (std::next(target) != nodes_.end()) try_merge(target, std::next(target));
}

}  // namespace mini_redis::types
