# The lab's DNS tree: zone contents, DNSSEC keys and offline signing with
# ldns-signzone, which takes explicit inception and expiration times.
# Knot serves the signed files as they are and never signs or re-signs.

# Zone name and how it is published:
#   signed    signed now, DS in the parent
#   unsigned  no DNSSEC records, delegated without DS (insecure)
#   expired   signed with a signature window that ended yesterday (bogus)
#   wrong-ds  signed, but the DS in the parent names a key the zone lacks
LAB_ZONES=(
  ".|signed"
  "example.|signed"
  "dane-ee.example.|signed"
  "dane-ta.example.|signed"
  "mismatch.example.|signed"
  "unsigned.example.|unsigned"
  "bogus.example.|expired"
  "dsmismatch.example.|wrong-ds"
  "notlsa.example.|signed"
  "cname.example.|signed"
  "cname-target.example.|signed"
  "insecure-mx.example.|signed"
  "unsigned-hosts.example.|unsigned"
  "servfail.example.|signed"
  "unusable.example.|signed"
  "nullmx.example.|signed"
  "multi-mx.example.|signed"
  "nomx.example.|signed"
  "tern-mx.example.|signed"
)

# Prints the file stem of a zone: "root" for the root, else the name
# without its trailing dot.
zone_stem() {
  if [[ $1 == . ]]; then
    printf 'root\n'
  else
    printf '%s\n' "${1%.}"
  fi
}

# Generates one ECDSA P-256 key with the SEP flag for a zone and prints the
# path of its files without extension. Each signed zone uses this single key
# to sign all of its RRsets.
make_zone_key() {
  local zone=$1 dir=$2 base
  mkdir -p "$dir"
  base=$(cd "$dir" && ldns-keygen -r /dev/urandom -a ECDSAP256SHA256 -k "$zone")
  rm -f "$dir/$base.ds"
  printf '%s/%s\n' "$dir" "$base"
}

# Prints the RDATA of the SHA-256 DS record for a key file.
ds_rdata() {
  ldns-key2ds -n -2 "$1.key" | awk '{ for (i = 5; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : "\n") }'
}

declare -A ZONE_KEY
declare -A ZONE_DS

make_zone_keys() {
  local entry zone policy stem
  for entry in "${LAB_ZONES[@]}"; do
    IFS='|' read -r zone policy <<<"$entry"
    stem=$(zone_stem "$zone")
    case $policy in
      signed | expired)
        ZONE_KEY[$zone]=$(make_zone_key "$zone" "$DNS_DIR/keys")
        ZONE_DS[$zone]=$(ds_rdata "${ZONE_KEY[$zone]}")
        ;;
      wrong-ds)
        ZONE_KEY[$zone]=$(make_zone_key "$zone" "$DNS_DIR/keys")
        # A second key that never signs and never appears in the zone.
        ZONE_DS[$zone]=$(ds_rdata "$(make_zone_key "$zone" "$DNS_DIR/keys/unused-$stem")")
        ;;
      unsigned) ;;
      *) die "unknown zone policy $policy for $zone" ;;
    esac
  done
  cp "${ZONE_KEY[.]}.key" "$DNS_DIR/root.dnskey"
  printf '. IN DS %s\n' "${ZONE_DS[.]}" >"$DNS_DIR/root.ds"
}

zone_header() {
  local zone=$1
  cat <<HEADER
\$ORIGIN $zone
\$TTL $ZONE_TTL
@ SOA ns.example. hostmaster.example. $(date +%s) 3600 600 86400 60
@ NS ns.example.
HEADER
}

records_root() {
  cat <<RECORDS
example. NS ns.example.
example. DS ${ZONE_DS[example.]}
; Glue for the name server of the root and of example.
ns.example. A $AUTH_ADDRESS
RECORDS
}

records_example() {
  printf 'ns A %s\n' "$AUTH_ADDRESS"
  printf 'lame-ns A %s\n' "$LAME_NS_ADDRESS"
  local entry zone policy
  for entry in "${LAB_ZONES[@]}"; do
    IFS='|' read -r zone policy <<<"$entry"
    [[ $zone == . || $zone == example. ]] && continue
    printf '%s NS ns.example.\n' "$zone"
    if [[ $policy != unsigned ]]; then
      printf '%s DS %s\n' "$zone" "${ZONE_DS[$zone]}"
    fi
  done
}

# TLSA data helpers for the zone records below.
spki_of() { spki_sha256_of_certificate "$TLS_DIR/$1.crt"; }
ca_sha256() { certificate_sha256 "$TLS_DIR/ca.crt"; }

records_dane_ee() {
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address mx.dane-ee.example)
_25._tcp.mx TLSA 3 1 1 $(spki_of mx.dane-ee.example)
www A $(server_address www.dane-ee.example)
_443._tcp.www TLSA 3 1 1 $(spki_of www.dane-ee.example)
RECORDS
}

records_dane_ta() {
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address mx.dane-ta.example)
_25._tcp.mx TLSA 2 0 1 $(ca_sha256)
www A $(server_address www.dane-ta.example)
_443._tcp.www TLSA 2 0 1 $(ca_sha256)
RECORDS
}

records_mismatch() {
  local old_key
  old_key=$(spki_sha256_of_key "$TLS_DIR/mismatch-key-a.key")
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address mx.mismatch.example)
_25._tcp.mx TLSA 3 1 1 $old_key
www A $(server_address www.mismatch.example)
_443._tcp.www TLSA 3 1 1 $old_key
RECORDS
}

# The TLSA record matches the server, but the zone is insecure, and RFC 7672
# section 2.2 forbids a client to use insecure TLSA records.
records_unsigned() {
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address mx.unsigned.example)
_25._tcp.mx TLSA 3 1 1 $(spki_of mx.unsigned.example)
RECORDS
}

records_bogus() {
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address mx.bogus.example)
_25._tcp.mx TLSA 3 1 1 $(spki_of mx.bogus.example)
RECORDS
}

records_dsmismatch() {
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address mx.dsmismatch.example)
_25._tcp.mx TLSA 3 1 1 $(spki_of mx.dsmismatch.example)
RECORDS
}

records_notlsa() {
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address mx.notlsa.example)
RECORDS
}

records_cname() {
  cat <<RECORDS
@ MX 10 mx
mx CNAME host.cname-target.example.
RECORDS
}

# The TLSA base domain of mx.cname.example after secure CNAME expansion
# (RFC 7672 section 2.2.3).
records_cname_target() {
  cat <<RECORDS
host A $(server_address host.cname-target.example)
_25._tcp.host TLSA 3 1 1 $(spki_of host.cname-target.example)
RECORDS
}

records_insecure_mx() {
  printf '@ MX 10 mx.unsigned-hosts.example.\n'
}

# Insecure zone whose TLSA lookups fail: _tcp.mx is delegated to a server
# that returns REFUSED.
records_unsigned_hosts() {
  cat <<RECORDS
mx A $(server_address mx.unsigned-hosts.example)
_tcp.mx NS lame-ns.example.
RECORDS
}

# The address of mx is secure, but _tcp.mx is an insecure delegation (no DS)
# to a server that returns REFUSED, so the TLSA lookup gets SERVFAIL.
records_servfail() {
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address mx.servfail.example)
_tcp.mx NS lame-ns.example.
RECORDS
}

# Each record would match the server if its usage or selector were usable
# for SMTP: PKIX-TA (0) and PKIX-EE (1) are not (RFC 7672 section 3.1.3),
# and selector 2 is unassigned.
records_unusable() {
  local host=mx.unusable.example
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address $host)
_25._tcp.mx TLSA 0 0 1 $(certificate_sha256 "$TLS_DIR/$host.crt")
_25._tcp.mx TLSA 1 1 1 $(spki_of $host)
_25._tcp.mx TLSA 3 2 1 $(spki_of $host)
RECORDS
}

# RFC 7505 null MX: the domain accepts no mail.
records_nullmx() {
  printf '@ MX 0 .\n'
}

records_multi_mx() {
  cat <<RECORDS
@ MX 20 a
@ MX 10 b
@ MX 10 c
a A $(server_address a.multi-mx.example)
b A $(server_address b.multi-mx.example)
c A $(server_address c.multi-mx.example)
RECORDS
}

# No MX: RFC 5321 section 5.1 makes the domain its own implicit MX.
records_nomx() {
  printf '@ A %s\n' "$(server_address nomx.example)"
}

# The MX host is in TEST_MX_SERVERS: a test runs the receiver, so mail to
# this domain reaches whatever listens on its address.
records_tern_mx() {
  cat <<RECORDS
@ MX 10 mx
mx A $(server_address mx.tern-mx.example)
_25._tcp.mx TLSA 3 1 1 $(spki_of mx.tern-mx.example)
RECORDS
}

# Prints the name of the records_* function for a zone.
records_function() {
  local stem
  stem=$(zone_stem "$1")
  stem=${stem%.example}
  printf 'records_%s\n' "${stem//-/_}"
}

# Writes the zone source and the file Knot serves: signed with the zone's
# key for signed, expired and wrong-ds zones, a plain copy for unsigned ones.
build_zone() {
  local zone=$1 policy=$2 stem source served now
  stem=$(zone_stem "$zone")
  source="$DNS_DIR/source/$stem.zone"
  served="$DNS_DIR/signed/$stem.zone"
  {
    zone_header "$zone"
    "$(records_function "$zone")"
  } >"$source"

  now=$(date +%s)
  case $policy in
    unsigned) cp "$source" "$served" ;;
    signed | wrong-ds)
      ldns-signzone -i $((now - 3600)) -e $((now + SIGNATURE_DAYS * 86400)) \
        -o "$zone" -f "$served" "$source" "${ZONE_KEY[$zone]}"
      ;;
    expired)
      ldns-signzone -i $((now - 30 * 86400)) -e $((now - 86400)) \
        -o "$zone" -f "$served" "$source" "${ZONE_KEY[$zone]}"
      ;;
  esac
}

build_zones() {
  mkdir -p "$DNS_DIR/source" "$DNS_DIR/signed"
  chmod 700 "$DNS_DIR"
  make_zone_keys

  local entry zone policy
  for entry in "${LAB_ZONES[@]}"; do
    IFS='|' read -r zone policy <<<"$entry"
    build_zone "$zone" "$policy"
  done
}
