// Skiplist: the algorithms of Redis's zskiplist on our shared nodes. See
// skiplist.h for the picture, the spans and the block layout.
#include "types/skiplist.h"

#include <cstring>
#include <new>
#include <utility>

namespace mini_redis::types {

namespace {

// The skiplist's order: by score, then by member bytes (memcmp order, which
// is std::string_view's). Two elements never tie: members are unique.
bool sorts_before(const SkiplistNode& node, double score, std::string_view member) {
  return node.score() < score || (node.score() == score && node.member() < member);
}

}  // namespace

// ---- blocks -----------------------------------------------------------------------------

std::size_t Skiplist::block_size(int level_count, std::size_t member_size) {
  return sizeof(Node) + static_cast<std::size_t>(level_count) * sizeof(Node::Level) + member_size;
}

Skiplist::Node* Skiplist::allocate_node(int level_count, std::string_view member, double score) {
  static_assert(sizeof(Node) == 32, "link, score, backward, sizes: 4 words");
  void* block = ::operator new(block_size(level_count, member.size()));
  Node* node = new (block) Node;
  node->score_ = score;
  node->set_sizes(member.size(), static_cast<std::size_t>(level_count));
  for (int i = 0; i < level_count; ++i) node->level(static_cast<std::size_t>(i)) = {nullptr, 0};
  // memcpy wants a real pointer even for 0 bytes; an empty view may hold null.
  if (!member.empty()) {
    std::memcpy(reinterpret_cast<char*>(node->levels() + level_count), member.data(),
                member.size());
  }
  return node;
}

void Skiplist::NodeFree::operator()(Node* node) const {
  // The header is trivially destructible: ending its lifetime is enough.
  node->~Node();
  ::operator delete(static_cast<void*>(node));
}

Skiplist::Skiplist() : head_(allocate_node(kMaxLevel, {}, 0)) {}

Skiplist::~Skiplist() {
  table_.clear();
  if (head_ != nullptr) NodeFree{}(head_);
}

Skiplist::Skiplist(Skiplist&& other) noexcept
    : table_(std::move(other.table_)),
      head_(std::exchange(other.head_, nullptr)),
      tail_(std::exchange(other.tail_, nullptr)),
      level_(std::exchange(other.level_, 1)),
      length_(std::exchange(other.length_, 0)),
      node_bytes_(std::exchange(other.node_bytes_, 0)),
      random_(other.random_) {}

Skiplist& Skiplist::operator=(Skiplist&& other) noexcept {
  if (this != &other) {
    table_ = std::move(other.table_);
    if (head_ != nullptr) NodeFree{}(head_);
    head_ = std::exchange(other.head_, nullptr);
    tail_ = std::exchange(other.tail_, nullptr);
    level_ = std::exchange(other.level_, 1);
    length_ = std::exchange(other.length_, 0);
    node_bytes_ = std::exchange(other.node_bytes_, 0);
    random_ = other.random_;
  }
  return *this;
}

int Skiplist::random_level() {
  // Each extra level with probability 1/4: two random bits both zero. 64
  // bits are exactly enough for the 31 extra levels the cap allows.
  std::uint64_t bits = random_.next();
  int level = 1;
  while ((bits & 3U) == 0 && level < kMaxLevel) {
    ++level;
    bits >>= 2U;
  }
  return level;
}

// ---- linking -----------------------------------------------------------------------------

void Skiplist::find_path(double score, std::string_view member, Path& path) const {
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    const auto li = static_cast<std::size_t>(i);
    path.rank[li] = i == level_ - 1 ? 0 : path.rank[li + 1];
    while (x->level(li).forward != nullptr && sorts_before(*x->level(li).forward, score, member)) {
      path.rank[li] += x->level(li).span;
      x = x->level(li).forward;
    }
    path.update[li] = x;
  }
}

void Skiplist::link(Node* node) {
  Path path;
  find_path(node->score_, node->member(), path);
  const int node_level = static_cast<int>(node->level_count());
  // A node taller than any before it: the head's new levels span the whole
  // list, so that the arithmetic below needs no special case.
  for (int i = level_; i < node_level; ++i) {
    const auto li = static_cast<std::size_t>(i);
    path.rank[li] = 0;
    path.update[li] = head_;
    head_->level(li).span = length_;
  }
  if (node_level > level_) level_ = node_level;

  for (std::size_t i = 0; i < static_cast<std::size_t>(node_level); ++i) {
    Node* before = path.update[i];
    node->level(i).forward = before->level(i).forward;
    before->level(i).forward = node;
    // `before` spanned to its old forward; the node now splits that jump.
    const std::size_t steps_to_node = path.rank[0] - path.rank[i];
    node->level(i).span = before->level(i).span - steps_to_node;
    before->level(i).span = steps_to_node + 1;
  }
  // Higher links jump over one more node now.
  for (int i = node_level; i < level_; ++i)
    ++path.update[i]->level(static_cast<std::size_t>(i)).span;

  node->backward_ = path.update[0] == head_ ? nullptr : path.update[0];
  if (Node* after = node->level(0).forward) {
    after->backward_ = node;
  } else {
    tail_ = node;
  }
  ++length_;
}

void Skiplist::unlink(Node* node, Path& path) {
  for (std::size_t i = 0; i < static_cast<std::size_t>(level_); ++i) {
    Node* before = path.update[i];
    if (before->level(i).forward == node) {
      before->level(i).span += node->level(i).span - 1;
      before->level(i).forward = node->level(i).forward;
    } else {
      --before->level(i).span;  // the link jumps over the node: one step shorter
    }
  }
  if (Node* after = node->level(0).forward) {
    after->backward_ = node->backward_;
  } else {
    tail_ = node->backward_;
  }
  while (level_ > 1 && head_->level(static_cast<std::size_t>(level_ - 1)).forward == nullptr) {
    --level_;
  }
  --length_;
}

// ---- by member ----------------------------------------------------------------------------

const Skiplist::Node* Skiplist::find(std::string_view member) {
  return table_.find(member);
}

std::optional<double> Skiplist::score(std::string_view member) {
  const Node* node = table_.find(member);
  if (node == nullptr) return std::nullopt;
  return node->score();
}

void Skiplist::insert(std::string_view member, double score) {
  const int level = random_level();
  Node* node = allocate_node(level, member, score);
  node_bytes_ += block_size(level, member.size());
  link(node);
  table_.insert(Table::Owned(node));
}

bool Skiplist::update_score(std::string_view member, double score) {
  Node* node = table_.find(member);
  if (node == nullptr) return false;
  const Node* before = node->backward_;
  const Node* after = node->level(0).forward;
  // Still between its neighbours? Then only the number changes, as Redis's
  // zslUpdateScore does: the common ZINCRBY of a small step costs O(1).
  const bool stays = (before == nullptr || sorts_before(*before, score, node->member())) &&
                     (after == nullptr || !sorts_before(*after, score, node->member()));
  if (stays) {
    node->score_ = score;
    return true;
  }
  Path path;
  find_path(node->score_, node->member(), path);
  unlink(node, path);
  node->score_ = score;
  link(node);  // same block, same levels: nothing is allocated
  return true;
}

bool Skiplist::erase(std::string_view member) {
  Node* node = table_.find(member);
  if (node == nullptr) return false;
  Path path;
  find_path(node->score_, node->member(), path);
  unlink(node, path);
  node_bytes_ -= block_size(static_cast<int>(node->level_count()), node->member_size());
  table_.remove(node->member());  // frees the block on the way out
  return true;
}

// ---- by order -----------------------------------------------------------------------------

std::size_t Skiplist::rank(const Node& node) const {
  // Redis's zslGetRank: the spans summed along the search path to the node.
  std::size_t traversed = 0;
  const Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    const auto li = static_cast<std::size_t>(i);
    while (
        x->levels()[li].forward != nullptr &&
        !sorts_before(node, x->levels()[li].forward->score(), x->levels()[li].forward->member())) {
      traversed += x->levels()[li].span;
      x = x->levels()[li].forward;
    }
    if (x == &node) return traversed - 1;
  }
  return traversed - 1;  // unreachable for a node of this skiplist
}

const Skiplist::Node* Skiplist::at_rank(std::size_t rank) const {
  const std::size_t target = rank + 1;  // spans count from 1 (the head is rank 0)
  std::size_t traversed = 0;
  const Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    const auto li = static_cast<std::size_t>(i);
    while (x->levels()[li].forward != nullptr && traversed + x->levels()[li].span <= target) {
      traversed += x->levels()[li].span;
      x = x->levels()[li].forward;
    }
    if (traversed == target) return x;
  }
  return nullptr;
}

// The four range searches share one shape (zslFirstInRange...): a quick
// check that the range overlaps the list at all, then a descent moving right
// while the next node is still before the range (first) or still inside it
// (last), then a check of the node reached.
template <class Range, class Key>
bool Skiplist::overlaps(const Range& range, Key key) const {
  return !range.is_empty() && tail_ != nullptr && range.above_min(key(*tail_)) &&
         range.below_max(key(*first()));
}

template <class MoveOn>
const SkiplistNode* Skiplist::last_where(MoveOn move_on) const {
  const Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    const auto li = static_cast<std::size_t>(i);
    while (x->levels()[li].forward != nullptr && move_on(*x->levels()[li].forward)) {
      x = x->levels()[li].forward;
    }
  }
  return x;  // the head when no node qualifies
}

template <class Range, class Key>
const SkiplistNode* Skiplist::first_matching(const Range& range, Key key) const {
  if (!overlaps(range, key)) return nullptr;
  const Node* before = last_where([&](const Node& n) { return !range.above_min(key(n)); });
  const Node* x = before->levels()[0].forward;  // the first node at or past the minimum
  return x != nullptr && range.below_max(key(*x)) ? x : nullptr;
}

template <class Range, class Key>
const SkiplistNode* Skiplist::last_matching(const Range& range, Key key) const {
  if (!overlaps(range, key)) return nullptr;
  const Node* x = last_where([&](const Node& n) { return range.below_max(key(n)); });
  return x != head_ && range.above_min(key(*x)) ? x : nullptr;
}

const Skiplist::Node* Skiplist::first_in(const ScoreRange& range) const {
  return first_matching(range, [](const Node& n) { return n.score(); });
}
const Skiplist::Node* Skiplist::last_in(const ScoreRange& range) const {
  return last_matching(range, [](const Node& n) { return n.score(); });
}
const Skiplist::Node* Skiplist::first_in(const LexRange& range) const {
  return first_matching(range, [](const Node& n) { return n.member(); });
}
const Skiplist::Node* Skiplist::last_in(const LexRange& range) const {
  return last_matching(range, [](const Node& n) { return n.member(); });
}

std::size_t Skiplist::erase_ranks(std::size_t begin, std::size_t end) {
  if (begin >= end) return 0;
  // The path to the node of rank `begin` stays the path to whatever follows
  // the nodes removed so far (zslDeleteRangeByRank).
  Path path;
  std::size_t traversed = 0;
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    const auto li = static_cast<std::size_t>(i);
    while (x->level(li).forward != nullptr && traversed + x->level(li).span <= begin) {
      traversed += x->level(li).span;
      x = x->level(li).forward;
    }
    path.update[li] = x;
  }
  std::size_t removed = 0;
  x = x->level(0).forward;
  while (x != nullptr && begin + removed < end) {
    Node* following = x->level(0).forward;
    unlink(x, path);
    node_bytes_ -= block_size(static_cast<int>(x->level_count()), x->member_size());
    table_.remove(x->member());
    ++removed;
    x = following;
  }
  return removed;
}

// ---- walks, memory, copies ------------------------------------------------------------------

void Skiplist::for_each(Visit visit) const {
  for (const Node* x = first(); x != nullptr; x = next(*x)) visit(x->member(), x->score());
}

std::uint64_t Skiplist::scan(std::uint64_t cursor, Visit visit) {
  return table_.scan(cursor, [&visit](const Node& node) { visit(node.member(), node.score()); });
}

std::size_t Skiplist::memory_bytes() const {
  return node_bytes_ + block_size(kMaxLevel, 0) + table_.bucket_bytes();
}

Skiplist Skiplist::clone() const {
  Skiplist copy;
  copy.table_.reserve(size());
  for_each([&copy](std::string_view member, double score) { copy.insert(member, score); });
  return copy;
}

}  // namespace mini_redis::types
