#!/usr/bin/env bash
# shellcheck shell=bash
# The async benchmark's HTTP server (issue 14, point 6): Debian's nginx serving small static JSON files on
# 127.0.0.1, so that the server is never what the fetchers measured against it wait for. Sourced by a benchmark
# script (after `set -euo pipefail`), or run directly for a self-test:
#
#   source bench/async/nginx.sh
#   make_json_files "$dir/www" 100000          # item-0.json ... item-99999.json
#   nginx_start "$dir" 18080                   # http://127.0.0.1:18080/item-<i>.json
#   ...
#   nginx_stop "$dir"
#
#   bash bench/async/nginx.sh selftest         # starts, fetches one file with curl, stops; exit 0
#
# Everything nginx writes (configuration, pid, error log, temporary files) stays inside DIR, so it runs as any
# user. As root its workers run as root too: Debian's default worker user (nobody) could not read a mktemp
# directory. Needs nginx (Debian's nginx or nginx-light, /usr/sbin/nginx) and python3.

NGINX=${NGINX:-/usr/sbin/nginx}

# make_json_files DIR N: writes DIR/item-<i>.json for i in 0..N-1, each the test server's /json/<i> body
# ({"id": i, "value": 2i, "name": "item-i"}), with one python3 process: 100,000 files in 3 to 5 s, most of it
# the file system's.
make_json_files() {
  local dir=$1 n=$2
  mkdir -p "$dir"
  python3 - "$dir" "$n" <<'EOF'
import os, sys
directory, n = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY), int(sys.argv[2])
flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
for i in range(n):
    fd = os.open(f"item-{i}.json", flags, 0o644, dir_fd=directory)
    os.write(fd, f'{{"id": {i}, "value": {i * 2}, "name": "item-{i}"}}'.encode())
    os.close(fd)
EOF
}

# nginx_free_port: prints a TCP port of 127.0.0.1 that is free now (the kernel's choice).
nginx_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# nginx_start DIR PORT: writes DIR/nginx.conf and starts nginx on 127.0.0.1:PORT serving DIR/www, then waits
# (up to 10 s) until the port accepts connections. Returns 1, with nginx's error log, if it does not start.
nginx_start() {
  local dir port=$2
  mkdir -p "$1/www" "$1/tmp"
  dir=$(cd "$1" && pwd)
  local user=""
  if [[ $(id -u) -eq 0 ]]; then user="user $(id -un) $(id -gn);"; fi
  cat >"$dir/nginx.conf" <<EOF
# Written by bench/async/nginx.sh: static files from $dir/www on 127.0.0.1:$port.
$user
daemon on;
worker_processes auto;
worker_rlimit_nofile 16384;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
  worker_connections 4096;
}
http {
  access_log off;
  client_body_temp_path $dir/tmp/client_body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  types {
    application/json json;
    text/plain txt;
  }
  default_type application/octet-stream;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000;
  keepalive_timeout 60s;
  open_file_cache max=200000 inactive=60s;
  server {
    listen 127.0.0.1:$port;
    server_name localhost;
    root $dir/www;
  }
}
EOF
  # -e: the log of the start-up, before the configuration is read (the compiled-in one may be unwritable).
  if ! "$NGINX" -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log"; then
    echo "nginx.sh: nginx did not start; $dir/error.log:" >&2
    cat "$dir/error.log" >&2 2>/dev/null || true
    return 1
  fi
  local i
  for ((i = 0; i < 200; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "nginx.sh: nothing answers on 127.0.0.1:$port after 10 s; $dir/error.log:" >&2
  cat "$dir/error.log" >&2 2>/dev/null || true
  nginx_stop "$dir"
  return 1
}

# nginx_alive PID: whether the process runs (a zombie, which an init that does not reap may leave, does not).
nginx_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# nginx_stop DIR: stops the nginx that nginx_start DIR started: a graceful quit (SIGQUIT, as `nginx -s quit`),
# then SIGTERM after 5 s and SIGKILL after 10 s; returns once the master process is gone. Does nothing when
# it is not running.
nginx_stop() {
  local dir=$1 pid i
  [[ -f $dir/nginx.pid ]] || return 0
  pid=$(<"$dir/nginx.pid")
  [[ -n $pid ]] || return 0
  kill -QUIT "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    nginx_alive "$pid" || break
    if ((i == 100)); then kill -TERM "$pid" 2>/dev/null || true; fi
    sleep 0.05
  done
  if nginx_alive "$pid"; then
    pkill -KILL -P "$pid" 2>/dev/null || true # its workers, while they are still its children
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/nginx.pid"
}

nginx_selftest() {
  local dir port body expected
  dir=$(mktemp -d)
  # shellcheck disable=SC2064  # expand now: $dir is local
  trap "nginx_stop '$dir'; rm -rf '$dir'" EXIT
  port=$(nginx_free_port)
  make_json_files "$dir/www" 3
  nginx_start "$dir" "$port"
  body=$(curl -sS --noproxy '*' --max-time 10 "http://127.0.0.1:$port/item-2.json")
  expected='{"id": 2, "value": 4, "name": "item-2"}'
  if [[ $body != "$expected" ]]; then
    echo "nginx.sh selftest: got '$body', expected '$expected'" >&2
    return 1
  fi
  nginx_stop "$dir"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "nginx.sh selftest: 127.0.0.1:$port still answers after nginx_stop" >&2
    return 1
  fi
  echo "nginx.sh selftest: ok (nginx on 127.0.0.1:$port served item-2.json, then stopped)"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  case ${1:-} in
    selftest) nginx_selftest ;;
    *)
      echo "usage: bash bench/async/nginx.sh selftest   (or source it for nginx_start, nginx_stop, make_json_files)" >&2
      exit 2
      ;;
  esac
fi
