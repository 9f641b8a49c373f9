#!/usr/bin/env bash
# Runs every test of the solution and ends with one summary line ("N passed, N failed, N skipped").
# Tests that need PostgreSQL start a private server with the machine's PostgreSQL 15 binaries
# (Debian: apt-get install -y postgresql), or use PARKGRID_TEST_POSTGRES if it is set.
# The dashboard's browser tests need Chromium (Debian: apt-get install -y chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ -z "${PARKGRID_TEST_POSTGRES:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  echo "PostgreSQL server binaries are missing: install them (Debian: apt-get install -y postgresql) or set PARKGRID_TEST_POSTGRES to a connection string." >&2
  exit 2
fi

if [ -z "${PARKGRID_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "Chromium is missing for the dashboard's browser tests: install it (Debian: apt-get install -y chromium) or set PARKGRID_CHROMIUM." >&2
  exit 2
fi

log=$(mktemp)
# A hung test fails after 10 minutes instead of holding the run.
dotnet test ParkGrid.sln --blame-hang-timeout 10m "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$failed" -ne 0 ]; then status=1; fi
exit "$status"
