#!/usr/bin/env bash
# Runs a command with the lab resolver as its /etc/resolv.conf.
#
# Usage: eng/lab/in-lab.sh CMD [ARGS...]
#
# The command runs in a private mount namespace where run/resolv.conf is
# bind-mounted over /etc/resolv.conf, so the machine's own file stays as it
# is. Needs root (unshare and mount) and a lab started with `lab.sh up`.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
resolv_conf="$LAB_DIR/run/resolv.conf"

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
if [[ ! -f $resolv_conf ]]; then
  echo "in-lab.sh: $resolv_conf is missing; start the lab with eng/lab/lab.sh up" >&2
  exit 1
fi

# unshare --mount makes mount propagation private by default, so the bind
# mount affects only this command and its children.
exec unshare --mount -- /bin/sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$resolv_conf" "$@"
