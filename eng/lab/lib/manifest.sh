# The facts that tests read: run/lab.env (shell KEY=value lines) and
# run/lab.json (the same facts plus, per zone, the expected RFC 7672 verdict
# and the dig and posttls-finger results that check.sh verifies).

# Expected outcome per zone:
#   domain|MX RRset status|verdict|action|posttls-finger output (ERE)|reason
# Verdicts: authenticated-tls, authentication-failure,
# unauthenticated-tls-required, opportunistic-tls, tlsa-lookup-failure,
# mx-lookup-failure, null-mx. Actions: deliver, defer, bounce.
zone_facts() {
  cat <<'FACTS'
dane-ee.example|secure|authenticated-tls|deliver|Verified TLS connection established to mx\.dane-ee\.example|DANE-EE(3) record matches the server's public key (RFC 7672 section 3.1.1)
dane-ta.example|secure|authenticated-tls|deliver|Verified TLS connection established to mx\.dane-ta\.example|DANE-TA(2) record matches the lab CA that issued the server certificate, whose name matches the MX host (RFC 7672 sections 3.1.2 and 3.2.2)
mismatch.example|secure|authentication-failure|defer|no matching DANE TLSA records|the only usable record names key A but the server presents key B, so the client must not deliver to that host (RFC 7672 section 2.2)
unsigned.example|insecure|opportunistic-tls|deliver|Untrusted TLS connection established to mx\.unsigned\.example|insecure MX RRset and TLSA records are ignored, even when they match (RFC 7672 section 2.2)
bogus.example|bogus|mx-lookup-failure|defer|Name service error for name=bogus\.example type=MX|all signatures expired, so the MX lookup fails validation and delivery is deferred (RFC 7672 section 2.2.1)
dsmismatch.example|bogus|mx-lookup-failure|defer|Name service error for name=dsmismatch\.example type=MX|the DS in example. matches no DNSKEY of the zone, so every lookup is bogus (RFC 7672 section 2.2.1)
notlsa.example|secure|opportunistic-tls|deliver|Untrusted TLS connection established to mx\.notlsa\.example|secure MX host without TLSA records: no DANE (RFC 7672 section 2.2)
cname.example|secure|authenticated-tls|deliver|Verified TLS connection established to mx\.cname\.example|the MX host is a secure CNAME, so the TLSA base domain is its target host.cname-target.example (RFC 7672 section 2.2.3)
insecure-mx.example|secure|opportunistic-tls|deliver|Untrusted TLS connection established to mx\.unsigned-hosts\.example|the MX host's address is insecure, so the client skips the TLSA lookup, which would get SERVFAIL (RFC 7672 section 2.2.3)
servfail.example|secure|tlsa-lookup-failure|defer|TLSA lookup error for mx\.servfail\.example:25|the MX host's address is secure but its TLSA lookup gets SERVFAIL, so the client must not deliver to that host (RFC 7672 section 2.2.3)
unusable.example|secure|unauthenticated-tls-required|deliver|all TLSA records unusable, fallback to unauthenticated TLS|secure TLSA RRset with only unusable records: TLS is mandatory but not authenticated (RFC 7672 sections 2.2 and 3.1.3)
nullmx.example|secure|null-mx|bounce|does not accept mail \(nullMX\)|null MX: the domain accepts no mail, so the message bounces (RFC 7505)
multi-mx.example|secure|opportunistic-tls|deliver|Untrusted TLS connection established to [bc]\.multi-mx\.example|b and c (preference 10) come before a (preference 20), in random order among themselves (RFC 5321 section 5.1)
nomx.example|secure|opportunistic-tls|deliver|Untrusted TLS connection established to nomx\.example|no MX RRset, so the domain's own address is the implicit MX (RFC 5321 section 5.1)
FACTS
}

# dig expectations, one query each, sent with +dnssec to the lab resolver:
#   zone|name|type|rcode|AD flag|answer RDATA of that type, ";"-separated
# An empty answer field means the answer section has no record of the type.
# TLSA data is computed from the certificates made at `up`.
zone_checks() {
  local old_key unusable_crt ca
  old_key=$(spki_sha256_of_key "$TLS_DIR/mismatch-key-a.key")
  unusable_crt="$TLS_DIR/mx.unusable.example.crt"
  ca=$(certificate_sha256 "$TLS_DIR/ca.crt")
  cat <<CHECKS
dane-ee.example|dane-ee.example|MX|NOERROR|true|10 mx.dane-ee.example.
dane-ee.example|mx.dane-ee.example|A|NOERROR|true|$(server_address mx.dane-ee.example)
dane-ee.example|_25._tcp.mx.dane-ee.example|TLSA|NOERROR|true|3 1 1 $(spki_of mx.dane-ee.example)
dane-ee.example|www.dane-ee.example|A|NOERROR|true|$(server_address www.dane-ee.example)
dane-ee.example|_443._tcp.www.dane-ee.example|TLSA|NOERROR|true|3 1 1 $(spki_of www.dane-ee.example)
dane-ta.example|dane-ta.example|MX|NOERROR|true|10 mx.dane-ta.example.
dane-ta.example|mx.dane-ta.example|A|NOERROR|true|$(server_address mx.dane-ta.example)
dane-ta.example|_25._tcp.mx.dane-ta.example|TLSA|NOERROR|true|2 0 1 $ca
dane-ta.example|www.dane-ta.example|A|NOERROR|true|$(server_address www.dane-ta.example)
dane-ta.example|_443._tcp.www.dane-ta.example|TLSA|NOERROR|true|2 0 1 $ca
mismatch.example|mismatch.example|MX|NOERROR|true|10 mx.mismatch.example.
mismatch.example|mx.mismatch.example|A|NOERROR|true|$(server_address mx.mismatch.example)
mismatch.example|_25._tcp.mx.mismatch.example|TLSA|NOERROR|true|3 1 1 $old_key
mismatch.example|www.mismatch.example|A|NOERROR|true|$(server_address www.mismatch.example)
mismatch.example|_443._tcp.www.mismatch.example|TLSA|NOERROR|true|3 1 1 $old_key
unsigned.example|unsigned.example|MX|NOERROR|false|10 mx.unsigned.example.
unsigned.example|mx.unsigned.example|A|NOERROR|false|$(server_address mx.unsigned.example)
unsigned.example|_25._tcp.mx.unsigned.example|TLSA|NOERROR|false|3 1 1 $(spki_of mx.unsigned.example)
unsigned.example|unsigned.example|DS|NOERROR|true|
bogus.example|bogus.example|MX|SERVFAIL|false|
bogus.example|mx.bogus.example|A|SERVFAIL|false|
bogus.example|_25._tcp.mx.bogus.example|TLSA|SERVFAIL|false|
dsmismatch.example|dsmismatch.example|MX|SERVFAIL|false|
dsmismatch.example|mx.dsmismatch.example|A|SERVFAIL|false|
dsmismatch.example|_25._tcp.mx.dsmismatch.example|TLSA|SERVFAIL|false|
notlsa.example|notlsa.example|MX|NOERROR|true|10 mx.notlsa.example.
notlsa.example|mx.notlsa.example|A|NOERROR|true|$(server_address mx.notlsa.example)
notlsa.example|_25._tcp.mx.notlsa.example|TLSA|NXDOMAIN|true|
cname.example|cname.example|MX|NOERROR|true|10 mx.cname.example.
cname.example|mx.cname.example|CNAME|NOERROR|true|host.cname-target.example.
cname.example|mx.cname.example|A|NOERROR|true|$(server_address host.cname-target.example)
cname.example|_25._tcp.host.cname-target.example|TLSA|NOERROR|true|3 1 1 $(spki_of host.cname-target.example)
cname.example|_25._tcp.mx.cname.example|TLSA|NXDOMAIN|true|
insecure-mx.example|insecure-mx.example|MX|NOERROR|true|10 mx.unsigned-hosts.example.
insecure-mx.example|mx.unsigned-hosts.example|A|NOERROR|false|$(server_address mx.unsigned-hosts.example)
insecure-mx.example|_25._tcp.mx.unsigned-hosts.example|TLSA|SERVFAIL|false|
servfail.example|servfail.example|MX|NOERROR|true|10 mx.servfail.example.
servfail.example|mx.servfail.example|A|NOERROR|true|$(server_address mx.servfail.example)
servfail.example|_25._tcp.mx.servfail.example|TLSA|SERVFAIL|false|
unusable.example|unusable.example|MX|NOERROR|true|10 mx.unusable.example.
unusable.example|mx.unusable.example|A|NOERROR|true|$(server_address mx.unusable.example)
unusable.example|_25._tcp.mx.unusable.example|TLSA|NOERROR|true|0 0 1 $(certificate_sha256 "$unusable_crt");1 1 1 $(spki_of mx.unusable.example);3 2 1 $(spki_of mx.unusable.example)
nullmx.example|nullmx.example|MX|NOERROR|true|0 .
multi-mx.example|multi-mx.example|MX|NOERROR|true|20 a.multi-mx.example.;10 b.multi-mx.example.;10 c.multi-mx.example.
multi-mx.example|a.multi-mx.example|A|NOERROR|true|$(server_address a.multi-mx.example)
multi-mx.example|b.multi-mx.example|A|NOERROR|true|$(server_address b.multi-mx.example)
multi-mx.example|c.multi-mx.example|A|NOERROR|true|$(server_address c.multi-mx.example)
nomx.example|nomx.example|MX|NOERROR|true|
nomx.example|nomx.example|A|NOERROR|true|$(server_address nomx.example)
CHECKS
}

# Expected result of a DANE handshake with each HTTPS server, which check.sh
# tests with openssl s_client and the TLSA records from the lab resolver.
#   host|TLSA name|verified
https_checks() {
  cat <<'CHECKS'
www.dane-ee.example|_443._tcp.www.dane-ee.example|true
www.dane-ta.example|_443._tcp.www.dane-ta.example|true
www.mismatch.example|_443._tcp.www.mismatch.example|false
CHECKS
}

# Zones whose MX host is in TEST_MX_SERVERS, with the dig checks in the
# zone_checks format. They are not in lab.json's "zones", whose every MX
# host must answer, because nothing listens there until a test starts one.
#   zone|name|type|rcode|AD flag|answer RDATA
test_mx_zone_checks() {
  cat <<CHECKS
tern-mx.example|tern-mx.example|MX|NOERROR|true|10 mx.tern-mx.example.
tern-mx.example|mx.tern-mx.example|A|NOERROR|true|$(server_address mx.tern-mx.example)
tern-mx.example|_25._tcp.mx.tern-mx.example|TLSA|NOERROR|true|3 1 1 $(spki_of mx.tern-mx.example)
CHECKS
}

# Prints TEST_MX_SERVERS as lines of zone|host|address|port.
test_mx_table() {
  local entry host address port
  for entry in "${TEST_MX_SERVERS[@]}"; do
    IFS='|' read -r host address port _ <<<"$entry"
    printf '%s|%s|%s|%s\n' "${host#mx.}" "$host" "$address" "$port"
  done
}

# Prints a shell variable name for a host: mx.dane-ee.example becomes
# LAB_MX_DANE_EE_EXAMPLE.
host_variable() {
  local name=${1^^}
  name=${name//[.-]/_}
  printf 'LAB_%s\n' "$name"
}

write_lab_env() {
  local entry host address port profile prefix
  {
    cat <<ENV
# Facts of the running DANE lab, written by eng/lab/lab.sh up.
LAB_RESOLVER_ADDRESS=$RESOLVER_ADDRESS
LAB_RESOLVER_PORT=$DNS_PORT
LAB_UNBOUND_CONFIG=$UNBOUND_DIR/unbound.conf
LAB_AUTH_ADDRESS=$AUTH_ADDRESS
LAB_AUTH_PORT=$DNS_PORT
LAB_LAME_NS_ADDRESS=$LAME_NS_ADDRESS
LAB_RESOLV_CONF=$RESOLV_CONF
LAB_ROOT_DS_FILE=$DNS_DIR/root.ds
LAB_ROOT_DNSKEY_FILE=$DNS_DIR/root.dnskey
LAB_SMTP_PORT=$SMTP_PORT
LAB_SMTP_LISTEN_PORT=$SMTP_LISTEN_PORT
LAB_MAIL_DELIVERY=${LAB_MAIL_DELIVERY:-discard}
LAB_MAILDIR=$POSTFIX_DIR/mail/inbox
LAB_POSTFIX_LOG=$POSTFIX_DIR/maillog
LAB_HTTPS_PORT=$HTTPS_PORT
LAB_CA_CERT=$TLS_DIR/ca.crt
LAB_CA_KEY=$TLS_DIR/ca.key
LAB_MISMATCH_KEY_A=$TLS_DIR/mismatch-key-a.key
LAB_MISMATCH_KEY_B=$TLS_DIR/mismatch-key-b.key
LAB_JSON=$LAB_JSON
LAB_SENDER_CONFIG=$SENDER_CONFIG
LAB_SENDER_LOG=$SENDER_DIR/maillog
ENV
    for entry in "${LAB_SERVERS[@]}" "${TEST_MX_SERVERS[@]}"; do
      IFS='|' read -r host address port profile _ <<<"$entry"
      prefix=$(host_variable "$host")
      printf '%s_ADDRESS=%s\n' "$prefix" "$address"
      printf '%s_CERT=%s\n' "$prefix" "$TLS_DIR/$host.crt"
      printf '%s_KEY=%s\n' "$prefix" "$TLS_DIR/$host.key"
      printf '%s_CHAIN=%s\n' "$prefix" "$TLS_DIR/$host.chain.pem"
    done
  } >"$LAB_ENV"
}

# Prints LAB_SERVERS as lines of host|address|port|service|issuer|key type.
server_table() {
  local entry host address port profile service issuer key_type
  for entry in "${LAB_SERVERS[@]}"; do
    IFS='|' read -r host address port profile _ <<<"$entry"
    service=smtp
    [[ $port == "$HTTPS_PORT" ]] && service=https
    issuer=self
    [[ $profile == ca ]] && issuer=lab-ca
    key_type=ec-p256
    [[ $profile == rsa ]] && key_type=rsa-2048
    printf '%s|%s|%s|%s|%s|%s\n' "$host" "$address" "$port" "$service" "$issuer" "$key_type"
  done
}

write_lab_json() {
  jq -n \
    --arg resolver "$RESOLVER_ADDRESS" --arg auth "$AUTH_ADDRESS" \
    --arg lame "$LAME_NS_ADDRESS" --argjson dnsPort "$DNS_PORT" \
    --arg resolvConf "$RESOLV_CONF" --arg tls "$TLS_DIR" \
    --arg unboundConfig "$UNBOUND_DIR/unbound.conf" \
    --arg rootDsFile "$DNS_DIR/root.ds" --arg rootDnskeyFile "$DNS_DIR/root.dnskey" \
    --arg rootDs "$(cat "$DNS_DIR/root.ds")" \
    --arg smtpListenPort "$SMTP_LISTEN_PORT" \
    --arg delivery "${LAB_MAIL_DELIVERY:-discard}" --arg maildir "$POSTFIX_DIR/mail/inbox" \
    --arg maillog "$POSTFIX_DIR/maillog" \
    --arg servers "$(server_table)" \
    --arg facts "$(zone_facts)" \
    --arg checks "$(zone_checks)" \
    --arg https "$(https_checks)" \
    --arg sender "$SENDER_CONFIG" --arg senderLog "$SENDER_DIR/maillog" \
    --arg testMx "$(test_mx_table)" --arg testMxChecks "$(test_mx_zone_checks)" '
    def rows: split("\n") | map(select(length > 0) | split("|"));
    def answers: if . == "" then [] else split(";") end;
    ($checks | rows | map({
        zone: .[0], name: .[1], type: .[2], rcode: .[3],
        ad: (.[4] == "true"), answer: (.[5] | answers)
      })) as $checkList
    | ($https | rows | map({host: .[0], tlsaName: .[1], verified: (.[2] == "true")})) as $httpsList
    | ($testMxChecks | rows | map({
        zone: .[0], name: .[1], type: .[2], rcode: .[3],
        ad: (.[4] == "true"), answer: (.[5] | answers)
      })) as $testMxCheckList
    | {
        resolver: {address: $resolver, port: $dnsPort, unboundConfig: $unboundConfig},
        authoritative: {address: $auth, port: $dnsPort},
        lameNameServer: {address: $lame, port: $dnsPort},
        resolvConf: $resolvConf,
        mail: {delivery: $delivery, maildir: $maildir, log: $maillog},
        sender: {config: $sender, log: $senderLog},
        trustAnchor: {ds: $rootDs, dsFile: $rootDsFile, dnskeyFile: $rootDnskeyFile},
        ca: {certificate: ($tls + "/ca.crt"), key: ($tls + "/ca.key")},
        mismatchKeys: {old: ($tls + "/mismatch-key-a.key"), current: ($tls + "/mismatch-key-b.key")},
        servers: ($servers | rows | map({
          host: .[0], address: .[1], port: (.[2] | tonumber), service: .[3],
          listenPort: (if .[3] == "smtp" then ($smtpListenPort | tonumber) else (.[2] | tonumber) end),
          issuer: .[4], keyType: .[5],
          certificate: ($tls + "/" + .[0] + ".crt"),
          key: ($tls + "/" + .[0] + ".key"),
          chain: ($tls + "/" + .[0] + ".chain.pem")
        })),
        zones: ($facts | rows | map(.[0] as $domain | {
          domain: $domain, dnssec: .[1], verdict: .[2], action: .[3],
          posttlsFingerPattern: .[4], reason: .[5],
          mx: [$checkList[] | select(.zone == $domain and .name == $domain and .type == "MX")
               | .answer[] | split(" ") | {preference: (.[0] | tonumber), host: (.[1] | if . == "." then . else rtrimstr(".") end)}],
          checks: [$checkList[] | select(.zone == $domain) | del(.zone)],
          https: [$httpsList[] | select(.host | endswith("." + $domain))]
        })),
        testMxZones: ($testMx | rows | map(.[0] as $domain | {
          domain: $domain, host: .[1], address: .[2], port: (.[3] | tonumber),
          certificate: ($tls + "/" + .[1] + ".crt"),
          key: ($tls + "/" + .[1] + ".key"),
          chain: ($tls + "/" + .[1] + ".chain.pem"),
          checks: [$testMxCheckList[] | select(.zone == $domain) | del(.zone)]
        }))
      }' >"$LAB_JSON"
}
