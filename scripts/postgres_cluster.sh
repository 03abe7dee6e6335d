#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, benchmarks and the demo.
#
#   scripts/postgres_cluster.sh start DIR   initdb in DIR/data (unless there), start the server if it is
#                                           not running, print its URI and write it to DIR/uri
#   scripts/postgres_cluster.sh stop DIR    stop the server (fast) and remove DIR
#
# The server listens on a Unix socket in DIR only (no TCP), with fsync off: fast, and never to keep
# data. Its superuser is `postgres`, trusted on the socket; every other role logs in with a password
# (scram-sha-256), so a test can check a wrong password. As root (this machine, CI), DIR belongs to
# the `postgres` user and the server runs as it (runuser): PostgreSQL refuses to run as root.
# PORT (default 5432) only names the socket file, DIR/.s.PGSQL.PORT: clusters in different
# directories never collide. Both commands are idempotent.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
command=$1
dir=$2
port=${PORT:-5432}

bindir=${PG_BINDIR:-}
if [[ -z $bindir ]]; then
  if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/initdb ]]; then
    bindir=$(pg_config --bindir)
  else
    bindir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  fi
fi
[[ -x $bindir/initdb && -x $bindir/pg_ctl ]] || {
  echo "$0: no PostgreSQL server binaries (Debian: apt-get install postgresql)" >&2
  exit 1
}

as_server=()
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || {
    echo "$0: running as root needs a 'postgres' user to run the server as" >&2
    exit 1
  }
  as_server=(runuser -u postgres --)
fi

case $command in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    socket=$dir/.s.PGSQL.$port
    # sun_path holds 107 bytes and a terminating NUL.
    if ((${#socket} > 107)); then
      echo "$0: the socket path $socket is longer than 107 bytes: choose a shorter DIR" >&2
      exit 1
    fi
    if ((${#as_server[@]})); then
      chown postgres: "$dir"
      # The server must reach DIR through its parents.
      runuser -u postgres -- test -x "$dir" || {
        echo "$0: the postgres user cannot enter $dir (a parent directory is private)" >&2
        exit 1
      }
    fi
    cd "$dir"
    if [[ ! -f $dir/data/PG_VERSION ]]; then
      rm -rf "$dir/data"
      "${as_server[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C --no-sync \
        --auth-local=trust >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
      }
      printf '%s\n' "local all postgres trust" "local all all scram-sha-256" >"$dir/data/pg_hba.conf"
      ((${#as_server[@]})) && chown postgres: "$dir/data/pg_hba.conf"
    fi
    if ! "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=50 -c shared_buffers=32MB" >/dev/null || {
        tail -n 20 "$dir/server.log" >&2
        exit 1
      }
    fi
    uri="postgresql:///postgres?host=$dir&port=$port&user=postgres"
    printf '%s\n' "$uri" >"$dir/uri"
    printf '%s\n' "$uri"
    ;;
  stop)
    [[ -d $dir ]] || exit 0
    dir=$(cd "$dir" && pwd)
    if [[ -f $dir/data/PG_VERSION ]]; then
      (cd "$dir" && "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1) || true
    fi
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
