#!/bin/sh
# Starts the local PostgreSQL 15 cluster for tests and benchmarks, creates the role of the current
# user and the test database when missing, and prints the DATABASE_URL to use. Safe to run again.
#   export DATABASE_URL="$(scripts/start-postgres.sh)"
# The URL names the socket directory and user explicitly (postgresql://root@%2Fvar%2Frun%2Fpostgresql/db).
set -eu

VERSION="${PG_VERSION:-15}"
CLUSTER="${PG_CLUSTER:-main}"
DATABASE="${PG_DATABASE:-sms_consent_test}"
ROLE="$(id -un)"

if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c && $4 == "online" { found = 1 } END { exit !found }'; then
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi

as_postgres() {
  if [ "$ROLE" = postgres ]; then "$@"; else su postgres -c "$(printf '%s ' "$@")"; fi
}

# Wait until the server accepts connections (start returns before that on a slow disk).
tries=0
until as_postgres pg_isready -q; do
  tries=$((tries + 1))
  if [ "$tries" -gt 50 ]; then echo "PostgreSQL did not become ready" >&2; exit 1; fi
  sleep 0.2
done

if [ "$ROLE" != postgres ]; then
  exists="$(as_postgres psql -tAc "\"select 1 from pg_roles where rolname = '$ROLE'\"")"
  if [ "$exists" != 1 ]; then
    as_postgres psql -qc "\"create role \\\"$ROLE\\\" superuser login\"" >&2
  fi
fi

if [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$DATABASE'")" != 1 ]; then
  createdb "$DATABASE" >&2
fi

# An explicit socket directory and user: node-postgres reads neither from an empty URL host.
SOCKET_DIR="$(psql -d "$DATABASE" -tAc 'show unix_socket_directories' | cut -d, -f1 | sed 's/^ *//')"
echo "postgresql://$ROLE@$(printf '%s' "$SOCKET_DIR" | sed 's|/|%2F|g')/$DATABASE"
