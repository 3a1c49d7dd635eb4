// The stream: node index, counters, append, delete, trim and iteration.
// See stream.h for the layout and stream_node.h for the per-node steps.
#include "types/stream.h"

#include <iterator>
#include <utility>

#include "types/stream_group.h"

namespace mini_redis::types {

namespace {
// Redis's STREAM_LISTPACK_MAX_SIZE: a node never grows past 1 GiB, whatever
// stream-node-max-bytes says (0 included).
constexpr std::size_t kListpackMaxSize = std::size_t{1} << 30;
}  // namespace

Stream::Stream() = default;
Stream::Stream(Stream&&) noexcept = default;
Stream& Stream::operator=(Stream&&) noexcept = default;
Stream::~Stream() = default;

Stream Stream::clone() const {
  Stream copy;
  for (const auto& [master, node] : nodes_) copy.nodes_.insert(master, node.clone());
  copy.length_ = length_;
  copy.last_id_ = last_id_;
  copy.first_id_ = first_id_;
  copy.max_deleted_id_ = max_deleted_id_;
  copy.entries_added_ = entries_added_;
  if (groups_) copy.groups_ = groups_->clone();
  return copy;
}

StreamGroups& Stream::ensure_groups() {
  if (!groups_) groups_ = std::make_unique<StreamGroups>();
  return *groups_;
}

// ---- adding ---------------------------------------------------------------

bool Stream::id_for_append(StreamIDKind kind, StreamID given, std::uint64_t now_ms,
                           StreamID& out) const {
  switch (kind) {
    case StreamIDKind::automatic:
      // The clock, unless it is behind the last ID (clock moved back, or an
      // explicit ID from the future was added): then the last ID + 1.
      if (now_ms > last_id_.ms) {
        out = {now_ms, 0};
        return true;
      }
      return last_id_.next(out);
    case StreamIDKind::seq_auto:
      // "5-*": 5-0 in a new millisecond, else the next sequence in it. An
      // older millisecond, or a full one, cannot get an ID.
      if (given.ms > last_id_.ms) {
        out = {given.ms, 0};
        return true;
      }
      if (given.ms < last_id_.ms || last_id_.seq == StreamID::max().seq) return false;
      out = {given.ms, last_id_.seq + 1};
      return true;
    case StreamIDKind::explicit_id: out = given; return given > last_id_;
  }
  return false;
}

void Stream::append(StreamID id, std::span<const std::string_view> fields_and_values,
                    const StreamNodeLimits& limits) {
  // Open a new node when there is none, or when the last one is full:
  // Redis's streamAppendItem checks the bytes first (the node plus the raw
  // size of the new fields and values reaching the limit), then the number
  // of entries, deleted ones included.
  bool new_node = nodes_.empty();
  StreamID master = id;
  Listpack* lp = nullptr;
  if (!new_node) {
    const auto [last_master, last] = *std::prev(nodes_.end());
    master = last_master;
    lp = &last;
    std::size_t max_bytes = limits.max_bytes;
    if (max_bytes == 0 || max_bytes > kListpackMaxSize) max_bytes = kListpackMaxSize;
    std::size_t new_bytes = 0;
    for (const std::string_view part : fields_and_values) new_bytes += part.size();
    if (last.bytes_size() + new_bytes >= max_bytes) {
      new_node = true;
    } else if (limits.max_entries != 0) {
      const std::size_t count_pos = last.first();
      const auto entries =
          static_cast<std::size_t>(stream_node::integer_at(last, count_pos) +
                                   stream_node::integer_at(last, last.next(count_pos)));
      new_node = entries >= limits.max_entries;
    }
  }
  if (new_node) {
    master = id;
    lp = &nodes_.insert(id, Listpack()).first->second;
    stream_node::write_master(*lp, fields_and_values);
  }
  const stream_node::Layout layout = stream_node::read_layout(*lp);
  stream_node::append_entry(*lp, layout, master, id, fields_and_values);

  ++length_;
  ++entries_added_;
  last_id_ = id;
  if (length_ == 1) first_id_ = id;
}

// ---- reading --------------------------------------------------------------

StreamID Stream::first_id_with_tombstones() const {
  if (nodes_.empty()) return StreamID::max();
  const auto& [master, node] = *nodes_.begin();
  const stream_node::Layout layout = stream_node::read_layout(node);
  return stream_node::read_header(node, layout, master, layout.first_entry).id;
}

bool Stream::find(StreamID id, StreamEntry& out) const {
  StreamIterator it(*this, id, id, false);
  return it.next(out);
}

// ---- removing -------------------------------------------------------------

Stream::NodeIndex::iterator Stream::delete_entry(NodeIndex::iterator node, std::size_t flags_pos,
                                                 std::int64_t flags) {
  --length_;
  // The last live entry of a node takes the node with it (Redis frees the
  // listpack rather than keep a node of tombstones).
  if (stream_node::mark_deleted(node->second, flags_pos, flags) == 0) return nodes_.erase(node);
  return node;
}

bool Stream::erase(StreamID id) {
  auto node = nodes_.seek(RadixSeek::le, id);  // the node that would hold `id`
  if (node == nodes_.end()) return false;
  const auto [master, lp] = *node;
  const stream_node::Layout layout = stream_node::read_layout(lp);
  std::size_t pos = layout.first_entry;
  while (pos != Listpack::npos) {
    const stream_node::EntryHeader header = stream_node::read_header(lp, layout, master, pos);
    if (header.id > id) return false;
    if (header.id == id) {
      if ((header.flags & stream_node::kFlagDeleted) != 0) return false;
      delete_entry(node, pos, header.flags);
      // XDEL's bookkeeping (t_stream.c xdelCommand): the greatest deleted
      // ID feeds the consumer-group lag rules; the first ID moves on when
      // the first entry went (0-0 once the stream is empty).
      if (id > max_deleted_id_) max_deleted_id_ = id;
      if (length_ == 0) {
        first_id_ = StreamID::min();
      } else if (id == first_id_) {
        refresh_first_id(StreamID::min());
      }
      return true;
    }
    pos = header.after;
  }
  return false;
}

std::uint64_t Stream::trim(const StreamTrim& trim) {
  // Redis's streamTrim: walk the nodes from the oldest. A node whose entries
  // may all go (MAXLEN: the stream stays at or above maxlen without them;
  // MINID: its last entry is below minid) is dropped whole. The first node
  // that may not be dropped ends the walk: with "~" there and then (so an
  // approximate trim removes whole nodes only), otherwise after marking
  // deleted its entries that must go. LIMIT caps the entries removed, and is
  // checked per node, so it too only ever stops between nodes.
  const bool maxlen = trim.strategy == StreamTrim::Strategy::maxlen;
  std::uint64_t removed = 0;
  auto node = nodes_.begin();
  while (node != nodes_.end()) {
    if (maxlen && length_ <= trim.maxlen) break;
    const auto [master, lp] = *node;
    const stream_node::Layout layout = stream_node::read_layout(lp);
    const auto live = static_cast<std::uint64_t>(stream_node::integer_at(lp, layout.count_pos));
    if (trim.limit != 0 && removed + live > trim.limit) break;

    bool whole_node = false;
    if (maxlen) {
      whole_node = length_ - live >= trim.maxlen;
    } else {
      const std::size_t last = stream_node::last_entry(lp);
      whole_node = stream_node::read_header(lp, layout, master, last).id < trim.minid;
    }
    if (whole_node) {
      length_ -= live;
      removed += live;
      node = nodes_.erase(node);
      continue;
    }
    if (trim.approx) break;

    // Mark entries deleted, oldest first, until the condition holds.
    std::size_t pos = layout.first_entry;
    while (pos != Listpack::npos) {
      const stream_node::EntryHeader header = stream_node::read_header(lp, layout, master, pos);
      if (maxlen ? length_ <= trim.maxlen : !(header.id < trim.minid)) break;
      if ((header.flags & stream_node::kFlagDeleted) == 0) {
        // Not delete_entry(): Redis keeps the node even if this leaves it
        // without live entries (possible with MINID when its last entry was
        // already deleted), and so do we, for the same node counts.
        stream_node::mark_deleted(lp, pos, header.flags);
        --length_;
        ++removed;
      }
      pos = header.after;  // flag changes keep positions: see mark_deleted
    }
    break;
  }
  // Then the first ID is read again; an emptied stream records 0-0 (XINFO
  // STREAM's recorded-first-entry-id on Redis 7.0.15).
  if (removed != 0) refresh_first_id(StreamID::min());
  return removed;
}

void Stream::refresh_first_id(StreamID if_empty) {
  StreamIterator it(*this, StreamID::min(), StreamID::max(), false);
  StreamEntry entry;
  first_id_ = it.next(entry) ? entry.id : if_empty;
}

// ---- memory ---------------------------------------------------------------

std::size_t Stream::memory_bytes() const {
  // The listpacks, plus the index: the tree's node blocks (it counts them
  // as it allocates) and the small holder of each Listpack the tree points
  // at (one pointer, the allocator's smallest size).
  std::size_t bytes = 0;
  for (const auto& [master, node] : nodes_) bytes += node.allocated_bytes();
  bytes += nodes_.tree().memory_bytes() + nodes_.size() * sizeof(Listpack);
  if (groups_) bytes += sizeof(StreamGroups) + groups_->memory_usage();
  return bytes;
}

// ---- StreamIterator -----------------------------------------------------------

StreamIterator::StreamIterator(const Stream& stream, StreamID start, StreamID end, bool reverse)
    : stream_(&stream), start_(start), end_(end), reverse_(reverse) {
  const auto& nodes = stream.nodes_;
  if (start > end || nodes.empty()) {
    done_ = true;
    return;
  }
  // The node that may hold the first ID to read: the last one whose master
  // ID is <= that ID (Redis's raxSeek "<="), or the first node if none is.
  node_ = nodes.seek(RadixSeek::le, reverse ? end : start);
  if (node_ == nodes.end()) {
    if (reverse) {
      done_ = true;  // every node starts after `end`
    } else {
      node_ = nodes.begin();
    }
  }
}

void StreamIterator::enter_node() {
  const auto [master, lp] = *node_;
  master_ = master;
  lp_ = &lp;
  layout_ = stream_node::read_layout(lp);
  pos_ = reverse_ ? stream_node::last_entry(lp) : layout_.first_entry;
  in_node_ = true;
}

bool StreamIterator::next(StreamEntry& out) {
  const auto& nodes = stream_->nodes_;
  while (!done_) {
    if (!in_node_) {
      if (node_ == nodes.end()) break;
      enter_node();
    }
    if (pos_ == Listpack::npos) {  // this node is done: on to the next one
      in_node_ = false;
      // Stepping back from the first node reaches the end (radix_tree.h),
      // which the check above then stops at.
      if (reverse_) {
        --node_;
      } else {
        ++node_;
      }
      continue;
    }
    const Listpack& lp = *lp_;
    const stream_node::EntryHeader header = stream_node::read_header(lp, layout_, master_, pos_);
    const std::size_t here = pos_;
    pos_ = reverse_ ? stream_node::previous_entry(lp, layout_, here) : header.after;
    if ((header.flags & stream_node::kFlagDeleted) != 0) continue;
    if (reverse_) {
      if (header.id > end_) continue;
      if (header.id < start_) break;
    } else {
      if (header.id < start_) continue;
      if (header.id > end_) break;
    }
    out.id = header.id;
    out.fields_and_values.clear();
    stream_node::read_fields(lp, layout_, header, out.fields_and_values);
    return true;
  }
  done_ = true;
  return false;
}

}  // namespace mini_redis::types
