# Configuration, start and stop of the lab's daemons: Knot DNS (authoritative),
# Unbound (validating resolver), a private Postfix instance (SMTP with
# STARTTLS), a second one that sends with DANE, and openssl s_server (HTTPS). Each daemon writes a pid file under
# run/, and `lab.sh down` stops only the processes named in those files.

KNOT_PID="$KNOT_DIR/knot.pid"
LAME_KNOT_PID="$LAME_KNOT_DIR/knot.pid"
UNBOUND_PID="$UNBOUND_DIR/unbound.pid"
# `postfix start` warns about every file in the configuration directory that
# root does not own. The postfix user owns most of the queue and data
# directories, so they are outside it, as /var/spool/postfix is outside
# /etc/postfix.
POSTFIX_CONFIG="$POSTFIX_DIR/config"
POSTFIX_QUEUE="$POSTFIX_DIR/queue"
POSTFIX_DATA="$POSTFIX_DIR/data"
POSTFIX_PID="$POSTFIX_QUEUE/pid/master.pid"

# ---------------------------------------------------------------- Knot DNS

# Writes knot.conf for an instance in directory $1 listening on address $2.
# Zones come from LAB_ZONES when $3 is "with-zones". With "no-zones" the
# instance returns REFUSED for every query.
write_knot_config() {
  local dir=$1 address=$2 zones=$3
  mkdir -p "$dir/db"
  {
    cat <<CONF
server:
    rundir: "$dir"
    pidfile: "$dir/knot.pid"
    listen: $address@$DNS_PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1

log:
  - target: "$dir/knot.log"
    any: info

database:
    storage: "$dir/db"

control:
    listen: "$dir/knot.sock"
CONF
    [[ $zones == with-zones ]] || return 0
    cat <<'CONF'

# The zone files are signed offline. Knot must serve them unchanged: it
# neither signs nor writes back to the files.
template:
  - id: default
    dnssec-signing: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off

zone:
CONF
    local entry zone
    for entry in "${LAB_ZONES[@]}"; do
      IFS='|' read -r zone _ <<<"$entry"
      printf '  - domain: "%s"\n    file: "%s/signed/%s.zone"\n' \
        "$zone" "$DNS_DIR" "$(zone_stem "$zone")"
    done
  } >"$dir/knot.conf"
}

# Succeeds when Knot returns the SOA of every lab zone.
knot_serves_all_zones() {
  local entry zone
  for entry in "${LAB_ZONES[@]}"; do
    IFS='|' read -r zone _ <<<"$entry"
    kdig +short +time=1 +retry=0 "@$AUTH_ADDRESS" -p "$DNS_PORT" SOA "$zone" | grep -q . || return 1
  done
}

lame_knot_returns_refused() {
  kdig +time=1 +retry=0 "@$LAME_NS_ADDRESS" -p "$DNS_PORT" SOA example. | grep -q 'status: REFUSED'
}

# Starts knotd with the configuration in $1 and checks it first.
run_knotd() {
  local dir=$1
  knotc -c "$dir/knot.conf" conf-check >/dev/null ||
    die "Knot rejected $dir/knot.conf (run: knotc -c $dir/knot.conf conf-check)"
  knotd -c "$dir/knot.conf" -d </dev/null >>"$dir/knotd.out" 2>&1
}

start_knot() {
  write_knot_config "$KNOT_DIR" "$AUTH_ADDRESS" with-zones
  log "starting Knot DNS on $AUTH_ADDRESS port $DNS_PORT"
  run_knotd "$KNOT_DIR"
  wait_until 15 knot_serves_all_zones ||
    die "Knot does not serve all lab zones after 15 s; see $KNOT_DIR/knot.log"

  write_knot_config "$LAME_KNOT_DIR" "$LAME_NS_ADDRESS" no-zones
  log "starting Knot DNS without zones (returns REFUSED) on $LAME_NS_ADDRESS port $DNS_PORT"
  run_knotd "$LAME_KNOT_DIR"
  wait_until 15 lame_knot_returns_refused ||
    die "the Knot instance on $LAME_NS_ADDRESS does not return REFUSED after 15 s; see $LAME_KNOT_DIR/knot.log"
}

# ----------------------------------------------------------------- Unbound

write_unbound_config() {
  mkdir -p "$UNBOUND_DIR"
  # Root hints name only the lab's own root server.
  cat >"$UNBOUND_DIR/root.hints" <<HINTS
. 3600000 NS ns.example.
ns.example. 3600000 A $AUTH_ADDRESS
HINTS
  cat >"$UNBOUND_DIR/unbound.conf" <<CONF
server:
    interface: $RESOLVER_ADDRESS
    port: $DNS_PORT
    do-ip4: yes
    do-ip6: no
    access-control: 0.0.0.0/0 refuse
    access-control: ::0/0 refuse
    access-control: 127.0.0.0/8 allow

    username: ""
    chroot: ""
    directory: "$UNBOUND_DIR"
    pidfile: "$UNBOUND_PID"
    logfile: "$UNBOUND_DIR/unbound.log"
    use-syslog: no
    verbosity: 1
    log-servfail: yes
    num-threads: 1
    so-reuseport: no

    # The private root is the only trust anchor and the only root server.
    # Without auto-trust-anchor-file, Unbound makes no RFC 5011 updates.
    trust-anchor-file: "$DNS_DIR/root.ds"
    root-hints: "$UNBOUND_DIR/root.hints"
    module-config: "validator iterator"
    val-log-level: 2
    # Extended DNS Errors (RFC 8914) give the reason for a SERVFAIL.
    ede: yes
    qname-minimisation: yes
    # The lab's name servers are on 127.0.0.0/8, which Unbound skips by default.
    do-not-query-localhost: no

remote-control:
    control-enable: yes
    control-interface: "$UNBOUND_DIR/control.sock"
    control-use-cert: no
CONF
}

start_unbound() {
  write_unbound_config
  unbound-checkconf "$UNBOUND_DIR/unbound.conf" >/dev/null ||
    die "Unbound rejected $UNBOUND_DIR/unbound.conf (run: unbound-checkconf $UNBOUND_DIR/unbound.conf)"
  log "starting Unbound on $RESOLVER_ADDRESS port $DNS_PORT"
  unbound -c "$UNBOUND_DIR/unbound.conf" </dev/null >>"$UNBOUND_DIR/unbound.out" 2>&1
  # The root SOA with the AD flag shows that the trust anchor works.
  wait_until 15 resolver_validates_root ||
    die "Unbound does not return a validated root SOA after 15 s; see $UNBOUND_DIR/unbound.log"
}

resolver_validates_root() {
  dig +time=1 +tries=1 +dnssec "@$RESOLVER_ADDRESS" -p "$DNS_PORT" SOA . |
    grep -Eq '^;; flags:[^;]* ad[ ;]'
}

# ----------------------------------------------------------------- Postfix

# Prints the master.cf entry of one SMTP listener on its own address with its
# own certificate chain.
postfix_listener() {
  local host=$1 address=$2 listen_port=$3
  printf '%s:%s inet n - n - - smtpd\n' "$address" "$listen_port"
  printf '  -o syslog_name=lab-smtpd/%s\n' "$host"
  printf '  -o myhostname=%s\n' "$host"
  printf '  -o smtpd_tls_security_level=may\n'
  printf '  -o smtpd_tls_chain_files=%s,%s\n' "$TLS_DIR/$host.key" "$TLS_DIR/$host.chain.pem"
}

# Prints the main.cf lines that decide what happens to accepted mail. By
# default every message is discarded. With LAB_MAIL_DELIVERY=maildir, the
# virtual(8) agent delivers every recipient into the maildir
# run/postfix/mail/inbox/, for tests that read what the lab received.
# NOTE: virtual(8) writes as the postfix user, so maildir delivery needs
# search permission for that user on every directory above run/.
postfix_delivery_settings() {
  case ${LAB_MAIL_DELIVERY:-discard} in
    discard)
      printf '# LAB_MAIL_DELIVERY=discard\n'
      printf 'default_transport = discard:the lab discards every message\n'
      ;;
    maildir)
      mkdir -p "$POSTFIX_DIR/mail"
      chown postfix: "$POSTFIX_DIR/mail"
      cat <<CONF
# LAB_MAIL_DELIVERY=maildir
default_transport = virtual
virtual_mailbox_domains = static:all
virtual_mailbox_base = $POSTFIX_DIR/mail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
CONF
      ;;
  esac
}

check_mail_delivery_setting() {
  case ${LAB_MAIL_DELIVERY:-discard} in
    discard | maildir) ;;
    *) die "invalid LAB_MAIL_DELIVERY '$LAB_MAIL_DELIVERY': use discard or maildir" ;;
  esac
}

# Prints the master.cf lines of Postfix's internal services, which both lab
# instances run.
postfix_internal_services() {
  cat <<'CONF'
# Postfix's internal services. None runs chrooted, so all can reach run/.
pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
virtual    unix  -       n       n       -       -       virtual
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
CONF
}

write_postfix_config() {
  mkdir -p "$POSTFIX_CONFIG" "$POSTFIX_QUEUE" "$POSTFIX_DATA"
  chown postfix: "$POSTFIX_DATA"
  cat >"$POSTFIX_CONFIG/main.cf" <<CONF
# Private Postfix instance of the DANE lab. It reads neither main.cf nor
# master.cf in /etc/postfix and listens only on the addresses in master.cf.
compatibility_level = 3.6
queue_directory = $POSTFIX_QUEUE
# Relative to queue_directory, where master and its children run. master
# opens files here as mail_owner, which may lack search permission on the
# directories above the repository (a clone under a mode 700 directory).
data_directory = ../data
mail_owner = postfix
setgid_group = postdrop
myhostname = lab-mta.example
mydomain = example
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8

maillog_file = $POSTFIX_DIR/maillog
maillog_file_prefixes = $POSTFIX_DIR

# No reverse DNS lookup of each client: the lab has no reverse zones.
smtpd_peername_lookup = no

smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_relay_restrictions = permit_mynetworks, reject

mydestination =
local_recipient_maps =
relay_transport = \$default_transport
CONF
  postfix_delivery_settings >>"$POSTFIX_CONFIG/main.cf"

  {
    postfix_internal_services
    cat <<'CONF'

# One SMTP listener per MX host address.
CONF
    local entry host address port
    for entry in "${LAB_SERVERS[@]}"; do
      IFS='|' read -r host address port _ <<<"$entry"
      [[ $port == "$SMTP_PORT" ]] || continue
      postfix_listener "$host" "$address" "$SMTP_LISTEN_PORT"
    done
  } >"$POSTFIX_CONFIG/master.cf"
}

start_postfix() {
  write_postfix_config
  launch_postfix
}

# Starts the receiving Postfix with the configuration that write_postfix_config
# wrote. `lab.sh mx-start` calls it alone, so the instance comes back with the
# listen port and delivery mode of the last `up`.
launch_postfix() {
  log "starting Postfix with configuration $POSTFIX_CONFIG"
  # The instance runs with the lab resolver as its /etc/resolv.conf, so no
  # lookup it makes can leave the lab.
  "$LAB_DIR/in-lab.sh" postfix -c "$POSTFIX_CONFIG" start </dev/null >>"$POSTFIX_DIR/postfix.out" 2>&1 ||
    die "Postfix did not start; see $POSTFIX_DIR/postfix.out and $POSTFIX_DIR/maillog"
}

stop_postfix() {
  stop_pid "$POSTFIX_PID" master "Postfix master"
}

# ---------------------------------------------------------- Postfix sender

# A second private Postfix instance that only sends: it has no SMTP listener,
# takes mail from `sendmail -C $SENDER_CONFIG`, and delivers it with DANE
# (RFC 7672) through the lab resolver. Tests use it to send to a receiver
# they run themselves, such as the MX host of tern-mx.example.
SENDER_DIR="$RUN_DIR/postfix-sender"
SENDER_CONFIG="$SENDER_DIR/config"
SENDER_QUEUE="$SENDER_DIR/queue"
SENDER_PID="$SENDER_QUEUE/pid/master.pid"

write_sender_config() {
  mkdir -p "$SENDER_CONFIG" "$SENDER_QUEUE" "$SENDER_DIR/data"
  chown postfix: "$SENDER_DIR/data"
  cat >"$SENDER_CONFIG/main.cf" <<CONF
# Sending-only Postfix instance of the DANE lab.
compatibility_level = 3.6
queue_directory = $SENDER_QUEUE
data_directory = ../data
mail_owner = postfix
setgid_group = postdrop
myhostname = lab-sender.example
mydomain = example
myorigin = \$myhostname
inet_interfaces = loopback-only
inet_protocols = ipv4
mydestination =
local_recipient_maps =

maillog_file = $SENDER_DIR/maillog
maillog_file_prefixes = $SENDER_DIR

# DANE for every destination: TLSA records from a DNSSEC-validated answer
# make TLS and authentication mandatory, without them TLS is opportunistic.
smtp_tls_security_level = dane
smtp_dns_support_level = dnssec
smtp_tls_loglevel = 1

# Tests wait seconds, not minutes: retry a deferred message within seconds,
# and give up on it after 10 minutes so nothing retries for days.
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 10s
maximal_queue_lifetime = 10m
bounce_queue_lifetime = 10m
CONF
  postfix_internal_services >"$SENDER_CONFIG/master.cf"
}

start_sender_postfix() {
  write_sender_config
  log "starting the sending Postfix with configuration $SENDER_CONFIG"
  "$LAB_DIR/in-lab.sh" postfix -c "$SENDER_CONFIG" start </dev/null >>"$SENDER_DIR/postfix.out" 2>&1 ||
    die "the sending Postfix did not start; see $SENDER_DIR/postfix.out and $SENDER_DIR/maillog"
}

stop_sender_postfix() {
  stop_pid "$SENDER_PID" master "sending Postfix master"
}

# ------------------------------------------------------------------- HTTPS

start_https_servers() {
  mkdir -p "$HTTPS_DIR"
  local entry host address port profile
  local -a chain_option
  for entry in "${LAB_SERVERS[@]}"; do
    IFS='|' read -r host address port profile _ <<<"$entry"
    [[ $port == "$HTTPS_PORT" ]] || continue
    chain_option=()
    if [[ $profile == ca ]]; then
      chain_option=(-cert_chain "$TLS_DIR/ca.crt")
    fi
    log "starting openssl s_server for $host on $address port $port"
    # setsid keeps the server out of the caller's process group. In a
    # non-interactive shell it runs the server in place, so $! is its pid.
    setsid openssl s_server -quiet -www -accept "$address:$port" \
      -cert "$TLS_DIR/$host.crt" -key "$TLS_DIR/$host.key" "${chain_option[@]}" \
      </dev/null >>"$HTTPS_DIR/$host.log" 2>&1 &
    printf '%s\n' "$!" >"$HTTPS_DIR/$host.pid"
  done
}

stop_https_servers() {
  local pid_file
  for pid_file in "$HTTPS_DIR"/*.pid; do
    [[ -e $pid_file ]] || continue
    stop_pid "$pid_file" openssl "openssl s_server $(basename "$pid_file" .pid)"
  done
}
