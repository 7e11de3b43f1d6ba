#!/usr/bin/env bash
# Delivery benchmark: MESSAGES messages to dane-ee.example, whose MX the DANE lab's Postfix serves
# with a TLSA 3 1 1 record. Measures messages per second and TLS handshakes per message, first with
# Tern as the sender, then with the lab's sending Postfix (smtp_tls_security_level = dane).
#
# Usage: bench/delivery/run.sh [MESSAGES]     (default 1000)
#
# Both runs time only the delivery phase, from a full queue to the last status=sent line:
#   Tern     accepts every message with --Delivery:Port=1, so each first attempt is refused and
#            the message waits; then Tern restarts on port 25 and `tern queue flush` starts the clock.
#   Postfix  is stopped while `sendmail` drops the messages into its maildrop directory. Starting
#            it starts the clock, so its time also includes pickup and cleanup of every message.
# Tern is built from the committed HEAD (git archive), so uncommitted changes are not measured.
# Needs root and the lab, which it starts with eng/lab/lab.sh up when it is down. Run no lab test at
# the same time: the tests use the same sending Postfix and the same receiving MX.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
count=${1:-1000}
lab_dir=$root/eng/lab
recipient=user@dane-ee.example
mx=mx.dane-ee.example
timeout_seconds=600

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
  printf 'bench: error: %s\n' "$*" >&2
  exit 1
}

[[ $count =~ ^[1-9][0-9]*$ ]] || die "MESSAGES must be a positive integer, not '$count'"
[[ $(id -u) -eq 0 ]] || die "run as root: the lab and its Postfix instances need it"

"$lab_dir/lab.sh" status >/dev/null 2>&1 || "$lab_dir/lab.sh" up
# shellcheck source=/dev/null
source "$lab_dir/run/lab.env"
[[ -n ${LAB_SENDER_CONFIG:-} ]] || die "the lab has no sending Postfix; restart it with eng/lab/lab.sh down && eng/lab/lab.sh up"

work=$(mktemp -d /tmp/tern-bench-delivery.XXXXXX)
tern_pid=""
cleanup() {
  if [[ -n $tern_pid ]] && kill -0 "$tern_pid" 2>/dev/null; then
    kill -TERM "$tern_pid" 2>/dev/null || true
    wait "$tern_pid" 2>/dev/null || true
  fi
  # A failed run may leave the sending Postfix stopped.
  if ! postfix -c "$LAB_SENDER_CONFIG" status >/dev/null 2>&1; then
    "$lab_dir/in-lab.sh" postfix -c "$LAB_SENDER_CONFIG" start >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }

# Prints the size of a file in bytes, so that later counts read only what was appended.
size_of() { stat -c %s "$1"; }

# Counts the lines matching an extended regular expression that were appended to a file after an offset.
count_after() {
  local file=$1 offset=$2 pattern=$3
  tail -c +"$((offset + 1))" "$file" | grep -Ec -- "$pattern" || true
}

# Waits until `count_after FILE OFFSET PATTERN` reaches the target; fails after timeout_seconds.
wait_for_count() {
  local file=$1 offset=$2 pattern=$3 target=$4 deadline
  deadline=$((SECONDS + timeout_seconds))
  while (($(count_after "$file" "$offset" "$pattern") < target)); do
    ((SECONDS < deadline)) || die "fewer than $target lines /$pattern/ in $file after $timeout_seconds s"
    sleep 0.1
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

build_tern() {
  log "building tern from $(git -C "$root" rev-parse --short HEAD) in $work/src"
  mkdir -p "$work/src"
  git -C "$root" archive HEAD | tar -x -C "$work/src"
  if ! dotnet build "$work/src/src/Tern.Cli" -c Release --verbosity quiet -nologo >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    die "dotnet build of tern failed; its output is above"
  fi
  tern_dll=$work/src/src/Tern.Cli/bin/Release/net10.0/tern.dll
}

start_tern() {
  local log_file=$1
  shift
  : >"$log_file"
  dotnet "$tern_dll" serve --config "$work/tern.json" "$@" >"$log_file" 2>&1 &
  tern_pid=$!
  local deadline=$((SECONDS + 60))
  until grep -q 'listening on' "$log_file"; do
    kill -0 "$tern_pid" 2>/dev/null || die "tern serve exited; the last lines of its log: $(tail -5 "$log_file")"
    ((SECONDS < deadline)) || die "tern serve did not listen within 60 s"
    sleep 0.1
  done
}

stop_tern() {
  kill -TERM "$tern_pid"
  wait "$tern_pid" || true
  tern_pid=""
}

# Prints: seconds messages/s handshakes handshakes/message verified receiver-side handshakes.
report() {
  local seconds=$1 handshakes=$2 verified=$3 received=$4
  awk -v n="$count" -v s="$seconds" -v h="$handshakes" -v v="$verified" -v r="$received" \
    'BEGIN { printf "%.2f %.1f %d %.3f %d %d\n", s, n / s, h, h / n, v, r }'
}

bench_tern() {
  local port run_id start end receiver_offset
  port=$(free_port)
  run_id=tern-$(date +%s)
  cat >"$work/tern.json" <<JSON
{
  "HostName": "bench-sender.example",
  "DataDirectory": "$work/tern-data",
  "Listeners": [{ "Address": "127.0.0.1", "Port": $port, "Mode": "Mx" }],
  "Relay": { "ClientNetworks": ["127.0.0.0/8"] },
  "Dns": { "Resolvers": ["$LAB_RESOLVER_ADDRESS:$LAB_RESOLVER_PORT"] },
  "LogLevel": "Information"
}
JSON

  log "Tern: queueing $count messages (delivery attempts go to port 1 and are refused)"
  start_tern "$work/tern-fill.log" --Delivery:Port=1
  python3 "$root/bench/delivery/submit.py" 127.0.0.1 "$port" "$count" "$recipient" "$run_id"
  wait_for_count "$work/tern-fill.log" 0 'status=deferred' "$count"
  stop_tern

  log "Tern: delivering $count messages to $recipient"
  start_tern "$work/tern-deliver.log"
  receiver_offset=$(size_of "$LAB_POSTFIX_LOG")
  start=$(now)
  dotnet "$tern_dll" queue flush --config "$work/tern.json" >/dev/null
  wait_for_count "$work/tern-deliver.log" 0 'QueueRunner\[3102\].*status=sent' "$count"
  end=$(now)
  stop_tern

  tern_result=$(report "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
    "$(count_after "$work/tern-deliver.log" 0 "TLS connection established to $mx")" \
    "$(count_after "$work/tern-deliver.log" 0 "Verified TLS connection established to $mx")" \
    "$(count_after "$LAB_POSTFIX_LOG" "$receiver_offset" "lab-smtpd/$mx/smtpd.*TLS connection established from")")
}

bench_postfix() {
  local number start end sender_offset receiver_offset
  log "Postfix: stopping the sending Postfix and dropping $count messages into its maildrop"
  postfix -c "$LAB_SENDER_CONFIG" stop >/dev/null 2>&1
  for ((number = 0; number < count; number++)); do
    printf 'Subject: delivery benchmark %d\nMessage-ID: <bench-postfix-%s-%d@bench-client.example>\n\nDelivery benchmark message %d.\n' \
      "$number" "$(date +%s)" "$number" "$number" |
      sendmail -C "$LAB_SENDER_CONFIG" -f bench@lab-sender.example "$recipient" 2>/dev/null
  done

  log "Postfix: starting it and delivering $count messages to $recipient"
  sender_offset=$(size_of "$LAB_SENDER_LOG")
  receiver_offset=$(size_of "$LAB_POSTFIX_LOG")
  start=$(now)
  "$lab_dir/in-lab.sh" postfix -c "$LAB_SENDER_CONFIG" start >/dev/null 2>&1
  wait_for_count "$LAB_SENDER_LOG" "$sender_offset" "to=<$recipient>.*status=sent" "$count"
  end=$(now)

  postfix_result=$(report "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
    "$(count_after "$LAB_SENDER_LOG" "$sender_offset" "TLS connection established to $mx")" \
    "$(count_after "$LAB_SENDER_LOG" "$sender_offset" "Verified TLS connection established to $mx")" \
    "$(count_after "$LAB_POSTFIX_LOG" "$receiver_offset" "lab-smtpd/$mx/smtpd.*TLS connection established from")")
}

build_tern
bench_tern
bench_postfix

printf '\nDelivery of %d messages to %s (lab Postfix receiving, mail delivery mode %s)\n' "$count" "$recipient" "$LAB_MAIL_DELIVERY"
printf '%-8s %9s %11s %11s %15s %9s %19s\n' sender seconds messages/s handshakes handshakes/msg verified "receiver handshakes"
read -r s r h hm v rh <<<"$tern_result"
printf '%-8s %9s %11s %11s %15s %9s %19s\n' Tern "$s" "$r" "$h" "$hm" "$v" "$rh"
read -r s r h hm v rh <<<"$postfix_result"
printf '%-8s %9s %11s %11s %15s %9s %19s\n' Postfix "$s" "$r" "$h" "$hm" "$v" "$rh"
