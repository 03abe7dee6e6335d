#pragma once
// The database that the examples writing a table (batching_generator, process_large_csv) load into,
// and a query to read it back (the db layer loads; it has no query API): SQLite's and libpq's own.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace yieldpipe::examples {

/// The environment variable that points the examples at another database: `sqlite:PATH` or a
/// `postgresql://` URI (the examples' PostgreSQL tests set it).
inline constexpr const char* database_variable = "YIELDPIPE_EXAMPLE_DB";

/// The database an example loads into: YIELDPIPE_EXAMPLE_DB when set, else `sqlite:` a file in a
/// fresh temporary folder, which is removed with this object.
class example_database {
 public:
  explicit example_database(const std::string& file_name) {
    if (const char* target = std::getenv(database_variable); target != nullptr && *target != '\0') {
      target_ = target;
      return;
    }
    std::string folder = (std::filesystem::temp_directory_path() / "yieldpipe-example-XXXXXX").string();
    if (::mkdtemp(folder.data()) == nullptr) throw std::runtime_error("cannot create a folder for " + file_name);
    folder_ = folder;
    target_ = "sqlite:" + (folder_ / file_name).string();
  }
  example_database(const example_database&) = delete;
  example_database& operator=(const example_database&) = delete;
  ~example_database() {
    std::error_code ignored;
    if (!folder_.empty()) std::filesystem::remove_all(folder_, ignored);
  }

  /// What `db::into` and `db::open_database` take: `sqlite:PATH` or `postgresql://...`.
  const std::string& target() const noexcept { return target_; }

  /// The one row that `sql` returns, each value as text (NULL as "").
  std::vector<std::string> row(const std::string& sql) const {
    return target_.starts_with("sqlite:") ? sqlite_row(target_.substr(7), sql) : postgres_row(target_, sql);
  }

 private:
  static std::vector<std::string> sqlite_row(const std::string& path, const std::string& sql) {
    sqlite3* handle = nullptr;
    const int opened = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
    const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(handle, &sqlite3_close);
    if (opened != SQLITE_OK) throw std::runtime_error(path + ": " + sqlite3_errmsg(handle));
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
      throw std::runtime_error(path + ": " + sql + ": " + sqlite3_errmsg(handle));
    const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> query(statement, &sqlite3_finalize);
    if (sqlite3_step(statement) != SQLITE_ROW) throw std::runtime_error(path + ": " + sql + ": no row");
    std::vector<std::string> values;
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
      values.emplace_back(text != nullptr ? text : "");
    }
    return values;
  }

  static std::vector<std::string> postgres_row(const std::string& uri, const std::string& sql) {
    const std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(uri.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn.get()));
    const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) < 1)
      throw std::runtime_error(sql + ": " + PQresultErrorMessage(result.get()));
    std::vector<std::string> values;
    for (int i = 0; i < PQnfields(result.get()); ++i) values.emplace_back(PQgetvalue(result.get(), 0, i));
    return values;
  }

  std::filesystem::path folder_;
  std::string target_;
};

}  // namespace yieldpipe::examples
