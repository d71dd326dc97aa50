#!/usr/bin/env bash
# Makes a Docker engine available to docker/image.test.ts when this machine can run one: installs
# Debian's docker.io if dockerd is missing, starts dockerd in the background and waits up to 30 s.
# Never fails: when there can be no engine it says why in one line, and the test skips with a reason.
set -uo pipefail
log=/tmp/f7t-dockerd.log

give_up() {
  echo "docker engine: $1; docker/image.test.ts will be skipped"
  exit 0
}

docker info >/dev/null 2>&1 && exit 0
[[ $EUID -eq 0 ]] || give_up "none answers, and only root can install or start one"
if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
  command -v apt-get >/dev/null || give_up "dockerd is not installed and there is no apt-get"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y docker.io || { apt-get update && apt-get install -y docker.io; }; } >/tmp/f7t-docker-install.log 2>&1 ||
    give_up "apt-get install docker.io failed (see /tmp/f7t-docker-install.log)"
fi
# vfs and no iptables: the settings that work inside a CI container (no overlayfs, no netfilter).
nohup dockerd --iptables=false --ip6tables=false --storage-driver=vfs >"$log" 2>&1 &
pid=$!
for _ in $(seq 30); do
  docker info >/dev/null 2>&1 && { echo "docker engine: started dockerd (log $log)"; exit 0; }
  kill -0 "$pid" 2>/dev/null || give_up "dockerd exited: $(tail -n 1 "$log")"
  sleep 1
done
give_up "dockerd did not answer within 30 s (log $log)"
