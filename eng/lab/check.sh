#!/usr/bin/env bash
# Verifies a running lab against the expectations in run/lab.json.
#
# Usage: eng/lab/check.sh [--dns-only]
#
# For every zone it queries the lab resolver with dig and compares the
# rcode, the AD flag and the answer records. Unless --dns-only is given, it
# also runs posttls-finger against each mail domain and an openssl s_client
# DANE handshake against each HTTPS server. Prints one line per check and
# exits 1, naming the failed zones, when any check fails. Needs root for
# posttls-finger (see in-lab.sh).
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_JSON="$LAB_DIR/run/lab.json"

dns_only=no
case ${1:-} in
  "") ;;
  --dns-only) dns_only=yes ;;
  *)
    echo "usage: $0 [--dns-only]" >&2
    exit 2
    ;;
esac

if [[ ! -f $LAB_JSON ]]; then
  echo "check.sh: $LAB_JSON is missing; start the lab with eng/lab/lab.sh up" >&2
  exit 1
fi

resolver=$(jq -r '.resolver.address' "$LAB_JSON")
resolver_port=$(jq -r '.resolver.port' "$LAB_JSON")
passed=0
failed=0
declare -A failed_zones

pass() {
  passed=$((passed + 1))
  printf 'ok    %s\n' "$1"
}

fail() {
  local zone=$1
  shift
  failed=$((failed + 1))
  failed_zones[$zone]=1
  printf 'FAIL  %s: %s\n' "$zone" "$*"
}

# Queries the lab resolver and prints three lines: the rcode, "true" or
# "false" for the AD flag, then the answer RDATA of type $2 in lower case,
# sorted and joined with ";".
query() {
  local name=$1 type=$2 output rcode ad answer
  output=$(dig "@$resolver" -p "$resolver_port" +dnssec +nosplit +time=5 +tries=1 \
    +noall +comments +answer "$name" "$type" 2>&1) || true
  rcode=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$output")
  ad=false
  grep -Eq '^;; flags:[^;]* ad[ ;]' <<<"$output" && ad=true
  answer=$(awk -v type="$type" '!/^;/ && NF >= 5 && $4 == type {
      line = $5; for (i = 6; i <= NF; i++) line = line " " $i; print tolower(line) }' <<<"$output" |
    LC_ALL=C sort | paste -sd ';' -)
  printf '%s\n%s\n%s\n' "${rcode:-no answer}" "$ad" "$answer"
}

check_dns() {
  local zone name type rcode ad expected_answer actual_rcode actual_ad actual_answer
  while IFS=$'\t' read -r zone name type rcode ad expected_answer; do
    {
      read -r actual_rcode
      read -r actual_ad
      read -r actual_answer || actual_answer=""
    } < <(query "$name" "$type")

    local label="$zone: $name $type"
    if [[ $actual_rcode != "$rcode" ]]; then
      fail "$zone" "$name $type returned $actual_rcode, expected $rcode"
    elif [[ $actual_ad != "$ad" ]]; then
      fail "$zone" "$name $type has AD=$actual_ad, expected AD=$ad"
    elif [[ $actual_answer != "$expected_answer" ]]; then
      fail "$zone" "$name $type answered '${actual_answer:-nothing}', expected '${expected_answer:-nothing}'"
    else
      pass "$label $rcode AD=$ad"
    fi
  done < <(jq -r '(.zones[], (.testMxZones // [])[]) | .domain as $zone | .checks[] |
      [$zone, .name, .type, .rcode, (.ad | tostring),
       (.answer | map(ascii_downcase) | sort | join(";"))] | join("\t")' "$LAB_JSON")
}

check_posttls_finger() {
  local domain pattern output
  # The jq filters join fields with tabs themselves because @tsv would double
  # the backslashes in these patterns.
  while IFS=$'\t' read -r domain pattern; do
    output=$("$LAB_DIR/posttls-finger.sh" -t30 -c -l dane -P /etc/ssl/certs "$domain" 2>&1) || true
    if grep -Eq -- "$pattern" <<<"$output"; then
      pass "$domain: posttls-finger -l dane printed /$pattern/"
    else
      fail "$domain" "posttls-finger -l dane did not print /$pattern/; it printed:"
      sed 's/^/      /' <<<"$output"
    fi
  done < <(jq -r '.zones[] | .domain + "\t" + .posttlsFingerPattern' "$LAB_JSON")
}

check_https() {
  local zone host tlsa_name verified address port rrdata output
  while IFS=$'\t' read -r zone host tlsa_name verified address port; do
    rrdata=()
    while IFS= read -r line; do
      [[ -n $line ]] && rrdata+=(-dane_tlsa_rrdata "$line")
    done < <(dig "@$resolver" -p "$resolver_port" +short +nosplit +time=5 +tries=1 "$tlsa_name" TLSA)
    if ((${#rrdata[@]} == 0)); then
      fail "$zone" "no TLSA records at $tlsa_name for the HTTPS check of $host"
      continue
    fi

    if output=$(openssl s_client -connect "$address:$port" -servername "$host" \
      -dane_tlsa_domain "$host" "${rrdata[@]}" -verify_return_error -brief </dev/null 2>&1); then
      actual=true
    else
      actual=false
    fi
    if [[ $actual == "$verified" ]]; then
      pass "$zone: DANE handshake with $host at $address:$port verified=$actual"
    else
      fail "$zone" "DANE handshake with $host at $address:$port verified=$actual, expected $verified:"
      sed 's/^/      /' <<<"$output"
    fi
  done < <(jq -r '.servers as $servers | .zones[] | .domain as $zone | .https[] |
      .host as $host | ($servers[] | select(.host == $host)) as $server |
      [$zone, .host, .tlsaName, (.verified | tostring), $server.address, ($server.port | tostring)] | join("\t")' "$LAB_JSON")
}

check_dns
if [[ $dns_only == no ]]; then
  check_posttls_finger
  check_https
fi

if ((failed > 0)); then
  printf 'lab check FAILED: %d of %d checks failed, in zones: %s\n' \
    "$failed" "$((passed + failed))" "$(printf '%s\n' "${!failed_zones[@]}" | sort | paste -sd ' ' -)" >&2
  exit 1
fi
printf 'lab check passed: all %d checks hold\n' "$passed"
