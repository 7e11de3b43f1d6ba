#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine: installs the Debian packages the integration
# tests use, restores NuGet packages, brings up the DNSSEC lab, runs every test project and prints
# one closing line "N passed, N failed" (", N skipped" when any were skipped).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=(
  swaks postfix openssl ca-certificates iproute2 util-linux
  knot knot-dnssecutils knot-dnsutils unbound ldnsutils bind9-dnsutils
  libnet-ssleay-perl libio-socket-ssl-perl
)

install_packages() {
  local missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  echo "test.sh: installing ${missing[*]}"
  # The lab runs its own Postfix instance; the system one stays unconfigured and stopped.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_packages

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet restore Tern.slnx --verbosity quiet
dotnet build Tern.slnx --no-restore --configuration Release --verbosity quiet

# The lab's stop messages go to a log, so that the pass/fail line stays the last line printed.
mkdir -p artifacts
if [[ -x eng/lab/lab.sh ]]; then
  eng/lab/lab.sh up
  trap 'eng/lab/lab.sh down >artifacts/lab-down.log 2>&1 || true' EXIT
  if [[ -x eng/lab/check.sh ]]; then
    eng/lab/check.sh
  fi
fi

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

status=0
for project in tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  dotnet test "$project" --no-build --configuration Release \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --verbosity quiet || status=1
done

# Each TRX file carries a Counters element; add them up across projects.
sum() { grep -ho "$1=\"[0-9]*\"" "$results"/*.trx 2>/dev/null | grep -o '[0-9]*' | awk '{ n += $1 } END { print n + 0 }'; }
passed="$(sum passed)"; failed="$(sum failed)"; skipped="$(sum notExecuted)"
passed="${passed:-0}"; failed="${failed:-0}"; skipped="${skipped:-0}"

if ((passed + failed == 0)); then
  echo "test.sh: no test ran" >&2
  status=1
fi
if ((failed > 0)); then
  status=1
fi

line="$passed passed, $failed failed"
if ((skipped > 0)); then
  line+=", $skipped skipped"
fi

if [[ -x eng/lab/lab.sh ]]; then
  eng/lab/lab.sh down >artifacts/lab-down.log 2>&1 || true
  trap - EXIT
fi

echo "$line"
exit "$status"
