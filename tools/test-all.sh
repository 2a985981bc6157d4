#!/usr/bin/env bash
# Installs everything the tests need, then runs every suite through Nx.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

need_apt=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
# The multi-instance suite needs PostgreSQL and Redis (unless TEST_DATABASE_URL / TEST_REDIS_URL name others).
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Start the local services when they are installed but not running (containers have no systemd).
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    cluster_version=$(ls /etc/postgresql | sort -V | tail -1)
    echo "Starting PostgreSQL $cluster_version"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start
    for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  # A fresh Debian cluster asks for a password over TCP: give the postgres user one and use it.
  if ! psql "postgres://postgres@127.0.0.1:5432/postgres" -qtAc 'SELECT 1' >/dev/null 2>&1; then
    $SUDO runuser -u postgres -- psql -qc "ALTER USER postgres PASSWORD 'postgres'"
    export TEST_DATABASE_URL="postgres://postgres:postgres@127.0.0.1:5432/postgres"
  fi
fi
if [ -z "${TEST_REDIS_URL:-}" ] && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
fi

npm ci --no-audit --no-fund

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=${CI:-true}
npx prettier --check .
npx nx run-many -t lint test e2e play security multi-instance --parallel=1 --outputStyle=stream
