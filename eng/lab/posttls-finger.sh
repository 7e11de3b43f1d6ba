#!/usr/bin/env bash
# Runs Postfix's posttls-finger against the lab resolver.
#
# Usage: eng/lab/posttls-finger.sh [posttls-finger options] DESTINATION
# Example: eng/lab/posttls-finger.sh -t30 -c -l dane -P /etc/ssl/certs dane-ee.example
#
# posttls-finger reads the lab's Postfix main.cf, not /etc/postfix/main.cf,
# and runs through in-lab.sh, so its DNS lookups go to the lab's Unbound.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
config_dir="$LAB_DIR/run/postfix/config"

if [[ ! -f $config_dir/main.cf ]]; then
  echo "posttls-finger.sh: $config_dir/main.cf is missing; start the lab with eng/lab/lab.sh up" >&2
  exit 1
fi

exec "$LAB_DIR/in-lab.sh" env MAIL_CONFIG="$config_dir" posttls-finger "$@"
