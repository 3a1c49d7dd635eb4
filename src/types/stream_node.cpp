// One stream node's listpack, step by step. See stream_node.h and, for the
// layout, stream.h.
#include "types/stream_node.h"

#include <charconv>

namespace mini_redis::types::stream_node {

namespace {

// Numbers go into the listpack as their decimal text: listpack stores a
// canonical integer string as an integer in the smallest encoding, which is
// what Redis's lpAppendInteger produces.
void push_integer(Listpack& node, std::int64_t value) {
  IntText text{};
  const auto [end, ec] = std::to_chars(text.data(), text.data() + text.size(), value);
  node.push_back(std::string_view(text.data(), static_cast<std::size_t>(end - text.data())));
}

void replace_integer(Listpack& node, std::size_t pos, std::int64_t value) {
  IntText text{};
  const auto [end, ec] = std::to_chars(text.data(), text.data() + text.size(), value);
  node.replace(pos, std::string_view(text.data(), static_cast<std::size_t>(end - text.data())));
}

}  // namespace

std::int64_t integer_at(const Listpack& node, std::size_t pos) {
  const ListpackEntry element = node.get(pos);
  if (element.is_int()) return element.as_int();
  // Our own writes always store integers; a string here would mean a
  // corrupt node. Read it as a number anyway rather than crash.
  std::int64_t value = 0;
  const std::string_view text = element.as_string();
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void write_master(Listpack& node, std::span<const std::string_view> fields_and_values) {
  const std::size_t fields = fields_and_values.size() / 2;
  push_integer(node, 0);  // count: append_entry() adds the first entry
  push_integer(node, 0);  // deleted
  push_integer(node, static_cast<std::int64_t>(fields));
  for (std::size_t i = 0; i < fields; ++i) node.push_back(fields_and_values[2 * i]);
  push_integer(node, 0);  // the master entry's terminator
}

Layout read_layout(const Listpack& node) {
  Layout layout;
  layout.count_pos = node.first();
  layout.deleted_pos = node.next(layout.count_pos);
  const std::size_t num_fields_pos = node.next(layout.deleted_pos);
  layout.master_fields = static_cast<std::size_t>(integer_at(node, num_fields_pos));
  std::size_t pos = node.next(num_fields_pos);
  layout.fields_pos = pos;
  for (std::size_t i = 0; i < layout.master_fields; ++i) pos = node.next(pos);
  // `pos` is the master terminator; the first entry follows (npos while
  // the node is being built).
  layout.first_entry = node.next(pos);
  return layout;
}

bool same_fields_as_master(const Listpack& node, const Layout& layout,
                           std::span<const std::string_view> fields_and_values) {
  if (fields_and_values.size() / 2 != layout.master_fields) return false;
  std::size_t pos = layout.fields_pos;
  for (std::size_t i = 0; i < layout.master_fields; ++i) {
    if (!node.get(pos).equals(fields_and_values[2 * i])) return false;
    pos = node.next(pos);
  }
  return true;
}

void append_entry(Listpack& node, const Layout& layout, StreamID master, StreamID id,
                  std::span<const std::string_view> fields_and_values) {
  const bool same = same_fields_as_master(node, layout, fields_and_values);
  const std::size_t fields = fields_and_values.size() / 2;
  push_integer(node, same ? kFlagSameFields : 0);
  // Deltas from the master ID. IDs only grow, so the ms delta is >= 0; the
  // seq delta is negative when the ms moved on (master 5-10, entry 6-0: -10).
  // Both are stored as the two's-complement int64 of the unsigned difference
  // and read back with the same wrap-around (Redis does the same).
  push_integer(node, static_cast<std::int64_t>(id.ms - master.ms));
  push_integer(node, static_cast<std::int64_t>(id.seq - master.seq));
  if (same) {
    for (std::size_t i = 0; i < fields; ++i) node.push_back(fields_and_values[2 * i + 1]);
  } else {
    push_integer(node, static_cast<std::int64_t>(fields));
    for (const std::string_view part : fields_and_values) node.push_back(part);
  }
  // lp-count: the elements of this entry before it, so a backward walk can
  // jump from here to the flags.
  push_integer(node, static_cast<std::int64_t>(same ? fields + 3 : 2 * fields + 4));
  replace_integer(node, layout.count_pos, integer_at(node, layout.count_pos) + 1);
}

EntryHeader read_header(const Listpack& node, const Layout& layout, StreamID master,
                        std::size_t flags_pos) {
  EntryHeader header;
  header.flags = integer_at(node, flags_pos);
  std::size_t pos = node.next(flags_pos);
  header.id.ms = master.ms + static_cast<std::uint64_t>(integer_at(node, pos));
  pos = node.next(pos);
  header.id.seq = master.seq + static_cast<std::uint64_t>(integer_at(node, pos));
  pos = node.next(pos);
  header.body = pos;
  std::size_t elements = 0;
  if ((header.flags & kFlagSameFields) != 0) {
    elements = layout.master_fields;
  } else {
    elements = 2 * static_cast<std::size_t>(integer_at(node, pos)) + 1;  // + num-fields
  }
  for (std::size_t i = 0; i < elements; ++i) pos = node.next(pos);
  header.after = node.next(pos);  // skip lp-count
  return header;
}

namespace {
// From an entry's lp-count element back to its flags.
std::size_t flags_from_lp_count(const Listpack& node, std::size_t lp_count_pos) {
  const auto elements = static_cast<std::size_t>(integer_at(node, lp_count_pos));
  std::size_t pos = lp_count_pos;
  for (std::size_t i = 0; i < elements; ++i) pos = node.prev(pos);
  return pos;
}
}  // namespace

std::size_t previous_entry(const Listpack& node, const Layout& layout, std::size_t flags_pos) {
  if (flags_pos == layout.first_entry) return Listpack::npos;
  return flags_from_lp_count(node, node.prev(flags_pos));
}

std::size_t last_entry(const Listpack& node) {
  return flags_from_lp_count(node, node.last());
}

void read_fields(const Listpack& node, const Layout& layout, const EntryHeader& header,
                 std::vector<ListpackEntry>& out) {
  std::size_t pos = header.body;
  if ((header.flags & kFlagSameFields) != 0) {
    std::size_t field = layout.fields_pos;
    for (std::size_t i = 0; i < layout.master_fields; ++i) {
      out.push_back(node.get(field));
      out.push_back(node.get(pos));
      field = node.next(field);
      pos = node.next(pos);
    }
    return;
  }
  const auto fields = static_cast<std::size_t>(integer_at(node, pos));
  pos = node.next(pos);
  for (std::size_t i = 0; i < 2 * fields; ++i) {
    out.push_back(node.get(pos));
    pos = node.next(pos);
  }
}

std::int64_t mark_deleted(Listpack& node, std::size_t flags_pos, std::int64_t flags) {
  // 0 -> 1 and 2 -> 3 are all one-byte integers: nothing after moves.
  replace_integer(node, flags_pos, flags | kFlagDeleted);
  const std::size_t count_pos = node.first();
  const std::int64_t live = integer_at(node, count_pos) - 1;
  replace_integer(node, count_pos, live);
  // The count may have shrunk by a byte (128 -> 127): find deleted again.
  const std::size_t deleted_pos = node.next(count_pos);
  replace_integer(node, deleted_pos, integer_at(node, deleted_pos) + 1);
  return live;
}

}  // namespace mini_redis::types::stream_node
