#pragma once
// The PostgreSQL cluster of the tests, a database of its own for each test, and a plain libpq
// session to check what the code under test did.
//
// Under ctest, the `postgres` fixture (tests/CMakeLists.txt) starts the cluster and sets
// YIELDPIPE_TEST_POSTGRES to the file holding its URI. A test program run alone starts a cluster of
// its own with scripts/postgres_cluster.sh (YIELDPIPE_POSTGRES_CLUSTER) and stops it at exit.
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace yieldpipe::test {

namespace detail {

struct own_postgres_cluster {
  std::filesystem::path dir;
  ~own_postgres_cluster() {
    const std::string stop = "bash '" YIELDPIPE_POSTGRES_CLUSTER "' stop '" + dir.string() + "'";
    if (std::system(stop.c_str()) != 0) std::fprintf(stderr, "could not stop the cluster in %s\n", dir.c_str());
  }
};

inline std::string read_uri(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string uri;
  if (!std::getline(in, uri) || uri.empty()) throw std::runtime_error("no PostgreSQL URI in " + file.string());
  return uri;
}

}  // namespace detail

/// The URI of the test cluster's `postgres` database, as its superuser.
inline const std::string& postgres_uri() {
  static const std::string uri = [] {
    if (const char* file = std::getenv("YIELDPIPE_TEST_POSTGRES")) return detail::read_uri(file);
    static detail::own_postgres_cluster own{std::filesystem::temp_directory_path() /
                                            ("yieldpipe_pg_" + std::to_string(::getpid()))};
    const std::string start = "bash '" YIELDPIPE_POSTGRES_CLUSTER "' start '" + own.dir.string() + "' >/dev/null";
    if (std::system(start.c_str()) != 0) throw std::runtime_error("could not start a PostgreSQL cluster");
    return detail::read_uri(own.dir / "uri");
  }();
  return uri;
}

/// The directory of the cluster's socket (the URI's `host`).
inline std::string postgres_socket_dir() {
  const std::string& uri = postgres_uri();
  const std::size_t begin = uri.find("host=") + 5;
  return uri.substr(begin, uri.find('&', begin) - begin);
}

/// `uri` (of the form postgresql:///DB?...) with another database.
inline std::string with_database(const std::string& uri, const std::string& database) {
  const std::size_t begin = uri.find(":///") + 4;
  return uri.substr(0, begin) + database + uri.substr(uri.find('?', begin));
}

/// A libpq connection of its own: the oracle the tests check the database code against.
class pg_session {
 public:
  using rows = std::vector<std::vector<std::optional<std::string>>>;

  explicit pg_session(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw std::runtime_error("test session: " + message);
    }
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~pg_session() { PQfinish(conn_); }
  pg_session(const pg_session&) = delete;
  pg_session& operator=(const pg_session&) = delete;

  /// The rows `sql` returns (null: nullopt); throws std::runtime_error when it fails.
  rows query(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      const std::string message = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error("test query " + sql + ": " + message);
    }
    rows out(static_cast<std::size_t>(PQntuples(r)));
    for (int i = 0; i < PQntuples(r); ++i)
      for (int j = 0; j < PQnfields(r); ++j)
        out[static_cast<std::size_t>(i)].push_back(
            PQgetisnull(r, i, j) ? std::nullopt : std::optional<std::string>(PQgetvalue(r, i, j)));
    PQclear(r);
    return out;
  }
  /// The one value `sql` returns.
  std::optional<std::string> value(const std::string& sql) {
    const rows r = query(sql);
    if (r.size() != 1 || r[0].size() != 1) throw std::runtime_error("test query " + sql + ": not one value");
    return r[0][0];
  }

 private:
  PGconn* conn_;
};

/// A database of the test cluster for one test alone (tests of one program run in parallel under
/// ctest -j): created empty, dropped afterwards with its connections.
class scratch_database {
 public:
  scratch_database() : name_("yieldpipe_" + std::to_string(::getpid()) + "_" + std::to_string(next()++)) {
    admin().query("CREATE DATABASE " + name_);
  }
  ~scratch_database() {
    try {
      admin().query("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
    }
  }
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& name() const noexcept { return name_; }
  std::string uri() const { return with_database(postgres_uri(), name_); }
  /// A session of the cluster's superuser on the `postgres` database.
  static pg_session& admin() {
    static pg_session session(postgres_uri());
    return session;
  }

 private:
  static int& next() {
    static int n = 0;
    return n;
  }
  std::string name_;
};

}  // namespace yieldpipe::test
