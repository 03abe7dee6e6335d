#include <memory>
#include <string>

#include "yieldpipe/db/database.hpp"
#include "yieldpipe/db/db_error.hpp"
#include "yieldpipe/db/postgres_database.hpp"
#include "yieldpipe/db/sqlite_database.hpp"

namespace yieldpipe::db {

std::unique_ptr<database> open_database(const std::string& target) {
  if (target.starts_with("sqlite:")) {
    const std::string path = target.substr(7);
    if (path.empty()) throw db_error(target, "no file after sqlite: (sqlite:PATH)");
    return std::make_unique<sqlite_database>(path);
  }
  if (target.starts_with("postgresql://") || target.starts_with("postgres://"))
    return std::make_unique<postgres_database>(target);
  throw db_error(masked_target(target),
                 "not a database: expected sqlite:PATH or postgresql://[user[:password]@][host][:port][/dbname]");
}

}  // namespace yieldpipe::db
