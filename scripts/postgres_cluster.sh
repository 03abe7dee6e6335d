#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, benchmarks and the demo.
#
#   scripts/postgres_cluster.sh start DIR   initdb in DIR/data (unless there), start the server if it is
#                                           not running, print its URI and write it to DIR/uri
#   scripts/postgres_cluster.sh restart DIR restart the server (fast: every connection is cut), for
#                                           tests and benchmarks of a server that goes away mid-load
#   scripts/postgres_cluster.sh stop DIR    stop the server (fast) and remove DIR
#
# The server listens on a Unix socket in DIR only (no TCP), with fsync off: fast, and never to keep
# data. Its superuser is `postgres`, trusted on the socket; every other role logs in with a password
# (scram-sha-256), so a test can check a wrong password. As root (this machine, CI), DIR belongs to
# the `postgres` user and the server runs as it (runuser): PostgreSQL refuses to run as root.
# POSTGRES_CLUSTER_PORT (default 5432) only names the socket file, .s.PGSQL.PORT: clusters in
# different directories never collide. Both commands are idempotent. Read the URI from DIR/uri: the
# socket may live elsewhere (see home_of).
set -euo pipefail

usage() {
  echo "usage: $0 start|restart|stop DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
command=$1
dir=$2
port=${POSTGRES_CLUSTER_PORT:-5432}

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

# Where the cluster lives: DIR itself, or a directory under $TMPDIR (named in DIR/home) when the socket's
# path in DIR would be too long (sun_path: 107 bytes) or the postgres user cannot reach DIR (a build
# tree under a private home).
home_of() {
  if [[ -f $1/home ]]; then
    cat "$1/home"
  else
    echo "$1"
  fi
}

case $command in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    home=$(home_of "$dir")
    if [[ $home == "$dir" ]]; then
      reachable=1
      if ((${#as_server[@]})); then
        chown postgres: "$dir"
        runuser -u postgres -- test -x "$dir" -a -w "$dir" || reachable=0
      fi
      socket=$dir/.s.PGSQL.$port
      if ((${#socket} > 107 || !reachable)); then
        home=$(mktemp -d "${TMPDIR:-/tmp}/yieldpipe-pg.XXXXXX")
        printf '%s\n' "$home" >"$dir/home"
      fi
    fi
    mkdir -p "$home"
    ((${#as_server[@]})) && chown postgres: "$home"
    cd "$home"
    if [[ ! -f $home/data/PG_VERSION ]]; then
      rm -rf "$home/data"
      "${as_server[@]}" "$bindir/initdb" -D "$home/data" -U postgres -E UTF8 --locale=C --no-sync \
        --auth-local=trust >"$home/initdb.log" 2>&1 || {
        cat "$home/initdb.log" >&2
        exit 1
      }
      printf '%s\n' "local all postgres trust" "local all all scram-sha-256" >"$home/data/pg_hba.conf"
      ((${#as_server[@]})) && chown postgres: "$home/data/pg_hba.conf"
    fi
    if ! "${as_server[@]}" "$bindir/pg_ctl" -D "$home/data" status >/dev/null 2>&1; then
      "${as_server[@]}" "$bindir/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 60 start \
        -o "-c listen_addresses='' -c unix_socket_directories='$home' -p $port -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=50 -c shared_buffers=32MB" >/dev/null || {
        tail -n 20 "$home/server.log" >&2
        exit 1
      }
    fi
    uri="postgresql:///postgres?host=$home&port=$port&user=postgres"
    printf '%s\n' "$uri" >"$dir/uri"
    printf '%s\n' "$uri"
    ;;
  restart)
    dir=$(cd "$dir" && pwd)
    home=$(home_of "$dir")
    (cd "$home" && "${as_server[@]}" "$bindir/pg_ctl" -D "$home/data" -l "$home/server.log" -m fast -w -t 60 \
      restart >/dev/null)
    ;;
  stop)
    [[ -d $dir ]] || exit 0
    dir=$(cd "$dir" && pwd)
    home=$(home_of "$dir")
    if [[ -f $home/data/PG_VERSION ]]; then
      (cd "$home" && "${as_server[@]}" "$bindir/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null 2>&1) || true
    fi
    rm -rf "$home" "$dir"
    ;;
  *) usage ;;
esac
