#pragma once
// Python's itertools.batched (3.12; strict= from 3.13).

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <ranges>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// Options of `batched`: with `strict`, a short last batch is an error (Python 3.13's `strict=True`).
struct batched_options {
  bool strict = false;
};

/// The view of `batched(n)`: the base range in `std::vector`s of `n` elements, the last one shorter
/// if the base does not divide evenly (never empty). It reads one batch at a time: after a batch
/// has been produced, exactly the elements in it (and those before it) have been pulled from the
/// base, and a borrowed generator goes on with the first element of the next batch.
///
/// Memory: one batch, O(n). `*it` is the iterator's own vector, valid until `++it`, which refills
/// it in place (no allocation after the first batch). Move from it (`std::move(*it)`) to keep a
/// batch without a copy: the next batch is then built in a fresh vector.
template <std::ranges::input_range V>
  requires std::ranges::view<V>
class batched_view : public std::ranges::view_interface<batched_view<V>> {
  using base_iterator = std::ranges::iterator_t<V>;
  using base_sentinel = std::ranges::sentinel_t<V>;
  using value = std::ranges::range_value_t<V>;

 public:
  class iterator : public detail::input_iterator_facade<iterator, std::vector<value>> {
   public:
    iterator() = default;
    iterator(base_iterator current, base_sentinel end, std::size_t n, bool strict)
        : current_(std::move(current)), end_(std::move(end)), n_(n), strict_(strict) {
      fill(false);
    }

    std::vector<value>& operator*() const noexcept { return batch_; }
    iterator& operator++() {
      fill(true);
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    // Reads the next batch. The base iterator stays on the last element read (`pending` says it
    // was read), so that no element of the next batch is pulled before it is asked for.
    // Out of line (once per batch, so it costs nothing per element): inlined after a
    // `std::move(*it)`, g++ 12 -O3 reports a false -Waggressive-loop-optimizations in the
    // moved-from vector's reserve.
    [[gnu::noinline]] void fill(bool pending) {
      done_ = false;
      // Less capacity means an empty vector: the first batch, or the consumer moved the last one out.
      if (batch_.capacity() < n_)
        batch_.reserve(n_);
      else
        batch_.clear();
      // The loop works on local copies of the iterators: through the members, g++ must assume each
      // push_back may have changed them and reloads them per element. They go back even if an
      // element throws.
      struct put_back {
        iterator& self;
        base_iterator it;
        ~put_back() { self.current_ = std::move(it); }
      } local{*this, std::move(current_)};
      const base_sentinel end = end_;
      if (pending && local.it != end) ++local.it;
      if constexpr (std::contiguous_iterator<base_iterator> && std::sized_sentinel_for<base_sentinel, base_iterator>) {
        // A contiguous source: the batch is one block copy.
        const auto k = std::min(n_, static_cast<std::size_t>(end - local.it));
        const auto* first = std::to_address(local.it);
        batch_.insert(batch_.end(), first, first + k);
        if (k == n_) {
          local.it += static_cast<std::iter_difference_t<base_iterator>>(k - 1);  // left on the batch's last
          return;
        }
        local.it += static_cast<std::iter_difference_t<base_iterator>>(k);
      }
      while (local.it != end) {
        batch_.push_back(*local.it);
        if (batch_.size() == n_) return;
        ++local.it;
      }
      if (batch_.empty()) {
        done_ = true;
      } else if (strict_) {
        done_ = true;
        throw std::invalid_argument("batched(): incomplete batch");
      }
    }

    base_iterator current_{};
    base_sentinel end_{};
    std::size_t n_ = 1;
    bool strict_ = false;
    bool done_ = true;  // a flag, not batch_.empty(): the consumer may have moved the batch out
    mutable std::vector<value> batch_;
  };

  batched_view()
    requires std::default_initializable<V>
  = default;
  batched_view(V base, std::size_t n, batched_options options) : base_(std::move(base)), n_(n), options_(options) {}

  iterator begin() { return {std::ranges::begin(base_), std::ranges::end(base_), n_, options_.strict}; }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  V base_;
  std::size_t n_ = 1;
  batched_options options_;
};

namespace detail {
struct batched_stage_fn {
  std::size_t size;
  batched_options options;
  template <std::ranges::viewable_range R>
  auto operator()(R&& range) const {
    return batched_view<std::views::all_t<R>>(std::views::all(std::forward<R>(range)), size, options);
  }
};
}  // namespace detail

/// Python's `itertools.batched(iterable, n)` as a stage: `std::vector`s of `n` consecutive
/// elements (Python's tuples), the last one short; no empty batch, so an empty input gives none.
/// Lazy, one batch at a time; memory O(n) (one batch, reused). This is the guide's
/// `process_large_csv` batching: `rows | batched(1000) | for_each(bulk_insert)`.
///
/// With `{.strict = true}`, the full batches come out first, then advancing to a short last batch
/// throws `std::invalid_argument("batched(): incomplete batch")`. Throws
/// `std::invalid_argument("n must be at least one")` here, at construction, if `n < 1`.
inline auto batched(long long n, batched_options options = {}) {
  if (n < 1) throw std::invalid_argument("n must be at least one");
  return stage{detail::batched_stage_fn{static_cast<std::size_t>(n), options}};
}

}  // namespace yieldpipe
