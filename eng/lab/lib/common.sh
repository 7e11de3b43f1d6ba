# Paths, the address plan and small helpers shared by the lab scripts.
# lab.sh sources this file after setting LAB_DIR to the eng/lab directory.

RUN_DIR="$LAB_DIR/run"
TLS_DIR="$RUN_DIR/tls"
DNS_DIR="$RUN_DIR/dns"
KNOT_DIR="$RUN_DIR/knot"
LAME_KNOT_DIR="$RUN_DIR/knot-lame"
UNBOUND_DIR="$RUN_DIR/unbound"
POSTFIX_DIR="$RUN_DIR/postfix"
HTTPS_DIR="$RUN_DIR/https"
RESOLV_CONF="$RUN_DIR/resolv.conf"
LAB_ENV="$RUN_DIR/lab.env"
LAB_JSON="$RUN_DIR/lab.json"

AUTH_ADDRESS=127.53.0.1
RESOLVER_ADDRESS=127.53.0.53
DNS_PORT=53
SMTP_PORT=25
HTTPS_PORT=443
# Port that Postfix listens on. lab.sh changes it to SMTP_FALLBACK_PORT and
# forwards port 25 there when another program listens on 0.0.0.0:25.
SMTP_LISTEN_PORT=$SMTP_PORT
SMTP_FALLBACK_PORT=10025
NAT_TABLE=tern_lab

# Address of a second Knot instance that serves no zone and so returns
# REFUSED for every query. Delegations to it make Unbound return SERVFAIL for
# the names below them within milliseconds. An address where nothing listens
# fails the same way, but Unbound 1.17.1 took about 17 s here to give up.
LAME_NS_ADDRESS=127.53.0.254

# Zone TTL and the signature window of the normally signed zones. The window
# is relative to the time of `lab.sh up`, so a lab left up longer than
# SIGNATURE_DAYS goes bogus everywhere. `lab.sh down && lab.sh up` re-signs.
ZONE_TTL=300
SIGNATURE_DAYS=30

# TLS servers: host name, address, port, certificate profile, extra DNS names.
# Profiles: "ec" and "rsa" are self-signed with a fresh key of that type,
# "ca" is issued by the lab CA (the server sends leaf and CA), and
# "mismatch" is self-signed with key B of the mismatch pair.
LAB_SERVERS=(
  "mx.dane-ee.example|127.25.0.1|25|rsa|"
  "mx.dane-ta.example|127.25.0.2|25|ca|"
  "mx.mismatch.example|127.25.0.3|25|mismatch|"
  "mx.unsigned.example|127.25.0.4|25|ec|"
  "mx.bogus.example|127.25.0.5|25|ec|"
  "mx.dsmismatch.example|127.25.0.6|25|ec|"
  "mx.notlsa.example|127.25.0.7|25|ec|"
  "host.cname-target.example|127.25.0.8|25|ec|mx.cname.example"
  "mx.unsigned-hosts.example|127.25.0.9|25|ec|"
  "mx.servfail.example|127.25.0.10|25|ec|"
  "mx.unusable.example|127.25.0.11|25|ec|"
  "a.multi-mx.example|127.25.0.12|25|ec|"
  "b.multi-mx.example|127.25.0.13|25|ec|"
  "c.multi-mx.example|127.25.0.14|25|ec|"
  "nomx.example|127.25.0.15|25|ec|"
  "www.dane-ee.example|127.44.0.1|443|ec|"
  "www.dane-ta.example|127.44.0.2|443|ca|"
  "www.mismatch.example|127.44.0.3|443|mismatch|"
)

# MX hosts in the same format whose SMTP server is not the lab's: a test
# starts its own receiver (a `tern serve`) there. The lab generates their
# certificates and publishes their zones, but nothing listens on them.
TEST_MX_SERVERS=(
  "mx.tern-mx.example|127.25.0.16|25|ec|"
)

# Debian packages the lab runs. jq builds lab.json and check.sh reads it.
LAB_PACKAGES=(knot knot-dnssecutils knot-dnsutils unbound ldnsutils
  bind9-dnsutils postfix swaks iproute2 openssl ca-certificates jq)

log() {
  printf 'lab: %s\n' "$*" >&2
}

die() {
  printf 'lab: error: %s\n' "$*" >&2
  exit 1
}

# Prints the address of a server from LAB_SERVERS or TEST_MX_SERVERS.
server_address() {
  local host=$1 entry name address
  for entry in "${LAB_SERVERS[@]}" "${TEST_MX_SERVERS[@]}"; do
    IFS='|' read -r name address _ <<<"$entry"
    if [[ $name == "$host" ]]; then
      printf '%s\n' "$address"
      return 0
    fi
  done
  die "no server named $host in LAB_SERVERS or TEST_MX_SERVERS"
}

# Prints the pid in a pid file, or nothing when the file is missing or empty.
# Daemons remove their pid files on exit, so the file may vanish any time.
read_pid() {
  tr -dc '0-9' 2>/dev/null <"$1" || true
}

# Succeeds when process $1 is alive and its command is $2. Checking the
# command guards against a pid reused by another program, and a zombie
# (state Z) counts as exited.
process_alive() {
  local pid=$1 expected_comm=$2 stat
  [[ -n $pid ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  # /proc/PID/stat is "pid (comm) state ...", and comm may contain spaces.
  [[ ${stat#*) } != Z* ]] || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$expected_comm" ]]
}

# Succeeds when the pid file names a live process whose command is $2.
pid_alive() {
  process_alive "$(read_pid "$1")" "$2"
}

# Sends SIGTERM to the process in the pid file if it is the expected program,
# waits up to 5 s for it to exit, then removes the pid file.
stop_pid() {
  local pid_file=$1 expected_comm=$2 label=$3 pid i
  pid=$(read_pid "$pid_file")
  if ! process_alive "$pid" "$expected_comm"; then
    rm -f "$pid_file"
    return 0
  fi
  log "stopping $label (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    process_alive "$pid" "$expected_comm" || break
    sleep 0.1
  done
  if process_alive "$pid" "$expected_comm"; then
    log "$label (pid $pid) did not exit within 5 s of SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}

# Waits until a command succeeds, polling every 0.2 s for at most $1 seconds.
wait_until() {
  local seconds=$1 i
  shift
  for ((i = 0; i < seconds * 5; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# Succeeds when something listens on TCP address:port.
tcp_listening() {
  [[ -n $(ss -Hltn "src $1:$2") ]]
}
