#!/usr/bin/env bash
# Receiving benchmark: Tern against a private Postfix instance. Both take mail over SMTP with STARTTLS,
# fsync each message into their queue before the 250 reply, and deliver it into a Maildir. The load comes
# from bench/Tern.LoadGenerator. The script prints the environment, every run and a Markdown table of the
# median runs.
#
# Usage, as root (Postfix starts its master process as root): bench/receive/run.sh
# Environment: BENCH_CONNECTIONS (default 10), BENCH_MESSAGES per connection (20), BENCH_SIZE in
# octets (10240), BENCH_RUNS per server (3; the run with the median messages/s is reported),
# BENCH_WARMUP_RUNS per server before them (4; reported apart), and BENCH_KEEP=1 to keep the temporary
# directory with the logs and Maildirs.
#
# The builds run first. Everything after them runs in a network namespace of its own that has only
# a loopback interface, so no packet can leave the machine and no other program's listeners are in the
# way. The script stops only the processes it started, by their pids, and deletes its temporary
# directory on exit.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONNECTIONS=${BENCH_CONNECTIONS:-10}
MESSAGES=${BENCH_MESSAGES:-20}
SIZE=${BENCH_SIZE:-10240}
RUNS=${BENCH_RUNS:-3}
# Tern's first runs include JIT compilation, and on this benchmark's load its CPU time per message
# settled only from the fourth run on. Postfix's first run includes starting its daemons. Neither belongs in the
# measured runs.
WARMUP_RUNS=${BENCH_WARMUP_RUNS:-4}

TERN_ADDRESS=127.77.0.1
POSTFIX_ADDRESS=127.77.0.2
PORT=2525
DOMAIN=bench.test
SENDER=loadgen@$DOMAIN
RECIPIENT=bench@$DOMAIN
START_TIMEOUT=30
DELIVERY_TIMEOUT=120
# Other load, in cores, above which a run is reported as disturbed.
DISTURBED_LOAD=0.25
# A server counts as idle after a run once it uses at most this many clock ticks in half a second.
IDLE_TICKS=1
IDLE_TIMEOUT=10
STOP_TIMEOUT=30

TERN_DLL=$REPO/src/Tern.Cli/bin/Release/net10.0/tern.dll
LOADGEN_DLL=$REPO/bench/Tern.LoadGenerator/bin/Release/net10.0/tern-loadgen.dll

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# ------------------------------------------------------------------ checks and builds

check_environment() {
  [[ $(id -u) == 0 ]] || die "run as root: Postfix starts its master process as root and then runs as the postfix user"

  local command
  for command in dotnet postfix postconf openssl jq unshare ip ss; do
    command -v "$command" >/dev/null || die "'$command' not found; install it (apt-get install postfix openssl jq iproute2 util-linux)"
  done
  id postfix >/dev/null 2>&1 || die "the user 'postfix' does not exist; install the Debian package postfix"

  local name value
  for name in CONNECTIONS MESSAGES SIZE RUNS; do
    value=${!name}
    [[ $value =~ ^[1-9][0-9]*$ ]] || die "BENCH_$name='$value' is not a positive whole number"
  done
  [[ $WARMUP_RUNS =~ ^[0-9]+$ ]] || die "BENCH_WARMUP_RUNS='$WARMUP_RUNS' is not a whole number"
}

build() {
  local project output
  for project in src/Tern.Cli bench/Tern.LoadGenerator; do
    log "building $project (Release)"
    if ! output=$(cd "$REPO" && dotnet build -c Release "$project" 2>&1); then
      printf '%s\n' "$output" | tail -n 30 >&2
      die "the build of $project failed"
    fi
  done
}

# ------------------------------------------------------------------ certificate

# One self-signed RSA 2048 certificate for both servers, so both handshakes do the same work.
# Tern generates the same kind of key when it has no certificate files.
write_certificate() {
  mkdir -p "$WORK/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=mx.$DOMAIN" \
    -keyout "$WORK/tls/server.key" -out "$WORK/tls/server.crt" 2>"$WORK/tls/openssl.log" ||
    die "openssl could not create the certificate; see $WORK/tls/openssl.log"
  chmod 600 "$WORK/tls/server.key"
}

# ------------------------------------------------------------------ Tern

start_tern() {
  local dir=$WORK/tern
  mkdir -p "$dir"
  cat >"$dir/tern.json" <<JSON
{
  "HostName": "tern.$DOMAIN",
  "DataDirectory": "$dir/data",
  "Listeners": [ { "Address": "$TERN_ADDRESS", "Port": $PORT, "Mode": "Mx" } ],
  "LocalDomains": { "$DOMAIN": { "CatchAll": true } },
  "Tls": { "CertificateFile": "$WORK/tls/server.crt", "KeyFile": "$WORK/tls/server.key" }
}
JSON

  log "starting Tern on $TERN_ADDRESS:$PORT"
  (cd "$dir" && exec dotnet "$TERN_DLL" serve --config "$dir/tern.json" </dev/null >"$dir/tern.log" 2>&1) &
  TERN_PID=$!
  wait_for_listener "$TERN_ADDRESS" "$TERN_PID" "Tern" "$dir/tern.log"
}

stop_tern() {
  [[ -n ${TERN_PID:-} ]] || return 0
  log "stopping Tern (pid $TERN_PID)"
  stop_pid "$TERN_PID"
  TERN_PID=
}

# ------------------------------------------------------------------ Postfix

# Writes main.cf and master.cf of a private instance. It reads nothing in /etc/postfix except the
# package's own metadata, listens only on the master.cf address, and keeps its queue and data under
# $WORK. Fsync behaviour stays at Postfix's default: cleanup(8) syncs each queue file before smtpd(8)
# replies 250.
write_postfix_config() {
  local dir=$WORK/postfix
  mkdir -p "$dir/config" "$dir/queue" "$dir/data" "$dir/mail"
  chown postfix: "$dir/data" "$dir/mail"

  cat >"$dir/config/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.$DOMAIN
mydomain = $DOMAIN
myorigin = \$myhostname
mydestination =
inet_protocols = ipv4
inet_interfaces = loopback-only
mynetworks = 127.0.0.0/8
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
append_dot_mydomain = no
biff = no
smtpd_peername_lookup = no

# Every address at $DOMAIN is accepted, as in Tern with CatchAll, and delivered into one Maildir.
# virtual(8) does not allow \$1 substitution from a regexp table, so there is no Maildir per local part.
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = static:$DOMAIN/catch-all/
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
virtual_minimum_uid = $(id -u postfix)

# Nothing leaves this instance: mail for any other domain fails at once.
default_transport = error:the benchmark instance delivers only to $DOMAIN
relay_transport = error:the benchmark instance delivers only to $DOMAIN

smtpd_tls_security_level = may
smtpd_tls_cert_file = $WORK/tls/server.crt
smtpd_tls_key_file = $WORK/tls/server.key
CONF

  # No service runs chrooted, so each can reach $WORK.
  cat >"$dir/config/master.cf" <<CONF
# service        type       private unpriv chroot wakeup maxproc command
$POSTFIX_ADDRESS:$PORT inet     n       -      n      -      -       smtpd
pickup           unix       n       -      n      60     1       pickup
cleanup          unix       n       -      n      -      0       cleanup
qmgr             unix       n       -      n      300    1       qmgr
tlsmgr           unix       -       -      n      1000?  1       tlsmgr
rewrite          unix       -       -      n      -      -       trivial-rewrite
bounce           unix       -       -      n      -      0       bounce
defer            unix       -       -      n      -      0       bounce
trace            unix       -       -      n      -      0       bounce
verify           unix       -       -      n      -      1       verify
flush            unix       n       -      n      1000?  0       flush
proxymap         unix       -       -      n      -      -       proxymap
showq            unix       n       -      n      -      -       showq
error            unix       -       -      n      -      -       error
retry            unix       -       -      n      -      -       error
discard          unix       -       -      n      -      -       discard
virtual          unix       -       n      n      -      -       virtual
anvil            unix       -       -      n      -      1       anvil
scache           unix       -       -      n      -      1       scache
postlog          unix-dgram n       -      n      -      1       postlogd
CONF
}

start_postfix() {
  local dir=$WORK/postfix
  write_postfix_config
  log "starting Postfix on $POSTFIX_ADDRESS:$PORT"
  postfix -c "$dir/config" start </dev/null >"$dir/postfix.out" 2>&1 ||
    die "Postfix did not start; see $dir/postfix.out and $dir/maillog"

  local deadline=$((SECONDS + START_TIMEOUT))
  until [[ -s $dir/queue/pid/master.pid ]]; do
    ((SECONDS < deadline)) || die "Postfix wrote no master.pid within $START_TIMEOUT s; see $dir/maillog"
    sleep 0.1
  done
  read -r POSTFIX_PID <"$dir/queue/pid/master.pid"
  wait_for_listener "$POSTFIX_ADDRESS" "$POSTFIX_PID" "Postfix" "$dir/maillog"
}

stop_postfix() {
  # After a failure between `postfix start` and reading master.pid, the pid is still in that file.
  if [[ -z ${POSTFIX_PID:-} && -n ${WORK:-} && -s $WORK/postfix/queue/pid/master.pid ]]; then
    read -r POSTFIX_PID <"$WORK/postfix/queue/pid/master.pid"
  fi
  [[ -n ${POSTFIX_PID:-} ]] || return 0
  # master(8) stops its child processes when it receives SIGTERM.
  log "stopping the Postfix master (pid $POSTFIX_PID)"
  stop_pid "$POSTFIX_PID"
  POSTFIX_PID=
}

# ------------------------------------------------------------------ process helpers

wait_for_listener() {
  local address=$1 pid=$2 name=$3 logfile=$4
  local deadline=$((SECONDS + START_TIMEOUT))
  until [[ -n $(ss -Hltn "src $address:$PORT") ]]; do
    kill -0 "$pid" 2>/dev/null || die "$name exited before it listened on $address:$PORT; see $logfile"
    ((SECONDS < deadline)) || die "$name did not listen on $address:$PORT within $START_TIMEOUT s; see $logfile"
    sleep 0.1
  done
}

# Sends SIGTERM and waits for the process to end, then SIGKILL after STOP_TIMEOUT seconds.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "pid $pid still runs after $STOP_TIMEOUT s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
}

cleanup() {
  local status=$?
  stop_tern
  stop_postfix
  if [[ -n ${BENCH_KEEP:-} && -n ${WORK:-} ]]; then
    log "BENCH_KEEP is set, so $WORK is kept"
  elif [[ -n ${WORK:-} && -d $WORK ]]; then
    # Children of the Postfix master may take a moment to exit after it.
    sleep 1
    rm -rf "$WORK"
  fi
  exit "$status"
}

# ------------------------------------------------------------------ measuring

count_files() {
  if [[ -d $1 ]]; then
    find "$1" -maxdepth 1 -type f | wc -l
  else
    echo 0
  fi
}

# Prints the CPU time, in clock ticks, of process $1 and its children, children it has already reaped
# included. In this configuration every Postfix daemon is a child of master(8) and none forks further,
# so the difference of two readings is the CPU time of the whole instance, even when a daemon exited.
tree_cpu_ticks() {
  local root=$1 total=0 file line pid
  local -a fields
  for file in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$file" || continue
    pid=${line%% *}
    # The second field, the command name, may contain spaces, so the split starts after it.
    read -r -a fields <<<"${line##*) }"
    if [[ $pid == "$root" || ${fields[1]} == "$root" ]]; then
      # utime, stime, cutime and cstime: fields 14 to 17 of proc(5).
      total=$((total + fields[11] + fields[12] + fields[13] + fields[14]))
    fi
  done
  echo "$total"
}

# Prints the busy CPU time of the whole machine in clock ticks: everything but idle and iowait, with
# the time the hypervisor gave to other machines (steal) counted as busy.
machine_busy_ticks() {
  local user nice system idle iowait irq softirq steal
  read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
  echo $((user + nice + system + irq + softirq + steal))
}

# Prints the CPU ticks of this script's reaped children: the load generator and the helper commands.
own_children_ticks() {
  local line
  local -a fields
  read -r line </proc/$$/stat
  read -r -a fields <<<"${line##*) }"
  echo $((fields[13] + fields[14]))
}

# Waits until process $1 and its children use at most IDLE_TICKS of CPU in half a second, so that work
# a run left behind (JIT compilation, queue clean-up) is counted in that run, not in the next.
wait_until_idle() {
  local pid=$1 previous current
  local deadline=$((SECONDS + IDLE_TIMEOUT))
  previous=$(tree_cpu_ticks "$pid")
  while sleep 0.5; do
    current=$(tree_cpu_ticks "$pid")
    ((current - previous <= IDLE_TICKS)) && return 0
    if ((SECONDS >= deadline)); then
      log "warning: pid $pid still used CPU $IDLE_TIMEOUT s after the run; measuring on"
      return 0
    fi
    previous=$current
  done
}

# Runs the load generator once, waits until the server has delivered every message and is idle again,
# and appends a tab-separated line to file $6. Its columns: server, run, messages/s, p50 ms, p99 ms,
# max ms, elapsed s, delivered-after s, server and client CPU ms per message, other load in cores, TLS.
# The previous run was delivered in full before this one starts. So once the Maildir contains all of
# this run's messages, its newest file belongs to this run.
measure() {
  local server=$1 address=$2 server_pid=$3 maildir=$4 run=$5 results=$6
  local name="$server-run-${run// /-}"
  local report=$WORK/$name.json
  local messages=$((CONNECTIONS * MESSAGES))
  local before expected
  before=$(count_files "$maildir")
  expected=$((before + messages))

  local server_ticks machine_ticks client_ticks kernel_ticks window_start
  server_ticks=$(tree_cpu_ticks "$server_pid")
  client_ticks=$(own_children_ticks)
  kernel_ticks=$(tree_cpu_ticks "$KTHREADD_PID")
  machine_ticks=$(machine_busy_ticks)
  window_start=$(date +%s.%N)

  log "$server run $run: $CONNECTIONS connections x $MESSAGES messages of $SIZE octets"
  if ! dotnet "$LOADGEN_DLL" --server "$address:$PORT" --starttls \
    --connections "$CONNECTIONS" --messages "$MESSAGES" --size "$SIZE" \
    --from "$SENDER" --to "$RECIPIENT" --json >"$report" 2>"$WORK/$name.err"; then
    cat "$WORK/$name.err" >&2
    die "$server run $run had errors; the numbers would not be comparable"
  fi

  local deadline=$((SECONDS + DELIVERY_TIMEOUT)) count
  while count=$(count_files "$maildir") && ((count < expected)); do
    ((SECONDS < deadline)) || die "$server delivered $((count - before)) of $messages messages into $maildir within $DELIVERY_TIMEOUT s"
    sleep 0.1
  done
  wait_until_idle "$server_pid"

  local window_end
  server_ticks=$(($(tree_cpu_ticks "$server_pid") - server_ticks))
  client_ticks=$(($(own_children_ticks) - client_ticks))
  kernel_ticks=$(($(tree_cpu_ticks "$KTHREADD_PID") - kernel_ticks))
  machine_ticks=$(($(machine_busy_ticks) - machine_ticks))
  window_end=$(date +%s.%N)

  # Delivery is complete when the last Maildir file was written. Its modification time is compared
  # with the load generator's start, so neither the polling above nor process start-up counts.
  local start last
  start=$(date -d "$(jq -r .StartTime "$report")" +%s.%N)
  last=$(find "$maildir" -maxdepth 1 -type f -printf '%T@\n' | sort -n | tail -n 1)

  # Other load: what the machine was busy with besides this server, the load generator, this script and
  # the kernel threads, in cores on average over the run. The kernel threads are left out because they
  # also journal and write this server's fsyncs. Another developer's build shows up here.
  jq -r --arg server "$server" --arg run "$run" --arg start "$start" --arg last "$last" \
    --argjson hz "$CLOCK_TICKS" --argjson messages "$messages" \
    --argjson server_ticks "$server_ticks" --argjson client_ticks "$client_ticks" \
    --argjson machine_ticks "$machine_ticks" --argjson kernel_ticks "$kernel_ticks" --arg window "$window_start $window_end" \
    '($window | split(" ") | map(tonumber)) as [$from, $to]
     | [$server, $run, .MessagesPerSecond, .LatencyP50Ms, .LatencyP99Ms, .LatencyMaxMs, .ElapsedSeconds,
        (($last | tonumber) - ($start | tonumber)),
        ($server_ticks / $hz * 1000 / $messages),
        (.ClientCpuSeconds * 1000 / $messages),
        (($machine_ticks - $server_ticks - $client_ticks - $kernel_ticks) / $hz / ($to - $from)),
        .Tls] | @tsv' "$report" >>"$results"
}

print_environment() {
  local runtime device
  runtime=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { version = $2 } END { print version }')
  device=$(findmnt -n -o SOURCE --target "$WORK")
  cat <<TEXT
## Environment

- Date: $(date -u)
- Machine: $(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -h | awk '/^Mem:/ { print $2 }') memory
- Disk under $WORK: $device ($(describe_disk "$device"))
- Tern: commit $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- src || printf ' plus uncommitted changes under src/'), .NET runtime $runtime (SDK $(dotnet --version))
- Postfix: $(postconf -d -h mail_version), $(openssl version)
- Load: $CONNECTIONS connections x $MESSAGES messages of $SIZE octets, STARTTLS, $WARMUP_RUNS warm-up and $RUNS measured runs per server

TEXT
}

# Prints the driver of a block device and whether it reports itself as rotational, as sysfs shows them.
describe_disk() {
  local name=${1#/dev/}
  local sys=/sys/class/block/$name
  [[ -d $sys ]] || {
    echo "type unknown"
    return
  }
  [[ -e $sys/partition ]] && sys=$(dirname "$(readlink -f "$sys")")
  local driver=unknown rotational=unknown
  if [[ -e $sys/device/driver ]]; then
    driver=$(basename "$(readlink -f "$sys/device/driver")")
  fi
  if [[ -r $sys/queue/rotational ]]; then
    rotational=$(<"$sys/queue/rotational")
  fi
  echo "driver $driver, rotational flag $rotational"
}

# Prints one Markdown row per line of the results file $1.
print_runs() {
  printf '| Server | Run | Messages/s | p50 (ms) | p99 (ms) | Max (ms) | Received in (s) | Delivered after (s) | Server CPU per message (ms) | Client CPU per message (ms) | Other load (cores) |\n'
  printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
  awk -F'\t' '{ printf "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$1"
}

print_tables() {
  if [[ -s $WARMUP_RESULTS ]]; then
    printf '## Warm-up runs (not counted)\n\n'
    print_runs "$WARMUP_RESULTS"
    printf '\n'
  fi

  printf '## Measured runs\n\n'
  print_runs "$RESULTS"

  printf '\nTLS: %s\n' "$(awk -F'\t' '{ print $1 " " $12 }' "$RESULTS" | sort -u | paste -sd ';' | sed 's/;/; /g')"

  local disturbed
  disturbed=$(awk -F'\t' -v limit="$DISTURBED_LOAD" '$11 > limit { printf "%s%s run %s (%.2f cores)", separator, $1, $2, $11; separator = ", " }' "$RESULTS")
  if [[ -n $disturbed ]]; then
    printf '\nWarning: other programs kept more than %s cores busy during %s. Those runs may be slower than on a quiet machine, so rerun when the machine is idle.\n' "$DISTURBED_LOAD" "$disturbed"
  fi

  printf '\n## Median run (by messages/s)\n\n'
  printf '| Server | Messages/s | p50 (ms) | p99 (ms) | Delivered after (s) | Server CPU per message (ms) |\n'
  printf '|---|---:|---:|---:|---:|---:|\n'
  local server
  for server in tern postfix; do
    awk -F'\t' -v server="$server" '$1 == server' "$RESULTS" | sort -t$'\t' -k3,3g |
      awk -F'\t' -v runs="$RUNS" 'NR == int((runs + 1) / 2) {
        printf "| %s | %.1f | %.1f | %.1f | %.2f | %.2f |\n", ($1 == "tern" ? "Tern" : "Postfix"), $3, $4, $5, $8, $9 }'
  done
}

# ------------------------------------------------------------------ main

in_namespace() {
  # unshare(1) replaced the outer script with this one, so the parent is the process that started the script.
  local own parent
  own=$(readlink /proc/$$/ns/net)
  parent=$(readlink "/proc/$PPID/ns/net") || die "cannot read the network namespace of the parent process $PPID"
  [[ $own != "$parent" ]] ||
    die "--in-namespace runs only inside the network namespace that the script creates; run bench/receive/run.sh without arguments"
  ip link set lo up
  WORK=$(mktemp -d /tmp/tern-bench-receive.XXXXXX)
  # The postfix user needs search permission here to reach its queue and Maildirs.
  chmod 755 "$WORK"
  RESULTS=$WORK/results.tsv
  WARMUP_RESULTS=$WORK/warmup.tsv
  CLOCK_TICKS=$(getconf CLK_TCK)
  # kthreadd, the parent of every kernel thread.
  KTHREADD_PID=2
  : >"$RESULTS"
  : >"$WARMUP_RESULTS"
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  write_certificate
  start_tern
  start_postfix

  # Alternate the servers, so that a burst of load from elsewhere on the machine is less likely to
  # hit only one of them.
  local run
  for ((run = 1; run <= WARMUP_RUNS; run++)); do
    measure tern "$TERN_ADDRESS" "$TERN_PID" "$WORK/tern/data/mail/$DOMAIN/bench/new" "warm-up $run" "$WARMUP_RESULTS"
    measure postfix "$POSTFIX_ADDRESS" "$POSTFIX_PID" "$WORK/postfix/mail/$DOMAIN/catch-all/new" "warm-up $run" "$WARMUP_RESULTS"
  done
  for ((run = 1; run <= RUNS; run++)); do
    measure tern "$TERN_ADDRESS" "$TERN_PID" "$WORK/tern/data/mail/$DOMAIN/bench/new" "$run" "$RESULTS"
    measure postfix "$POSTFIX_ADDRESS" "$POSTFIX_PID" "$WORK/postfix/mail/$DOMAIN/catch-all/new" "$run" "$RESULTS"
  done

  print_environment
  print_tables
}

main() {
  if [[ ${1:-} == --in-namespace ]]; then
    in_namespace
    return
  fi

  check_environment
  build
  log "entering a private network namespace"
  exec unshare --net -- bash "${BASH_SOURCE[0]}" --in-namespace
}

main "$@"
