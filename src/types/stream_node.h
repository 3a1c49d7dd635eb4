// StreamNode: reading and writing one stream node's listpack, in the layout
// stream.h draws (master entry, then delta-encoded entries with flags).
//
// These are the small steps the stream is built from: write a master entry,
// append an entry, read an entry's header (flags and ID) without touching its
// values, step to the previous entry, flip an entry's DELETED flag. They know
// nothing of the node index or the stream's counters; stream.cpp does.
//
// Positions are listpack byte offsets (listpack.h): valid until the node's
// listpack changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "types/listpack.h"
#include "types/stream_id.h"

namespace mini_redis::types::stream_node {

// The flag bits of an entry (Redis's STREAM_ITEM_FLAG_DELETED / _SAMEFIELDS).
inline constexpr std::int64_t kFlagDeleted = 1;
inline constexpr std::int64_t kFlagSameFields = 2;

// Listpack positions of the master entry's parts.
struct Layout {
  std::size_t count_pos = 0;      // live entries
  std::size_t deleted_pos = 0;    // deleted entries
  std::size_t fields_pos = 0;     // the first master field (after num-fields)
  std::size_t master_fields = 0;  // num-fields of the master entry
  std::size_t first_entry = 0;    // flags of the first entry
};

// What the first elements of one entry say.
struct EntryHeader {
  std::int64_t flags = 0;
  StreamID id;
  std::size_t after = Listpack::npos;  // flags of the next entry, npos at the end
  std::size_t body = Listpack::npos;   // first element after seq-diff
};

// Reads a listpack element that is known to be an integer.
[[nodiscard]] std::int64_t integer_at(const Listpack& node, std::size_t pos);

// Writes a new node's master entry for an entry with these fields: count 0,
// deleted 0, the field names, the terminating 0 (append() counts the entry).
void write_master(Listpack& node, std::span<const std::string_view> fields_and_values);

[[nodiscard]] Layout read_layout(const Listpack& node);

// True if the entry's fields are exactly the master fields, in order.
[[nodiscard]] bool same_fields_as_master(const Listpack& node, const Layout& layout,
                                         std::span<const std::string_view> fields_and_values);

// Appends one entry (flags, deltas, fields/values, lp-count) and adds one to
// the master's live count.
void append_entry(Listpack& node, const Layout& layout, StreamID master, StreamID id,
                  std::span<const std::string_view> fields_and_values);

// Reads flags and ID of the entry at `flags_pos`, and where the next starts.
[[nodiscard]] EntryHeader read_header(const Listpack& node, const Layout& layout, StreamID master,
                                      std::size_t flags_pos);

// The flags of the entry before the one at `flags_pos` (npos if it is the
// first), found through the previous entry's lp-count.
[[nodiscard]] std::size_t previous_entry(const Listpack& node, const Layout& layout,
                                         std::size_t flags_pos);
// The flags of the last entry.
[[nodiscard]] std::size_t last_entry(const Listpack& node);

// Appends the entry's fields and values (starting at header.body) to `out`,
// taking field names from the master entry for a SAMEFIELDS entry.
void read_fields(const Listpack& node, const Layout& layout, const EntryHeader& header,
                 std::vector<ListpackEntry>& out);

// Sets the DELETED flag of a live entry and moves one from the master's live
// count to its deleted count. Returns the live count left.
std::int64_t mark_deleted(Listpack& node, std::size_t flags_pos, std::int64_t flags);

}  // namespace mini_redis::types::stream_node
