#pragma once
// Python's itertools.groupby.

#include <concepts>
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>

#include "yieldpipe/iter/detail/iterator_facade.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe {

/// The view of `groupby(key)`: consecutive runs of elements with equal keys, as pairs
/// `(key, group)` where `group` is a range over the run. It groups consecutive runs only (not
/// SQL's GROUP BY: `AABA` gives three groups).
///
/// As in Python, every group reads from the one underlying iterator, so a group is only valid
/// until the outer iterator advances: each group is tied to a generation number, and a group
/// from an earlier generation is empty (never undefined behaviour). What a group had left when
/// the outer iterator advanced is skipped and lost; after the outer iterator has reached the end,
/// and after the view is destroyed, every group is empty. Collect a group (`g | to_vector()`)
/// before advancing to keep it.
///
/// Memory O(1): the base iterator (which holds the current element) and two keys, the group's
/// and the current element's; no element is copied. The key function runs once per element. This
/// state is allocated once, with the view, and shared with the groups (as Python's groups keep
/// their groupby alive), so a group may outlive the view: it is then empty. Iterators of a group
/// must not outlive both the view and the group.
template <std::ranges::input_range V, class Key>
  requires std::ranges::view<V> && std::is_object_v<Key> &&
           std::regular_invocable<Key&, std::ranges::range_reference_t<V>>
class groupby_view : public std::ranges::view_interface<groupby_view<V, Key>> {
  using base_iterator = std::ranges::iterator_t<V>;

 public:
  using key_type = std::remove_cvref_t<std::invoke_result_t<Key&, std::ranges::range_reference_t<V>>>;

 private:
  // CPython's groupby object: the source, the element it is on, and the keys.
  struct state {
    state(V b, Key k) : base(std::move(b)), key(std::move(k)) {}

    V base;
    detail::box<Key> key;
    std::optional<base_iterator> current;
    std::optional<key_type> current_key;  // the key of the element `current` is on
    std::optional<key_type> group_key;    // the key of the current group
    std::size_t generation = 0;           // bumped whenever the current group stops being current
    bool started = false;                 // `current` is on an element (begin() of the base pulls the first)
    bool has_value = false;               // that element is read and not yet handed out by a group
    bool exhausted = false;               // the base reached its end
    bool in_group = false;                // the element `current` is on belongs to the current group

    void restart() {
      ++generation;
      current.reset();
      current_key.reset();
      group_key.reset();
      started = has_value = exhausted = in_group = false;
      current.emplace(std::ranges::begin(base));
    }

    // CPython's groupby_step: pulls the next element and computes its key. False at the end.
    bool step() {
      if (exhausted) return false;
      if (started)
        ++*current;
      else
        started = true;
      if (*current == std::ranges::end(base)) {
        exhausted = true;
        has_value = false;
        return false;
      }
      current_key.emplace(std::invoke(*key, **current));
      has_value = true;
      return true;
    }

    // CPython's groupby_next: invalidates the current group, skips what is left of it, and starts
    // the next one. False at the end.
    bool next_group() {
      ++generation;
      in_group = false;
      for (;;) {
        // Stop on an element already read whose key differs from the last group's.
        if (current_key && has_value && (!group_key || !(*group_key == *current_key))) break;
        if (!step()) return false;
      }
      group_key = current_key;
      return true;
    }

    // CPython's _grouper_next: reads the next element if the last one was handed out, and says
    // whether it belongs to the current group.
    void next_in_group() {
      if (!has_value && !step()) {
        in_group = false;
        return;
      }
      in_group = *group_key == *current_key;
    }
  };

 public:
  /// One run of equal keys: an input range that reads the run from the shared base iterator.
  class group : public std::ranges::view_interface<group> {
   public:
    class iterator : public detail::input_iterator_facade<iterator, std::ranges::range_value_t<V>,
                                                          std::ranges::range_difference_t<V>> {
     public:
      iterator() = default;

      decltype(auto) operator*() const { return **state_->current; }
      iterator& operator++() {
        if (!at_end()) {
          state_->has_value = false;  // handed out: CPython's currvalue = NULL
          state_->next_in_group();
        }
        return *this;
      }

      friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.at_end(); }

     private:
      friend class group;
      iterator(state* s, std::size_t generation) : state_(s), generation_(generation) {}
      bool at_end() const noexcept {
        return state_ == nullptr || state_->generation != generation_ || !state_->in_group;
      }

      state* state_ = nullptr;
      std::size_t generation_ = 0;
    };

    group() = default;

    /// Python's first `next(group)`: reads the first remaining element of the run, if the group
    /// is still current.
    iterator begin() const {
      if (state_ != nullptr && state_->generation == generation_) state_->next_in_group();
      return {state_.get(), generation_};
    }
    std::default_sentinel_t end() const noexcept { return {}; }

   private:
    friend class groupby_view;
    group(std::shared_ptr<state> s, std::size_t generation) : state_(std::move(s)), generation_(generation) {}

    std::shared_ptr<state> state_;
    std::size_t generation_ = 0;
  };

  class iterator : public detail::input_iterator_facade<iterator, std::pair<key_type, group>> {
   public:
    iterator() = default;

    /// The group's key (a copy) and the group.
    std::pair<key_type, group> operator*() const { return {*parent_->state_->group_key, parent_->current_group()}; }
    iterator& operator++() {
      done_ = !parent_->state_->next_group();
      return *this;
    }

    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.done_; }

   private:
    friend class groupby_view;
    explicit iterator(groupby_view* parent) : parent_(parent), done_(!parent->state_->next_group()) {}

    groupby_view* parent_ = nullptr;
    bool done_ = true;
  };

  groupby_view()
    requires std::default_initializable<V> && std::default_initializable<Key>
      : state_(std::make_shared<state>(V(), Key())) {}
  groupby_view(V base, Key key) : state_(std::make_shared<state>(std::move(base), std::move(key))) {}
  // A copy gets its own state (the groups of the original are not its groups).
  groupby_view(const groupby_view& other)
    requires std::copy_constructible<V>
      : state_(std::make_shared<state>(other.state_->base, *other.state_->key)) {}
  groupby_view(groupby_view&& other) noexcept = default;
  groupby_view& operator=(const groupby_view& other)
    requires std::copy_constructible<V>
  {
    if (this != &other) *this = groupby_view(other);
    return *this;
  }
  groupby_view& operator=(groupby_view&& other) noexcept {
    if (this != &other) {
      invalidate();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~groupby_view() { invalidate(); }

  /// Starts the iteration: Python's first `next()` on the groupby object.
  iterator begin() {
    state_->restart();
    return iterator(this);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  group current_group() const { return group(state_, state_->generation); }
  // Groups that outlive the view are empty.
  void invalidate() noexcept {
    if (state_) ++state_->generation;
  }

  std::shared_ptr<state> state_;
};

/// Python's `itertools.groupby(iterable, key)` as a stage: `(key, group)` pairs for each run of
/// consecutive elements with equal `key(x)` (equality with `==`). See `groupby_view` for when a
/// group is valid: it is emptied once the outer iterator advances, as in Python.
/// Lazy; memory O(1) (the current element and two keys, in one allocation per view); `key` runs
/// once per element.
template <class Key>
constexpr auto groupby(Key key) {
  return stage{[key = std::move(key)]<std::ranges::viewable_range R>(R&& range) {
    return groupby_view<std::views::all_t<R>, Key>(std::views::all(std::forward<R>(range)), key);
  }};
}

/// `groupby()`: the elements are their own keys (Python's `key=None`).
constexpr auto groupby() { return groupby(std::identity{}); }

}  // namespace yieldpipe
