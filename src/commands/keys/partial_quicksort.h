// partial_quicksort: sorts only the positions a reply will show, the way
// Redis's pqsort does, so that equal elements come out in Redis's order.
//
// Why not std::partial_sort? When SORT ... BY ... LIMIT or GEOSEARCH ...
// COUNT asks for a slice of the sorted result, Redis does not sort the whole
// array: it runs pqsort, a quicksort (Bentley and McIlroy's "Engineering a
// Sort Function", 1993, the BSD libc qsort) that skips every partition
// lying wholly outside the wanted slice. Elements that compare equal (two
// members at the same distance, ALPHA BY values that tie) end up wherever
// that algorithm's swaps leave them, and a client sees it. To answer the
// same bytes we run the same algorithm, step for step:
//
//   1. fewer than 7 elements: insertion sort;
//   2. pick a pivot: the middle element, or the median of the first, middle
//      and last (a median of three such medians above 40 elements), and
//      move it to the front;
//   3. partition in one pass from both ends, parking elements equal to the
//      pivot at the two ends (a "fat" partition), then swap those back into
//      the middle; if nothing had to move, finish with insertion sort;
//   4. recurse into the smaller-than part, loop on the greater-than part,
//      each only if it overlaps [first, last].
//
// A full sort is not done with this: Redis calls the C library's qsort
// then, which in glibc is a stable merge sort (std::stable_sort here).
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>

namespace mini_redis::commands {

namespace partial_quicksort_detail {

// `compare(a, b)` returns <0, 0 or >0, like a qsort comparator.
template <typename T, typename Compare>
class Sorter {
 public:
  Sorter(std::span<T> items, std::size_t first, std::size_t last, Compare& compare)
      : v_(items), first_(first), last_(last), compare_(compare) {}

  // Sorts the n elements from index a, as far as [first, last] needs.
  void sort(std::size_t a, std::size_t n) {
    for (;;) {
      if (n < 7) {
        insertion_sort(a, n);
        return;
      }
      std::swap(v_[a], v_[pivot(a, n)]);
      const auto [pa, pb, pc, pd, moved] = partition(a, n);
      if (!moved) {  // already in order around the pivot
        insertion_sort(a, n);
        return;
      }
      // Bring the runs equal to the pivot from both ends into the middle.
      const std::size_t end = a + n;
      std::size_t r = std::min(pa - a, pb - pa);
      swap_runs(a, pb - r, r);
      r = std::min(pd - pc, end - pd - 1);
      swap_runs(pb, end - r, r);
      if (pb - pa > 1 && overlaps(a, a + (pb - pa) - 1)) sort(a, pb - pa);
      if (pd - pc <= 1) return;
      n = pd - pc;
      a = end - n;
      if (!overlaps(a, a + n - 1)) return;
    }
  }

 private:
  struct Partition {
    std::size_t pa, pb, pc, pd;
    bool moved;
  };

  int compare(std::size_t i, std::size_t j) { return compare_(v_[i], v_[j]); }

  std::size_t median_of_three(std::size_t x, std::size_t y, std::size_t z) {
    if (compare(x, y) < 0) {
      if (compare(y, z) < 0) return y;
      return compare(x, z) < 0 ? z : x;
    }
    if (compare(y, z) > 0) return y;
    return compare(x, z) < 0 ? x : z;
  }

  std::size_t pivot(std::size_t a, std::size_t n) {
    std::size_t middle = a + n / 2;
    if (n > 7) {
      std::size_t low = a;
      std::size_t high = a + n - 1;
      if (n > 40) {
        const std::size_t d = n / 8;
        low = median_of_three(low, low + d, low + 2 * d);
        middle = median_of_three(middle - d, middle, middle + d);
        high = median_of_three(high - 2 * d, high - d, high);
      }
      middle = median_of_three(low, middle, high);
    }
    return middle;
  }

  // The pivot is at a. Afterwards: [a+1, pa) and (pd, end) equal the pivot,
  // [pa, pb) are smaller, (pc, pd] greater.
  Partition partition(std::size_t a, std::size_t n) {
    std::size_t pa = a + 1;
    std::size_t pb = a + 1;
    std::size_t pc = a + n - 1;
    std::size_t pd = a + n - 1;
    bool moved = false;
    for (;;) {
      int r = 0;
      while (pb <= pc && (r = compare(pb, a)) <= 0) {
        if (r == 0) {
          moved = true;
          std::swap(v_[pa++], v_[pb]);
        }
        ++pb;
      }
      while (pb <= pc && (r = compare(pc, a)) >= 0) {
        if (r == 0) {
          moved = true;
          std::swap(v_[pc], v_[pd--]);
        }
        --pc;
      }
      if (pb > pc) break;
      std::swap(v_[pb++], v_[pc--]);
      moved = true;
    }
    return {pa, pb, pc, pd, moved};
  }

  void insertion_sort(std::size_t a, std::size_t n) {
    for (std::size_t m = a + 1; m < a + n; ++m) {
      for (std::size_t l = m; l > a && compare(l - 1, l) > 0; --l) std::swap(v_[l], v_[l - 1]);
    }
  }

  void swap_runs(std::size_t x, std::size_t y, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) std::swap(v_[x + i], v_[y + i]);
  }

  // Does [from, to] share a position with [first, last]?
  [[nodiscard]] bool overlaps(std::size_t from, std::size_t to) const {
    return !((first_ < from && last_ < from) || (first_ > to && last_ > to));
  }

  std::span<T> v_;
  std::size_t first_;
  std::size_t last_;
  Compare& compare_;
};

}  // namespace partial_quicksort_detail

// Orders `items` so that positions [first, last] (last < items.size())
// hold what a full sort would put there, as Redis's pqsort leaves them.
template <typename T, typename Compare>
void partial_quicksort(std::span<T> items, std::size_t first, std::size_t last, Compare compare) {
  partial_quicksort_detail::Sorter<T, Compare> sorter(items, first, last, compare);
  sorter.sort(0, items.size());
}

}  // namespace mini_redis::commands
