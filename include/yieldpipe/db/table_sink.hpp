#pragma once
// Pipe terminals that load a range of C++ rows into a table: `rows | db::into(database, ...)`.

#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "yieldpipe/db/database.hpp"
#include "yieldpipe/db/record_rows.hpp"
#include "yieldpipe/db/row_batch.hpp"
#include "yieldpipe/db/table_loader.hpp"
#include "yieldpipe/iter/pipe.hpp"

namespace yieldpipe::db {

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
concept text_like = std::convertible_to<const T&, std::string_view>;

// The column type of a C++ field type: what the table is created with.
template <class T>
constexpr column_type column_type_of() {
  using U = std::remove_cvref_t<T>;
  if constexpr (is_optional<U>::value)
    return column_type_of<typename U::value_type>();
  else if constexpr (std::integral<U>)
    return column_type::integer;  // bool as 0 or 1
  else if constexpr (std::floating_point<U>)
    return column_type::real;
  else {
    static_assert(text_like<U>,
                  "a row's fields must be integers, floating-point numbers, strings or std::optional of them");
    return column_type::text;
  }
}

// Sets field `column` of the batch's last row from a C++ value.
template <class T>
void set_field(row_batch& batch, std::size_t column, const T& value) {
  using U = std::remove_cvref_t<T>;
  if constexpr (is_optional<U>::value) {
    if (value) set_field(batch, column, *value);
  } else if constexpr (std::same_as<U, bool>) {
    batch.set(column, field_kind::inferred, value ? "1" : "0");
  } else if constexpr (std::integral<U> || std::floating_point<U>) {
    char digits[64];
    const auto end = std::to_chars(digits, digits + sizeof digits - 2, value).ptr;
    std::string_view text(digits, static_cast<std::size_t>(end - digits));
    if constexpr (std::floating_point<U>) {
      if (std::isnan(value)) return;  // NaN is no number a database compares: NULL
      if (std::isfinite(value) && text.find_first_of(".e") == std::string_view::npos) {
        digits[text.size()] = '.';  // 3.0, not the integer 3
        digits[text.size() + 1] = '0';
        text = std::string_view(digits, text.size() + 2);
      }
    }
    batch.set(column, field_kind::inferred, text);
  } else {
    batch.set(column, field_kind::text, std::string_view(value));
  }
}

template <class Row>
using tuple_of = std::remove_cvref_t<Row>;

template <class T>
concept tuple_like = requires { std::tuple_size<std::remove_cvref_t<T>>::value; };

// Whether the elements of R are batches of rows (ranges that are not rows themselves: a std::array
// is a row) rather than rows.
template <class R>
concept range_of_batches =
    std::ranges::input_range<std::ranges::range_reference_t<R>> && !tuple_like<std::ranges::range_reference_t<R>> &&
    !text_like<std::remove_cvref_t<std::ranges::range_reference_t<R>>>;

}  // namespace detail

namespace detail {

// The work of `into`: the range's rows through a table_loader, batch by batch.
template <class R, class Project>
std::uint64_t load_rows(database& target, const load_options& options, std::vector<std::string> names,
                        const Project& project, std::size_t batch_rows, R&& range) {
  std::optional<table_loader> loader;
  row_batch batch(names);
  json_rows json;
  std::uint64_t number = 0;
  const auto add = [&](const auto& element) {
    const auto& row = std::invoke(project, element);
    using row_type = std::remove_cvref_t<decltype(row)>;
    ++number;
    if constexpr (std::same_as<row_type, io::csv_row>) {
      // Records of a file: their columns and types come from the file, as in `yieldpipe load`.
      if (!loader) {
        if (names.empty()) names = row.header()->names();
        batch.reset(names);
        loader.emplace(target, options, source_identity{.path = std::string(row.path())});
      }
      add_row(batch, row);
    } else if constexpr (std::same_as<row_type, io::json_record>) {
      if (!loader) loader.emplace(target, options, source_identity{.path = std::string(row.path())});
      json.add(batch, row);
    } else {
      static_assert(std::tuple_size_v<row_type> > 0,
                    "a row is a tuple-like value (std::tuple, std::pair, std::array), a CSV row or a JSON record");
      if (!loader) {
        // The columns' types come from the row type: declared, so that nothing is inferred.
        load_options typed = options;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
          ((I < names.size() ? typed.declared.push_back({names[I], column_type_of<std::tuple_element_t<I, row_type>>()})
                             : void()),
           ...);
        }(std::make_index_sequence<std::tuple_size_v<row_type>>());
        loader.emplace(target, std::move(typed), source_identity{.path = "<rows>"});
      }
      batch.add_row({number, 0, {}});
      std::apply(
          [&](const auto&... fields) {
            std::size_t column = 0;
            ((column < names.size() ? set_field(batch, column++, fields) : void()), ...);
          },
          row);
    }
    batch.set_end(0, number + 1);  // a range is not a file: a load from it cannot be resumed
  };
  const auto flush = [&] {
    if (loader) loader->load(batch);
    batch.clear();
  };
  if constexpr (range_of_batches<R>) {
    for (auto&& group : range) {
      for (const auto& element : group) add(element);
      flush();
    }
  } else {
    for (const auto& element : range) {
      add(element);
      if (batch.size() >= batch_rows) flush();
    }
    flush();
  }
  if (!loader) loader.emplace(target, options, source_identity{.path = "<rows>"});
  loader->finish(json.names().empty() ? names : json.names());
  return loader->rows_loaded();
}

}  // namespace detail

/// A pipe terminal that loads its range into `options.table` of `target` through a table_loader
/// (see table_loader.hpp: one transaction per batch with its state row; refused rows to
/// `options.on_reject`) and returns the number of rows loaded.
///
///   db::sqlite_database shop("shop.db");
///   std::uint64_t n = orders() | db::into(shop, {.table = "orders"}, {"id", "customer", "amount"},
///                                         [](const order& o) { return std::tuple(o.id, o.customer, o.amount); });
///
/// Rows are tuple-like (`std::tuple`, `std::pair`, `std::array`) of integers (bool as 0 or 1),
/// floating-point numbers (NaN loads as NULL), strings and `std::optional`s of them (empty: NULL);
/// `project` turns any other element into one. `names` name the fields in order; the columns are
/// declared with the fields' C++ types (integer, real, text), not inferred. Rows may also be the
/// records of a file, `io::csv_row` (`names` empty: the header's) or `io::json_record` (a column
/// per key): their types are inferred and widened as `yieldpipe load` does, and a refused row is
/// named by its file and line. A range of rows loads in
/// batches of `batch_rows`; a range of batches (`rows | batched(1000)`, the guide's
/// `batch_generator`) loads each batch as one transaction, whatever its size. `options.mode` says
/// what happens to an existing table. The range is read once; memory is one batch. `target` must
/// outlive the terminal.
///
/// Errors: the database's (`db_error`), and a refused row without an `on_reject` that takes it
/// (`io_error` naming "<rows>" and the row's number, from 1).
template <class Project = std::identity>
auto into(database& target, load_options options, std::vector<std::string> names, Project project = {},
          std::size_t batch_rows = 1000) {
  return terminal{[&target, options = std::move(options), names = std::move(names), project = std::move(project),
                   batch_rows]<class R>(R&& range) -> std::uint64_t {
    return detail::load_rows(target, options, names, project, batch_rows, std::forward<R>(range));
  }};
}

/// `into` a database that the terminal opens when it runs (`open_database(target)`: `sqlite:PATH`,
/// `postgresql://...`) and closes after.
template <class Project = std::identity>
auto into(std::string target, load_options options, std::vector<std::string> names, Project project = {},
          std::size_t batch_rows = 1000) {
  return terminal{[target = std::move(target), options = std::move(options), names = std::move(names),
                   project = std::move(project), batch_rows]<class R>(R&& range) -> std::uint64_t {
    const std::unique_ptr<database> opened = open_database(target);
    return detail::load_rows(*opened, options, names, project, batch_rows, std::forward<R>(range));
  }};
}

/// `into` the SQLite database file at `path` (created if missing).
template <class Project = std::identity>
auto sqlite_sink(const std::string& path, load_options options, std::vector<std::string> names, Project project = {},
                 std::size_t batch_rows = 1000) {
  return into("sqlite:" + path, std::move(options), std::move(names), std::move(project), batch_rows);
}

/// `into` the PostgreSQL database of the libpq URI `uri` (`postgresql://user@host/dbname`).
template <class Project = std::identity>
auto postgres_sink(std::string uri, load_options options, std::vector<std::string> names, Project project = {},
                   std::size_t batch_rows = 1000) {
  return into(std::move(uri), std::move(options), std::move(names), std::move(project), batch_rows);
}

}  // namespace yieldpipe::db
