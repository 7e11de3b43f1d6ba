#!/usr/bin/env bash
# Starts, stops and reports the DNSSEC/DANE test lab on loopback addresses.
#
# Usage: eng/lab/lab.sh up|down|status|mx-stop|mx-start
#
#   up      generate keys, certificates and signed zones under eng/lab/run,
#           then start Knot DNS, Unbound, the receiving and the sending
#           Postfix and the HTTPS servers, and write run/lab.env and
#           run/lab.json. Does nothing when the lab is already up.
#   down    stop the processes named in the lab's pid files. The files under
#           run/ stay for inspection until the next `up`.
#   status  print the state of each service; exit 0 only when all run.
#   mx-stop stop only the receiving Postfix, so that a test can run its own
#           SMTP servers on the MX host addresses. DNS, the sending Postfix
#           and the HTTPS servers keep running.
#   mx-start start the receiving Postfix again as the last `up` set it up.
#
# Runs as root: it binds ports 25, 53 and 443 and installs missing Debian
# packages with apt-get. See eng/lab/README.md for the address plan.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$LAB_DIR/lib/common.sh"
# shellcheck source=lib/certs.sh
source "$LAB_DIR/lib/certs.sh"
# shellcheck source=lib/zones.sh
source "$LAB_DIR/lib/zones.sh"
# shellcheck source=lib/services.sh
source "$LAB_DIR/lib/services.sh"
# shellcheck source=lib/manifest.sh
source "$LAB_DIR/lib/manifest.sh"

require_root() {
  [[ $(id -u) -eq 0 ]] || die "run lab.sh as root: it binds ports below 1024 and uses unshare"
}

ensure_packages() {
  local package missing=()
  for package in "${LAB_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
      missing+=("$package")
    fi
  done
  ((${#missing[@]} == 0)) && return 0

  log "installing missing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet.
  apt-get update -q >/dev/null ||
    log "apt-get update failed; trying the install with the package lists there are"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install failed for: ${missing[*]}"
}

# Each lab process with its pid file and the command name in /proc/PID/comm.
lab_processes() {
  printf '%s\n' "knot|$KNOT_PID|knotd" "knot (REFUSED)|$LAME_KNOT_PID|knotd" \
    "unbound|$UNBOUND_PID|unbound" "postfix|$POSTFIX_PID|master" \
    "postfix sender|$SENDER_PID|master"
  local entry host port
  for entry in "${LAB_SERVERS[@]}"; do
    IFS='|' read -r host _ port _ <<<"$entry"
    [[ $port == "$HTTPS_PORT" ]] && printf 'https %s|%s|openssl\n' "$host" "$HTTPS_DIR/$host.pid"
  done
}

# Prints how many lab processes run and how many the lab has.
count_running() {
  local running=0 total=0 name pid_file comm
  while IFS='|' read -r name pid_file comm; do
    total=$((total + 1))
    pid_alive "$pid_file" "$comm" && running=$((running + 1))
  done < <(lab_processes)
  printf '%s %s\n' "$running" "$total"
}

# Fails when a program outside the lab uses an address and port that the
# lab needs. Port 25 under a wildcard listener is handled by use_smtp_fallback.
check_port_free() {
  local protocol=$1 address=$2 port=$3 listeners
  if [[ $protocol == tcp ]]; then
    listeners=$(ss -Hltnp "sport = :$port")
  else
    listeners=$(ss -Hlunp "sport = :$port")
  fi
  [[ -z $listeners ]] && return 0

  local holder
  holder=$(grep -E "[[:space:]]${address//./\\.}:$port[[:space:]]" <<<"$listeners") || true
  if [[ -n $holder ]]; then
    die "$address:$port/$protocol is already in use: $holder"
  fi
  # A dual-stack wildcard shows as *:port. An IPv6-only [::]:port does not
  # block IPv4 addresses.
  holder=$(grep -E "[[:space:]](0\.0\.0\.0|\*):$port[[:space:]]" <<<"$listeners") || true
  if [[ -n $holder ]]; then
    if [[ $protocol == tcp && $port == "$SMTP_PORT" ]]; then
      return 10
    fi
    die "a wildcard listener on port $port/$protocol blocks $address:$port: $holder"
  fi
}

# Another MTA (the system Postfix, for one) listens on 0.0.0.0:25, and Linux
# refuses to bind 127.25.0.x:25 beside it. The lab Postfix listens on
# SMTP_FALLBACK_PORT instead, and an nftables rule in the lab's own table
# rewrites local connections to the MX addresses on port 25 to that port.
use_smtp_fallback() {
  log "another program listens on 0.0.0.0:$SMTP_PORT, so nftables forwards the lab's MX addresses to port $SMTP_FALLBACK_PORT"
  if ! command -v nft >/dev/null; then
    LAB_PACKAGES+=(nftables)
    ensure_packages
  fi
  SMTP_LISTEN_PORT=$SMTP_FALLBACK_PORT
}

install_smtp_forwarding() {
  local entry address port rules=""
  for entry in "${LAB_SERVERS[@]}"; do
    IFS='|' read -r _ address port _ <<<"$entry"
    [[ $port == "$SMTP_PORT" ]] || continue
    check_port_free tcp "$address" "$SMTP_FALLBACK_PORT"
    rules+="    ip daddr $address tcp dport $SMTP_PORT dnat to $address:$SMTP_FALLBACK_PORT"$'\n'
  done
  nft -f - <<NFT
table ip $NAT_TABLE {
  chain output {
    type nat hook output priority -100; policy accept;
$rules  }
}
NFT
  printf '%s\n' "$SMTP_FALLBACK_PORT" >"$RUN_DIR/smtp-forwarding"
}

remove_smtp_forwarding() {
  if [[ -f $RUN_DIR/smtp-forwarding ]]; then
    log "removing nftables table ip $NAT_TABLE"
    nft delete table ip "$NAT_TABLE" 2>/dev/null || true
    rm -f "$RUN_DIR/smtp-forwarding"
  fi
}

check_addresses_free() {
  local status=0
  check_port_free udp "$AUTH_ADDRESS" "$DNS_PORT"
  check_port_free tcp "$AUTH_ADDRESS" "$DNS_PORT"
  check_port_free udp "$RESOLVER_ADDRESS" "$DNS_PORT"
  check_port_free tcp "$RESOLVER_ADDRESS" "$DNS_PORT"
  check_port_free udp "$LAME_NS_ADDRESS" "$DNS_PORT"
  check_port_free tcp "$LAME_NS_ADDRESS" "$DNS_PORT"

  local entry address port smtp_blocked=no
  for entry in "${LAB_SERVERS[@]}"; do
    IFS='|' read -r _ address port _ <<<"$entry"
    check_port_free tcp "$address" "$port" || status=$?
    if ((status == 10)); then
      smtp_blocked=yes
      status=0
    fi
  done
  if [[ $smtp_blocked == yes ]]; then
    use_smtp_fallback
  fi
}

write_resolv_conf() {
  # glibc 2.31 and later clear the AD flag in answers unless trust-ad is set,
  # and posttls-finger needs that flag to see secure answers.
  cat >"$RESOLV_CONF" <<CONF
nameserver $RESOLVER_ADDRESS
options trust-ad edns0
CONF
}

# EXIT trap of `up`: after a failure, stops whatever `up` had started.
stop_after_failed_up() {
  local status=$?
  if ((status != 0)); then
    log "up failed; stopping the processes it started"
    lab_down
  fi
}

lab_up() {
  require_root
  check_mail_delivery_setting
  ensure_packages

  local running total
  read -r running total < <(count_running)
  if ((running == total)) && [[ -f $LAB_JSON ]]; then
    log "already up ($running of $total processes run); see $LAB_ENV"
    return 0
  fi
  if ((running > 0)); then
    log "only $running of $total lab processes run; restarting the lab"
    lab_down
  fi

  check_addresses_free
  trap stop_after_failed_up EXIT
  # Keep the run directory itself, which may be a mount point or symlink.
  mkdir -p "$RUN_DIR"
  find "$RUN_DIR" -mindepth 1 -maxdepth 1 -exec rm -rf {} +

  log "generating certificates"
  generate_certificates
  log "generating and signing zones"
  build_zones
  write_resolv_conf

  if [[ $SMTP_LISTEN_PORT != "$SMTP_PORT" ]]; then
    install_smtp_forwarding
  fi
  start_knot
  start_unbound
  start_postfix
  start_sender_postfix
  start_https_servers
  wait_for_tls_servers

  write_lab_env
  write_lab_json
  trap - EXIT
  log "up: resolver at $RESOLVER_ADDRESS port $DNS_PORT, facts in $LAB_ENV and $LAB_JSON"
}

wait_for_tls_servers() {
  local entry host address port listen_port
  for entry in "${LAB_SERVERS[@]}"; do
    IFS='|' read -r host address port _ <<<"$entry"
    listen_port=$port
    [[ $port == "$SMTP_PORT" ]] && listen_port=$SMTP_LISTEN_PORT
    wait_until 10 tcp_listening "$address" "$listen_port" ||
      die "nothing listens on $address:$listen_port for $host after 10 s; see the logs under $RUN_DIR"
  done
}

lab_down() {
  require_root
  stop_https_servers
  stop_postfix
  stop_sender_postfix
  stop_pid "$UNBOUND_PID" unbound Unbound
  stop_pid "$KNOT_PID" knotd "Knot DNS"
  stop_pid "$LAME_KNOT_PID" knotd "Knot DNS without zones"
  remove_smtp_forwarding
  log "down"
}

# Prints "host address port" for each MX host address of the receiving
# Postfix, with the port it listens on.
mx_listeners() {
  local entry host address port
  for entry in "${LAB_SERVERS[@]}"; do
    IFS='|' read -r host address port _ <<<"$entry"
    if [[ $port == "$SMTP_PORT" ]]; then
      printf '%s %s %s\n' "$host" "$address" "$SMTP_LISTEN_PORT"
    fi
  done
}

tcp_free() {
  ! tcp_listening "$1" "$2"
}

# Sets SMTP_LISTEN_PORT as the last `up` chose it: the fallback port while
# nftables forwards port 25 there.
restore_smtp_listen_port() {
  if [[ -f $RUN_DIR/smtp-forwarding ]]; then
    SMTP_LISTEN_PORT=$(tr -dc '0-9' <"$RUN_DIR/smtp-forwarding")
  fi
}

lab_mx_stop() {
  require_root
  restore_smtp_listen_port
  stop_postfix
  # The smtpd children share the master's listening sockets and may keep
  # them open for a moment after the master has exited.
  local host address port
  while read -r host address port; do
    wait_until 10 tcp_free "$address" "$port" ||
      die "$address:$port ($host) is still in use 10 s after Postfix stopped: $(ss -Hltnp "src $address:$port")"
  done < <(mx_listeners)
  log "mx-stop: the receiving Postfix is stopped, so the MX host addresses are free on port $SMTP_LISTEN_PORT"
}

lab_mx_start() {
  require_root
  if pid_alive "$POSTFIX_PID" master; then
    log "mx-start: the receiving Postfix already runs"
    return 0
  fi

  # Starting Postfix alone only makes sense while the rest of the lab runs.
  local name pid_file comm
  while IFS='|' read -r name pid_file comm; do
    [[ $pid_file == "$POSTFIX_PID" ]] && continue
    pid_alive "$pid_file" "$comm" ||
      die "mx-start: $name is not running; run eng/lab/lab.sh up to start the whole lab"
  done < <(lab_processes)

  restore_smtp_listen_port
  local host address port
  while read -r host address port; do
    tcp_free "$address" "$port" ||
      die "mx-start: another program listens on $address:$port ($host); stop it first: $(ss -Hltnp "src $address:$port")"
  done < <(mx_listeners)

  launch_postfix
  while read -r host address port; do
    wait_until 10 tcp_listening "$address" "$port" ||
      die "mx-start: nothing listens on $address:$port for $host after 10 s; see $POSTFIX_DIR/maillog"
  done < <(mx_listeners)
  log "mx-start: the receiving Postfix listens on every MX host address"
}

lab_status() {
  local name pid_file comm state running total
  while IFS='|' read -r name pid_file comm; do
    if pid_alive "$pid_file" "$comm"; then
      state="running (pid $(read_pid "$pid_file"))"
    else
      state=stopped
    fi
    printf '%-32s %s\n' "$name" "$state"
  done < <(lab_processes)
  if [[ -f $RUN_DIR/smtp-forwarding ]]; then
    printf '%-32s %s\n' "smtp forwarding" "port $SMTP_PORT to $(cat "$RUN_DIR/smtp-forwarding") (nftables table ip $NAT_TABLE)"
  fi

  read -r running total < <(count_running)
  ((running == total))
}

case ${1:-} in
  up) lab_up ;;
  down) lab_down ;;
  status) lab_status ;;
  mx-stop) lab_mx_stop ;;
  mx-start) lab_mx_start ;;
  *)
    echo "usage: $0 up|down|status|mx-stop|mx-start" >&2
    exit 2
    ;;
esac
