#!/usr/bin/env bash
# Prepares what the NocoBase integration tests need on this machine; safe to run again.
# - PostgreSQL server binaries (Debian's postgresql package), installed only when missing; needs root.
# - NocoBase 2.2.15 and its database driver in this folder's own node_modules, from the committed lockfile.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

have_postgres() {
    command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

if ! have_postgres; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "nocobase-server setup: PostgreSQL is missing; install it (Debian: sudo apt-get install -y postgresql) and run again" >&2
        exit 1
    fi
    echo "nocobase-server setup: installing PostgreSQL from Debian" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    # The package starts a system cluster; the tests run their own throwaway one.
    if command -v pg_ctlcluster >/dev/null 2>&1; then
        for conf in /etc/postgresql/*/main; do
            [ -d "$conf" ] || continue
            version="$(basename "$(dirname "$conf")")"
            pg_ctlcluster "$version" main stop >/dev/null 2>&1 || true
        done
    fi
fi

# npm ci wipes node_modules; skip it when the installed tree already matches the lockfile.
stamp="$here/node_modules/.nocobase-entra-mail-lock"
if [ -f "$stamp" ] && cmp -s "$stamp" "$here/package-lock.json"; then
    echo "nocobase-server setup: NocoBase already installed" >&2
else
    echo "nocobase-server setup: installing NocoBase (npm ci, about a minute)" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$here/package-lock.json" "$stamp"
fi
