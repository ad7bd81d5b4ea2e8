#!/usr/bin/env bash
# Side-by-side single-thread KS / PBS / KS+PBS latency: fhec's Java runtime vs tfhe-rs core_crypto,
# on exactly the same parameter sets (the Rust harness gets its numbers from fhec's ParameterSets via
# `PbsAnchor --print-params`). Runs alternate ours/theirs (order flipped every round) so that load
# changes on a shared machine hit both sides alike; the table reports the median over rounds of each
# run's median. Writes the "## PBS vs tfhe-rs" section of bench/RESULTS.md.
#
# Both sides report thread CPU time (the table) and wall time: on a shared, oversubscribed VM wall
# time mostly measures the other tenants.
#
# Usage: bench/anchors/run-pbs-comparison.sh [--rounds R] [--sets "SET:width:iters ..."] [--no-build]
#        [--append]   (keep the previous runs' lines in the raw file and tabulate old and new
#                      together, e.g. to add the slow N >= 8192 sets later)
#        [--raw FILE] (raw JSON lines; default bench/anchors/last-pbs-comparison.jsonl)
#        [--section "## HEADING"] (the RESULTS.md section of the latency table; default
#                      "## PBS vs tfhe-rs")
#        [--throughput "SET:width:count ..."] (also, or with --sets "" only: batch throughput of
#                      `count` KS+PBS on 1 and 2 threads, ours (batched, and one at a time) vs
#                      tfhe-rs's rayon par_iter; writes "## Batch throughput vs tfhe-rs (...)")
#        [--tp-section "## HEADING"] (the RESULTS.md section of the throughput table; default
#                      "## Batch throughput vs tfhe-rs (KS+PBS, 1 and 2 threads)")
#        [--tp-rounds R] (timed rounds of the whole batch inside each throughput process; default 3)
#        [--jar JAR]  (ours from this jar instead of bench/target/benchmarks.jar, e.g. a saved copy,
#                      so the worktree can be rebuilt while a long run waits for the machine)
#        [--baseline-jar JAR] (also time an earlier build of ours, e.g. the benchmarks.jar of the
#                      commit before a change, in the same rounds: impl "fhec-baseline" in the raw
#                      lines, and a before/after table under the latency table)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
COMMAND="bench/anchors/run-pbs-comparison.sh $*"
ROUNDS=3
BUILD=1
APPEND=0
RAW="$ROOT/bench/anchors/last-pbs-comparison.jsonl"
SECTION="## PBS vs tfhe-rs"
THROUGHPUT=""
TP_SECTION="## Batch throughput vs tfhe-rs (KS+PBS, 1 and 2 threads)"
TP_ROUNDS=3  # timed rounds of the whole batch inside each throughput process
BASELINE_JAR=""
JAR_ARG=""
# set:message width:timed iterations (N >= 8192 sets: few iterations; keygen dominates there).
SETS="CONCRETE_V0_P1:1:40 CONCRETE_V0_P2:2:40 CONCRETE_V0_P3:3:40 CONCRETE_V0_P4:4:30 \
CONCRETE_V0_P5:5:20 CONCRETE_V0_P6:6:10 CONCRETE_V0_P7:7:5 CONCRETE_V0_P8:8:3 \
TFHE_RS_M1C1_GAUSSIAN_2M64:2:40 TFHE_RS_M2C2_GAUSSIAN_2M64:4:30 TFHE_RS_M3C3_GAUSSIAN_2M64:6:5"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --sets) SETS="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --append) APPEND=1; shift ;;
    --raw) RAW="$(realpath -m "$2")"; shift 2 ;;
    --section) SECTION="$2"; shift 2 ;;
    --throughput) THROUGHPUT="$2"; shift 2 ;;
    --tp-rounds) TP_ROUNDS="$2"; shift 2 ;;
    --tp-section) TP_SECTION="$2"; shift 2 ;;
    --baseline-jar) BASELINE_JAR="$(realpath "$2")"; shift 2 ;;
    --jar) JAR_ARG="$(realpath "$2")"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
JAR="${JAR_ARG:-$ROOT/bench/target/benchmarks.jar}"
RUST_DIR="$ROOT/bench/anchors/tfhe-rs"
RUST_BIN="$RUST_DIR/target/release/fhec-tfhe-rs-anchor"

if [[ $BUILD == 1 ]]; then
  ./mvnw -B -q -pl bench -am package -Pfast -DskipTests
  (cd "$RUST_DIR" && cargo build --release --locked -q)  # target/ is git-ignored
fi

OUT="$(mktemp -d)"
if [[ $APPEND == 0 ]]; then : > "$RAW"; fi
echo "# $(date -u '+%F %T') $COMMAND" >> "$RAW"
ours() { # set width iters
  "$JAVA" -Xmx10g --add-modules jdk.incubator.vector -cp "$JAR" dev.fhec.bench.PbsAnchor \
    "$1" "$3" 3 "$2" 2> >(grep -v 'WARNING' >&2) | tee -a "$RAW"
}
baseline() { # set width iters: ours, built from an earlier commit
  if [[ -z $BASELINE_JAR ]]; then return 0; fi
  "$JAVA" -Xmx10g --add-modules jdk.incubator.vector -cp "$BASELINE_JAR" dev.fhec.bench.PbsAnchor \
    "$1" "$3" 3 "$2" 2> >(grep -v 'WARNING' >&2) | sed 's/"impl":"fhec"/"impl":"fhec-baseline"/' \
    | tee -a "$RAW"
}
theirs() { # set width iters
  # shellcheck disable=SC2046
  "$RUST_BIN" $("$JAVA" -cp "$JAR" dev.fhec.bench.PbsAnchor --print-params "$1") \
    --width "$2" --iters "$3" --warmup 3 | tee -a "$RAW"
}

# Throughput: count KS+PBS on T threads; the 1-thread runs use a quarter of the batch (≥ 100).
ours_tp() { # set width count threads [batch]
  "$JAVA" -Xmx10g --add-modules jdk.incubator.vector -cp "$JAR" dev.fhec.bench.ThroughputAnchor \
    "$1" "$2" "$3" "$4" "$TP_ROUNDS" ${5:-} 2> >(grep -v 'WARNING' >&2) | tee -a "$RAW"
}
theirs_tp() { # set width count threads
  # shellcheck disable=SC2046
  "$RUST_BIN" $("$JAVA" -cp "$JAR" dev.fhec.bench.PbsAnchor --print-params "$1") \
    --width "$2" --mode throughput --count "$3" --threads "$4" --rounds "$TP_ROUNDS" | tee -a "$RAW"
}
for ((r = 1; r <= ROUNDS; r++)); do
  for spec in $THROUGHPUT; do
    IFS=: read -r set width count <<< "$spec"
    one=$(( count / 4 > 100 ? count / 4 : 100 ))
    echo "# throughput round $r/$ROUNDS $set" >&2
    if (( r % 2 == 1 )); then
      ours_tp "$set" "$width" "$count" 2; theirs_tp "$set" "$width" "$count" 2
      ours_tp "$set" "$width" "$one" 1; theirs_tp "$set" "$width" "$one" 1
      ours_tp "$set" "$width" "$count" 2 1; ours_tp "$set" "$width" "$one" 1 1
    else
      theirs_tp "$set" "$width" "$count" 2; ours_tp "$set" "$width" "$count" 2
      theirs_tp "$set" "$width" "$one" 1; ours_tp "$set" "$width" "$one" 1
      ours_tp "$set" "$width" "$one" 1 1; ours_tp "$set" "$width" "$count" 2 1
    fi
  done
done

for ((r = 1; r <= ROUNDS; r++)); do
  for spec in $SETS; do
    IFS=: read -r set width iters <<< "$spec"
    echo "# round $r/$ROUNDS $set" >&2
    if (( r % 2 == 1 )); then
      baseline "$set" "$width" "$iters"; ours "$set" "$width" "$iters"
      theirs "$set" "$width" "$iters"
    else
      theirs "$set" "$width" "$iters"; ours "$set" "$width" "$iters"
      baseline "$set" "$width" "$iters"
    fi
  done
done

CPU="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
CORES="$(nproc)"
JDK="$("$JAVA" -version 2>&1 | head -1)"
RUSTC="$(rustc --version)"
TFHE="$(sed -n '/name = "tfhe"/{n;p}' "$RUST_DIR/Cargo.lock" | tr -d ' "' | sed 's/version=//')"
DATE="$(date -u '+%Y-%m-%d %H:%M UTC')"
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

RAW_NAME="${RAW#"$ROOT"/}"
COMMON=(--command "$COMMAND" --date "$DATE" --machine "$CORES-core VM, $CPU (load average at end: $LOAD)"
  --jdk "$JDK" --rustc "$RUSTC" --tfhe "$TFHE" --rounds "$ROUNDS" --raw-name "$RAW_NAME")
if grep -q '"ks_pbs_us"' "$RAW"; then
  python3 "$ROOT/bench/anchors/pbs_table.py" "$RAW" --heading "$SECTION" "${COMMON[@]}" \
    > "$OUT/section.md"
  python3 "$ROOT/bench/anchors/replace_section.py" "$ROOT/bench/RESULTS.md" "$SECTION" \
    "$OUT/section.md"
  cat "$OUT/section.md"
fi
if grep -q '"mode":"throughput"' "$RAW"; then
  python3 "$ROOT/bench/anchors/pbs_throughput_table.py" "$RAW" "${COMMON[@]}" --tp-rounds "$TP_ROUNDS" \
    --heading "$TP_SECTION" > "$OUT/tp.md"
  python3 "$ROOT/bench/anchors/replace_section.py" "$ROOT/bench/RESULTS.md" "$TP_SECTION" \
    "$OUT/tp.md"
  cat "$OUT/tp.md"
fi
