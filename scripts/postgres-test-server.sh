#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests, on a free loopback port, with TLS.
#
#   scripts/postgres-test-server.sh start   # prints the URL; writes .build-postgres/server.env
#   scripts/postgres-test-server.sh stop    # stops it and removes its folder
#
# .build-postgres/server.env exports INCENTIVES_TEST_POSTGRES_URL (trust authentication as the
# `postgres` superuser), INCENTIVES_TEST_POSTGRES_ROOT_CERT (the CA of the server's certificate,
# for sslmode=verify-full) and INCENTIVES_TEST_POSTGRES_OTHER_ROOT_CERT (an unrelated CA).
# The data folder is a temporary folder owned by the `postgres` user when run as root (initdb and
# postgres refuse to run as root); installs Debian's postgresql when initdb is missing.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
pg_bin=/usr/lib/postgresql/15/bin
state_dir="$repo/.build-postgres"
env_file="$state_dir/server.env"

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

make_certificates() {  # a CA, a server certificate for 127.0.0.1 and localhost signed by it, another CA
  local dir=$1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=incentives test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=unrelated test CA" \
    -keyout "$dir/other-ca.key" -out "$dir/other-ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n') -out "$dir/server.pem" 2>/dev/null
  chmod 0600 "$dir/server.key"
}

start() {
  if [ -f "$env_file" ]; then
    echo "a test server is already recorded in $env_file; stopping it first" >&2
    stop
  fi
  if [ ! -x "$pg_bin/initdb" ]; then
    "$repo/scripts/install-system-packages.sh" postgresql
  fi
  local began=$SECONDS
  local dir
  dir="$(mktemp -d /tmp/incentives-postgres.XXXXXX)"
  mkdir "$dir/data" "$dir/tls"
  make_certificates "$dir/tls"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
  chmod 0700 "$dir"
  as_server "$pg_bin/initdb" -D "$dir/data" --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  # Durability is pointless for a throwaway server and slows every COMMIT on a busy machine.
  local options="-k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  options+=" -c ssl=on -c ssl_cert_file=$dir/tls/server.pem -c ssl_key_file=$dir/tls/server.key"
  local port attempt
  for attempt in 1 2 3; do  # another process may take the port between choosing and binding it
    port="$(free_port)"
    if as_server "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port $options" -w -t 60 start >/dev/null; then
      break
    fi
    [ "$attempt" -eq 3 ] && { cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1; }
  done
  mkdir -p "$state_dir"
  cat >"$env_file" <<ENV
export INCENTIVES_TEST_POSTGRES_DIR=$dir
export INCENTIVES_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres
export INCENTIVES_TEST_POSTGRES_ROOT_CERT=$dir/tls/ca.pem
export INCENTIVES_TEST_POSTGRES_OTHER_ROOT_CERT=$dir/tls/other-ca.pem
ENV
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL test server started in $((SECONDS - began))s (data in $dir, environment in $env_file)" >&2
}

stop() {
  [ -f "$env_file" ] || { echo "no test server recorded in $env_file" >&2; return 0; }
  local dir
  dir="$(sed -n 's/^export INCENTIVES_TEST_POSTGRES_DIR=//p' "$env_file")"
  if [ -n "$dir" ] && [ -d "$dir/data" ]; then
    as_server "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  case "$dir" in /tmp/incentives-postgres.*) rm -rf "$dir" ;; esac
  rm -f "$env_file"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
