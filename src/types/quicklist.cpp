// Quicklist: node limits, splitting, merging and LZF compression of inner
// nodes as Redis 7.0 does them. The structure and the rules are described in
// quicklist.h.
#include "types/quicklist.h"

#include <liblzf/lzf.h>  // Debian's liblzf-dev puts lzf.h under liblzf/
#include <malloc.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <new>
#include <vector>

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
// What a node costs besides its listpack (or LZF) block: std::list's two
// links and the Node (Redis's quicklistNode is 32 bytes, and so is ours).
constexpr std::size_t kNodeOverhead = 2 * sizeof(void*) + sizeof(Quicklist::Node);
// Redis's MIN_COMPRESS_BYTES: smaller listpacks are not worth compressing.
constexpr std::size_t kMinCompressBytes = 48;
// Redis's MIN_COMPRESS_IMPROVE: compression must save more than this many
// bytes, or the node stays plain.
constexpr std::size_t kMinCompressImprove = 8;

}  // namespace

// ---- one node: plain or compressed --------------------------------------------

Listpack Quicklist::Node::decompressed() const {
  std::vector<std::uint8_t> raw(raw_bytes_);
  const unsigned got = lzf_decompress(lzf_.get(), lzf_size_, raw.data(), raw_bytes_);
  std::optional<Listpack> plain = got == raw_bytes_ ? Listpack::from_bytes(raw) : std::nullopt;
  // These are bytes we compressed ourselves: failing here means memory
  // corruption, and going on would spread it.
  if (!plain) std::abort();
  return std::move(*plain);
}

Listpack& Quicklist::Node::write() {
  if (lzf_) {
    if (plain_.empty()) plain_ = decompressed();
    lzf_.reset();
    lzf_size_ = 0;
  }
  return plain_;
}

void Quicklist::Node::compress() {
  if (lzf_) return;
  const std::size_t raw = plain_.bytes_size();
  if (raw < kMinCompressBytes) return;
  // Redis lets LZF write up to the listpack's size and then rejects a result
  // that does not save more than MIN_COMPRESS_IMPROVE bytes. Giving LZF only
  // that much room makes it stop early (returning 0) instead.
  const std::size_t room = raw - kMinCompressImprove - 1;
  auto* out = static_cast<std::uint8_t*>(std::malloc(room));
  if (out == nullptr) throw std::bad_alloc();
  const unsigned size = lzf_compress(plain_.bytes().data(), static_cast<unsigned>(raw), out,
                                     static_cast<unsigned>(room));
  if (size == 0) {
    std::free(out);
    return;
  }
  // Give back the unused tail, as Redis does with zrealloc.
  if (auto* shrunk = static_cast<std::uint8_t*>(std::realloc(out, size))) out = shrunk;
  lzf_.reset(out);
  lzf_size_ = size;
  count_ = static_cast<std::uint32_t>(plain_.size());
  raw_bytes_ = static_cast<std::uint32_t>(raw);
  plain_ = Listpack{};
}

Quicklist::Node Quicklist::Node::clone() const {
  Node copy;
  if (!lzf_) {
    copy.plain_ = plain_.clone();
    return copy;
  }
  auto* bytes = static_cast<std::uint8_t*>(std::malloc(lzf_size_));
  if (bytes == nullptr) throw std::bad_alloc();
  std::memcpy(bytes, lzf_.get(), lzf_size_);
  copy.lzf_.reset(bytes);
  copy.lzf_size_ = lzf_size_;
  copy.count_ = count_;
  copy.raw_bytes_ = raw_bytes_;
  return copy;
}

std::size_t Quicklist::Node::memory_bytes() const {
  return lzf_ ? malloc_usable_size(lzf_.get()) : plain_.allocated_bytes();
}

// ---- the list ---------------------------------------------------------------

Quicklist::Quicklist(int fill, int compress_depth)
    : fill_(std::clamp(fill, kMinFill, kMaxFill)),
      compress_depth_(std::clamp(compress_depth, 0, kMaxCompressDepth)) {}

Quicklist::Quicklist(Quicklist&& other) noexcept
    : nodes_(std::move(other.nodes_)),
      count_(std::exchange(other.count_, 0)),
      fill_(other.fill_),
      compress_depth_(other.compress_depth_),
      reading_(std::exchange(other.reading_, nullptr)) {}

Quicklist& Quicklist::operator=(Quicklist&& other) noexcept {
  if (this == &other) return *this;
  nodes_ = std::move(other.nodes_);
  count_ = std::exchange(other.count_, 0);
  fill_ = other.fill_;
  compress_depth_ = other.compress_depth_;
  reading_ = std::exchange(other.reading_, nullptr);
  return *this;
}

Quicklist Quicklist::clone() const {
  Quicklist copy(fill_, compress_depth_);
  for (const Node& node : nodes_) copy.nodes_.push_back(node.clone());
  copy.count_ = count_;
  return copy;
}

void Quicklist::append_node(Listpack node) {
  if (node.empty()) return;
  begin_change();
  count_ += node.size();
  nodes_.emplace_back(std::move(node));
  end_change();
}

std::size_t Quicklist::memory_bytes() const {
  std::size_t bytes = nodes_.size() * kNodeOverhead;
  for (const Node& node : nodes_) bytes += node.memory_bytes();
  return bytes;
}

// ---- compression layout -----------------------------------------------------

void Quicklist::open_for_reading(const Node& node) const {
  if (reading_ != nullptr && reading_ != &node) reading_->close();
  node.plain_ = node.decompressed();
  reading_ = &node;
}

void Quicklist::end_change(std::initializer_list<Nodes::iterator> touched) {
  if (compress_depth_ == 0) return;
  const auto depth = static_cast<std::size_t>(compress_depth_);
  // Every node is within `depth` of an end: all stay plain. (Redis returns
  // early here, relying on the nodes being plain already; decompressing
  // them is the same thing, spelled out.)
  if (nodes_.size() <= 2 * depth) {
    for (Node& node : nodes_) node.decompress();
    return;
  }
  // Redis's __quicklistCompress: the `depth` nodes at each end become plain,
  // the first node past them on each side is compressed. An operation moves
  // a node across that line by at most one step, so the rest of the inner
  // nodes are already compressed, except those the operation wrote to.
  std::array<bool, 8> touched_is_end{};
  auto forward = nodes_.begin();
  auto reverse = std::prev(nodes_.end());
  for (std::size_t i = 0; i < depth; ++i, ++forward, --reverse) {
    forward->decompress();
    reverse->decompress();
    std::size_t k = 0;
    for (const auto node : touched) {
      if (node == forward || node == reverse) touched_is_end[k] = true;
      ++k;
    }
  }
  forward->compress();
  reverse->compress();
  std::size_t k = 0;
  for (const auto node : touched) {
    if (node != nodes_.end() && !touched_is_end[k]) node->compress();
    ++k;
  }
}

Quicklist::Nodes::iterator Quicklist::step(Nodes::iterator node, int steps) {
  for (; steps > 0 && node != nodes_.end(); --steps) ++node;
  for (; steps < 0 && node != nodes_.end(); ++steps)
    node = node == nodes_.begin() ? nodes_.end() : std::prev(node);
  return node;
}

// ---- limits -----------------------------------------------------------------

bool Quicklist::exceeds_limit(std::size_t bytes, std::size_t count) const {
  if (fill_ < 0) return bytes > kSizeLimits[static_cast<std::size_t>(-fill_ - 1)];
  return bytes > kSafetyLimit || count > static_cast<std::size_t>(fill_);
}

bool Quicklist::node_has_room(const Node& node, std::size_t value_size) const {
  return !exceeds_limit(node.bytes_size() + value_size + kSizeEstimateOverhead, node.size() + 1);
}

// ---- ends -------------------------------------------------------------------

void Quicklist::push_front(std::string_view value) {
  begin_change();
  if (nodes_.empty() || !node_has_room(nodes_.front(), value.size())) nodes_.emplace_front();
  nodes_.front().write().push_front(value);
  ++count_;
  end_change();
}

void Quicklist::push_back(std::string_view value) {
  begin_change();
  if (nodes_.empty() || !node_has_room(nodes_.back(), value.size())) nodes_.emplace_back();
  nodes_.back().write().push_back(value);
  ++count_;
  end_change();
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
  node->write().erase(pos);
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
  const Listpack& node = read(*at.node);
  return node.get(node.seek(static_cast<std::int64_t>(at.offset)));
}

bool Quicklist::set(std::int64_t index, std::string_view value) {
  const Location at = locate(index);
  if (at.node == nodes_.end()) return false;
  begin_change();
  const auto node = mutable_node(at.node);
  Listpack& plain = node->write();
  plain.replace(plain.seek(static_cast<std::int64_t>(at.offset)), value);
  end_change({node});
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
  begin_change();
  // At most two nodes lose only part of their elements: the first and the last.
  std::array<Nodes::iterator, 2> cut = {nodes_.end(), nodes_.end()};
  for (auto node = mutable_node(at.node); remaining > 0; offset = 0) {
    const std::size_t in_node = node->size();
    const std::size_t here = std::min(in_node - offset, remaining);
    if (here == in_node) {
      node = nodes_.erase(node);  // the whole node goes: no listpack surgery
    } else {
      node->write().erase_range(static_cast<std::int64_t>(offset), here);
      (cut[0] == nodes_.end() ? cut[0] : cut[1]) = node;
      ++node;
    }
    remaining -= here;
    count_ -= here;
  }
  end_change({cut[0], cut[1]});
  return removed;
}

// ---- iteration --------------------------------------------------------------

// Positions are byte offsets in a node's plain listpack, which compressing
// and decompressing give back byte for byte: an iterator stays valid when
// its node is compressed again, and reads it through list_->read().

void Quicklist::Iterator::enter_neighbour_node() {
  if (direction_ == ListDirection::kHeadToTail) {
    ++node_;
    pos_ = done() ? Listpack::npos : list_->read(*node_).first();
  } else if (node_ == nodes_->begin()) {
    node_ = nodes_->end();
    pos_ = Listpack::npos;
  } else {
    --node_;
    pos_ = list_->read(*node_).last();
  }
}

void Quicklist::Iterator::advance() {
  const Listpack& node = list_->read(*node_);
  pos_ = direction_ == ListDirection::kHeadToTail ? node.next(pos_) : node.prev(pos_);
  if (pos_ == Listpack::npos) enter_neighbour_node();
}

Quicklist::Iterator Quicklist::iterate(std::int64_t index, ListDirection direction) const {
  const Location at = locate(index);
  const std::size_t pos = at.node == nodes_.end()
                              ? Listpack::npos
                              : read(*at.node).seek(static_cast<std::int64_t>(at.offset));
  return Iterator(this, at.node, pos, direction);
}

void Quicklist::replace(const Iterator& at, std::string_view value) {
  begin_change();
  const auto node = mutable_node(at.node_);
  node->write().replace(at.pos_, value);
  end_change({node});
}

Quicklist::Iterator Quicklist::erase(const Iterator& at) {
  begin_change();
  const auto node = mutable_node(at.node_);
  Listpack& plain = node->write();
  const bool forward = at.direction_ == ListDirection::kHeadToTail;
  // The previous element sits before the erased one, so its position
  // survives the erase; the following one moves into the erased position.
  const std::size_t before = plain.prev(at.pos_);
  const std::size_t after = plain.erase(at.pos_);
  --count_;
  // The returned iterator reads nodes, so it is built once the change is
  // complete (a read during a change could keep a copy of a node that goes).
  if (plain.empty()) {
    const auto following = nodes_.erase(node);
    end_change();
    if (forward) {
      return Iterator(this, following,
                      following == nodes_.end() ? Listpack::npos : read(*following).first(),
                      at.direction_);
    }
    // Stand on the node after the removed one and step back from there.
    Iterator it(this, following, Listpack::npos, at.direction_);
    it.enter_neighbour_node();
    return it;
  }
  end_change({node});
  Iterator it(this, node, forward ? after : before, at.direction_);
  if (it.pos_ == Listpack::npos) it.enter_neighbour_node();
  return it;
}

// ---- insertion in the middle ------------------------------------------------

void Quicklist::insert(const Iterator& at, std::string_view value, InsertWhere where) {
  begin_change();
  const auto node = mutable_node(at.node_);
  // Written, not just read: no read copy may outlive this change (the node
  // could be merged away below). end_change() compresses it again.
  Listpack& plain = node->write();
  const bool after = where == InsertWhere::kAfter;
  ++count_;
  if (node_has_room(*node, value.size())) {
    plain.insert(at.pos_, value, where);
    end_change({node});
    return;
  }
  // The node is full. At its edge, use the neighbour on that side or a new
  // node; in its middle, split it (below).
  const bool at_edge = after ? plain.next(at.pos_) == Listpack::npos : at.pos_ == plain.first();
  if (at_edge) {
    auto target = after ? std::next(node) : node == nodes_.begin() ? nodes_.end() : std::prev(node);
    if (target != nodes_.end() && node_has_room(*target, value.size())) {
      after ? target->write().push_front(value) : target->write().push_back(value);
    } else {
      target = nodes_.emplace(after ? std::next(node) : node);
      target->write().push_back(value);
    }
    end_change({node, target});
    return;
  }
  // Split at the insertion point. The new element joins the piece on its
  // side of the cut, and the other piece (the "center", which kept the
  // pivot) is then offered for merging with its neighbours, as Redis does.
  Nodes::iterator center;
  if (after) {
    Listpack rest = plain.split_off(plain.next(at.pos_));
    rest.push_front(value);
    nodes_.emplace(std::next(node), std::move(rest));
    center = node;
  } else {
    Listpack rest = plain.split_off(at.pos_);
    plain.push_back(value);
    center = nodes_.emplace(std::next(node), std::move(rest));
  }
  // Every node written above or merged below ends up within two steps of
  // the node that holds the center.
  const auto target = merge_around(center);
  end_change({step(target, -2), step(target, -1), target, step(target, 1), step(target, 2)});
}

Quicklist::Nodes::iterator Quicklist::try_merge(Nodes::iterator front, Nodes::iterator back) {
  const std::size_t estimate = front->bytes_size() + back->bytes_size() - kMergeOverlap;
  if (exceeds_limit(estimate, front->size() + back->size())) return nodes_.end();
  Listpack merged = Listpack::merge(std::move(front->write()), std::move(back->write()));
  front->write() = std::move(merged);
  nodes_.erase(back);
  return front;
}

Quicklist::Nodes::iterator Quicklist::merge_around(Nodes::iterator center) {
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
  return target;
}

}  // namespace mini_redis::types
