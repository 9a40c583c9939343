#!/usr/bin/env bash
# Builds the real Pulumi toolchain the engine suite runs, from the Go module proxy only:
#   pulumi (CLI and engine), pulumi-language-yaml, and the scripts the sdk module ships
#   (pulumi-resource-pulumi-nodejs for dynamic providers, pulumi-language-python-exec);
# and asks the proxy for the modules it refuses here (the Node, Python and Go language hosts, the azuread
# provider), printing each refusal verbatim into refusals.txt beside the binaries.
#
# Idempotent: binaries are cached under ${XDG_CACHE_HOME:-~/.cache}/nocobase-entra-mail/engine/<versions>/,
# keyed by the wrapper modules' go.mod and go.sum, and never rebuilt when the key matches. Go's module and
# build caches are kept (GOMODCACHE, GOCACHE) so that a rebuild after a version change is incremental.
#
# Exit codes: 0 the CLI and the YAML host are built (refusals are reported, not fatal: the engine suite runs
# what they allow); 1 a served module failed to download or build.
# Prints the toolchain folder on its last line (stdout), so callers can `bin="$(bash test/engine/setup.sh | tail -1)"`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
toolchain="$here/toolchain"

module_version() { # <go.mod> <module>: the version a wrapper requires
    awk -v m="$2" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}
pulumi_version="$(module_version "$toolchain/pulumi/go.mod" github.com/pulumi/pulumi/pkg/v3)"
yaml_version="$(module_version "$toolchain/language-yaml/go.mod" github.com/pulumi/pulumi-yaml)"
azuread_version="$(node -p 'require(process.argv[1]).packages["node_modules/@pulumi/azuread"].version' "$root/package-lock.json")"
key="$(cat "$toolchain"/*/go.mod "$toolchain"/*/go.sum | sha256sum | cut -c1-12)"
out="${XDG_CACHE_HOME:-$HOME/.cache}/nocobase-entra-mail/engine/pulumi-${pulumi_version}-yaml-${yaml_version}-azuread-${azuread_version}-${key}"
bin="$out/bin"
mkdir -p "$bin"

log() { echo "engine setup: $*" >&2; }
timed() { # <label> <command...>: runs the command, reports its duration
    local label="$1" start end
    shift
    start="$(date +%s)"
    if ! "$@"; then
        log "FAILED: $label"
        exit 1
    fi
    end="$(date +%s)"
    log "built $label in $((end - start)) s"
}

# The wrappers need go mod download to reach only the proxy; SSL_CERT_FILE etc. must not be set here
# (they would replace the system roots the proxy is verified with).
unset SSL_CERT_FILE SSL_CERT_DIR
export GOFLAGS="-mod=readonly -trimpath"

if [ ! -x "$bin/pulumi" ]; then
    log "building pulumi ${pulumi_version} (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi; 10-25 min on 2 cores when Go's build cache is cold)"
    timed "pulumi ${pulumi_version}" bash -c "cd '$toolchain/pulumi' && go build \
        -ldflags '-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${pulumi_version}' \
        -o '$bin/pulumi.partial' github.com/pulumi/pulumi/pkg/v3/cmd/pulumi && mv '$bin/pulumi.partial' '$bin/pulumi'"
else
    log "pulumi ${pulumi_version}: cached"
fi

if [ ! -x "$bin/pulumi-language-yaml" ]; then
    log "building pulumi-language-yaml ${yaml_version}"
    timed "pulumi-language-yaml ${yaml_version}" bash -c "cd '$toolchain/language-yaml' && go build \
        -ldflags '-X github.com/pulumi/pulumi-yaml/pkg/version.Version=${yaml_version}' \
        -o '$bin/pulumi-language-yaml.partial' github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml && \
        mv '$bin/pulumi-language-yaml.partial' '$bin/pulumi-language-yaml'"
else
    log "pulumi-language-yaml ${yaml_version}: cached"
fi

# The sdk module ships the dynamic-provider launcher and the Python executor as scripts; the CLI finds
# plugins next to itself.
sdk_dir="$(cd "$toolchain/pulumi" && go mod download -json github.com/pulumi/pulumi/sdk/v3 | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
install -m 0755 "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$bin/pulumi-language-python-exec"

# What the engine issue also asks for, and the exact answer of the proxy for each. The language hosts
# are untagged modules: the version is the pseudo-version of the newest release commit in the public
# history readable here (v3.259.0; the proxy's .info carries no commit for v3.274.1). The provider is
# asked at the pseudo-version of the pulumi-azuread v6.9.1 release commit, with the two modules it builds
# from at the versions its go.mod and shim/go.mod name.
refusals="$out/refusals.txt"
: > "$refusals.partial"
ask() { # <module> <version> <why>
    local answer
    if answer="$(cd "$toolchain/pulumi" && GOFLAGS=-mod=mod go mod download -json "$1@$2" 2>&1)" &&
        ! grep -q '"Error"' <<<"$answer"; then
        log "served: $1@$2 ($3) -- not built by this script yet"
        echo "served $1@$2 ($3)" >> "$refusals.partial"
    else
        local why_refused
        why_refused="$(grep -o '"Error": ".*"' <<<"$answer" | head -1 | cut -c1-400)"
        log "REFUSED by the Go module proxy: $1@$2 ($3): ${why_refused:-$answer}"
        echo "refused $1@$2 ($3): ${why_refused:-$answer}" >> "$refusals.partial"
    fi
}
ask github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 v3.0.0-20260819165155-0ac56e876614 "pulumi-language-nodejs"
ask github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3 v3.0.0-20260819165155-0ac56e876614 "pulumi-language-python"
ask github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3 v3.0.0-20260819165155-0ac56e876614 "pulumi-language-go"
ask github.com/pulumi/pulumi-azuread/provider/v6 v6.0.0-20260522120810-c509bcdd89e7 "pulumi-resource-azuread ${azuread_version}"
ask github.com/hashicorp/terraform-provider-azuread v1.6.1-0.20260219201236-38d1993a1ea6 "the Terraform provider pulumi-azuread ${azuread_version} bridges"
ask github.com/pulumi/pulumi-terraform-bridge/v3 v3.130.0 "the bridge pulumi-azuread ${azuread_version} requires"
mv "$refusals.partial" "$refusals"

"$bin/pulumi" version >/dev/null
log "toolchain in $bin: pulumi $("$bin/pulumi" version), pulumi-language-yaml ${yaml_version}"
echo "$out"
