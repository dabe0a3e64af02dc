#!/usr/bin/env bash
# The benchmark harness (docs/benchmarks.md, issue 10): every figure side by side with its reference in ONE JVM, in
# interleaved rounds (A, B, A, B, ...), reported as medians and paired ratios in benchmarks/results/<yyyy-mm-dd>.md,
# which it also prints.
#
#   scripts/bench.sh           the full run: roughly 15-40 minutes; run it on an otherwise idle machine
#   scripts/bench.sh --quick   small sizes, a few minutes: proves the harness works (writes <date>-quick.md);
#                              its figures are not for comparison
#
# Options:
#   --figures 1,4     run only these figures (1 appends vs raw, 2 PostgreSQL vs Axon, 3 migration copy vs raw copy,
#                     4 writer latency during a live migration, 5 memory store heap per event, 6 backup and
#                     restore vs a plain read)
#   --rounds N        measured rounds per pair (figures 1-3 and 6; figure 4 runs (N+1)/2)
#   --cap SECONDS     how long figure 4 waits for a migration before it cancels it (default 120, quick 10)
#   --backup-events N events of the object figure 6 backs up and restores (default 100000, quick 5000)
#   --output FILE     write the report to FILE instead of benchmarks/results/<date>[-quick].md (a partial run
#                     that must not replace the day's full report); the recording goes next to it (.jfr)
#   --jfr             also record a flight recording (profile settings) next to the report
#   --offline         run Maven offline (-o)
#
# It starts the machine's PostgreSQL if it is not running (as .ci/run does) and creates the database 'test'; Maven
# builds es-engine and the benchmarks module (installing Azurite from npm into .tools/ when missing), and the
# benchmark starts its own Azurite, as the tests do. ES_TEST_JDBC_URL points it at another PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
figures=""
rounds=""
cap=""
backup_events=""
output=""
jfr=false
offline=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --figures) figures="${2:?--figures needs a list such as 1,4}"; shift ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
    --cap) cap="${2:?--cap needs a number of seconds}"; shift ;;
    --backup-events) backup_events="${2:?--backup-events needs a number}"; shift ;;
    --output) output="${2:?--output needs a file name}"; shift ;;
    --jfr) jfr=true ;;
    --offline) offline="-o" ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "Unknown option: $1 (see $0 --help)" >&2; exit 2 ;;
  esac
  shift
done

# PostgreSQL (127.0.0.1:5432, user postgres, database test), unless ES_TEST_JDBC_URL names another database
if [ -z "${ES_TEST_JDBC_URL:-}" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test"
fi

# Node.js and npm for Azurite (the build installs Azurite itself from npm)
command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm; }

day="$(date +%F)"
results="$PWD/benchmarks/results"
mkdir -p "$results"
name="$day"
if [ "$quick" = true ]; then name="$day-quick"; fi
if [ -n "$output" ]; then
  case "$output" in /*) ;; *) output="$PWD/$output" ;; esac
  mkdir -p "$(dirname "$output")"
else
  output="$results/$name.md"
fi
recording="${output%.md}.jfr"

command_line="scripts/bench.sh"
[ "$quick" = true ] && command_line+=" --quick"
[ -n "$figures" ] && command_line+=" --figures $figures"
[ -n "$rounds" ] && command_line+=" --rounds $rounds"
[ -n "$cap" ] && command_line+=" --cap $cap"
[ -n "$backup_events" ] && command_line+=" --backup-events $backup_events"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD -- 2>/dev/null; then commit+=" (with uncommitted changes)"; fi

args=(-B $offline -pl benchmarks -am test
      -Dtest=SideBySideBenchmark -Dsurefire.failIfNoSpecifiedTests=false
      "-Dbench.quick=$quick" "-Dbench.output=$output" -Dbench.print=false
      "-Dbench.command=$command_line" "-Dbench.commit=$commit")
[ -n "$figures" ] && args+=("-Dbench.figures=$figures")
[ -n "$rounds" ] && args+=("-Dbench.rounds=$rounds")
[ -n "$cap" ] && args+=("-Dbench.migrationCapSeconds=$cap")
[ -n "$backup_events" ] && args+=("-Dbench.backupEvents=$backup_events")
if [ "$jfr" = true ]; then
  args+=("-Dbench.jvmArgs=-XX:StartFlightRecording=filename=$recording,settings=profile,dumponexit=true")
fi

rm -f "$output"
status=0
mvn "${args[@]}" || status=$?

if [ -f "$output" ]; then
  echo
  cat "$output"
  echo
  echo "Written to ${output#"$PWD/"}"
  [ "$jfr" = true ] && echo "Flight recording: ${recording#"$PWD/"}"
else
  echo "No report was written (see the Maven output above)" >&2
fi
exit "$status"
