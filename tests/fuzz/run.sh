#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the fuzz targets (tests/fuzz/README).
#   run.sh run SECONDS TARGET...    each target for SECONDS on its corpus
#       (tests/fuzz/out/corpus/TARGET, kept between runs) and the seeds;
#       one summary line per target; findings go to tests/fuzz/out/findings/.
#   run.sh check SECONDS TARGET...  CI's gate, TAP: every file of
#       tests/fuzz/regress/TARGET/ replayed, then each target run for
#       SECONDS from the seeds and the regress corpus.
# Environment: top_srcdir, top_builddir, FUZZ_CC (empty: not built,
# FUZZ_WHY says why).
set -u
mode=$1 secs=$2
shift 2
: "${top_srcdir:?}" "${top_builddir:?}"
fz="$top_builddir/tests/fuzz"
n=0 failed=0

tap() { # ok|not-ok description
    n=$((n + 1))
    if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

if [ -z "${FUZZ_CC:-}" ]; then
    if [ "$mode" = check ]; then
        tap not-ok "fuzz targets not built: ${FUZZ_WHY:-no clang}"
        echo "1..$n"
    else
        echo "make fuzz: fuzz targets not built: ${FUZZ_WHY:-no clang}" >&2
    fi
    exit 1
fi

# libxlutil's own leak on a parse error is not ours (lsan.supp says which).
export LSAN_OPTIONS="suppressions=$top_srcdir/tests/fuzz/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# Debian's kernel, 8 MiB, is the one seed over libFuzzer's default 1 MiB
# input size: fuzzing it whole costs seconds per run (66 MiB of xz), so
# runs read it cut to 1 MiB (its bzImage header, the payload's start)
# unless FUZZ_MAX_LEN says otherwise; `check` replays every seed whole.
max_len_opt() {
    [ -n "${FUZZ_MAX_LEN:-}" ] && echo "-max_len=$FUZZ_MAX_LEN"
}
largest() { # dirs...
    find "$@" -type f -printf '%s\n' 2>/dev/null | sort -n | tail -n 1
}

# summary TARGET LOG SECONDS: executions, coverage, corpus from libFuzzer's
# final lines.
summary() {
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$2" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$2" | tail -n 1)
    last=$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$2" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
    echo "fuzz-$1: $3 s, ${execs:-?} executions (${rate:-?}/s), cov ${cov:-?} ft ${ft:-?}, corpus ${corp:-?}"
}

# fuzz TARGET SECONDS LOG ARTIFACT_DIR CORPUS_DIR...: 0 when nothing was found.
fuzz() {
    t=$1 s=$2 log=$3 art=$4
    shift 4
    mkdir -p "$art"
    for d in "$@"; do   # a target may have no regress corpus yet
        shift
        [ -d "$d" ] && set -- "$@" "$d"
    done
    # shellcheck disable=SC2046
    "$fz/fuzz-$t" -max_total_time="$s" -print_final_stats=1 -timeout=60 \
        -artifact_prefix="$art/" $(max_len_opt) "$@" >"$log" 2>&1
}

findings() { # artifact dir
    find "$1" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' \) 2>/dev/null | wc -l
}

case $mode in
run)
    out="$fz/out"
    total=0
    for t in "$@"; do
        mkdir -p "$out/corpus/$t" "$out/findings/$t"
        before=$(findings "$out/findings/$t")
        fuzz "$t" "$secs" "$out/$t.log" "$out/findings/$t" "$out/corpus/$t" \
            "$fz/seeds/$t" "$top_srcdir/tests/fuzz/regress/$t"
        rc=$?
        new=$(( $(findings "$out/findings/$t") - before ))
        how=
        # No input kept, yet libFuzzer failed (killed, or a startup error).
        if [ $rc -ne 0 ] && [ $new -eq 0 ]; then new=1 how=" (libFuzzer exit status $rc, no input kept)"; fi
        echo "$(summary "$t" "$out/$t.log" "$secs"), findings $new$how"
        if [ $new -ne 0 ]; then
            grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: contract|.*runtime error)' "$out/$t.log" | head -n 5
            echo "  log: $out/$t.log; inputs: $out/findings/$t/"
        fi
        total=$((total + new))
    done
    echo "fuzz: $total findings"
    [ $total -eq 0 ]
    ;;
check)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    for t in "$@"; do
        bin="$fz/fuzz-$t"
        if [ ! -x "$bin" ]; then
            tap not-ok "fuzz-$t: not built"
            continue
        fi
        nseeds=$(ls "$fz/seeds/$t" 2>/dev/null | wc -l)
        if [ "$nseeds" -eq 0 ]; then
            tap not-ok "fuzz-$t: no seeds in $fz/seeds/$t"
        elif "$bin" -runs=0 -timeout=120 -max_len="$(largest "$fz/seeds/$t")" \
                "$fz/seeds/$t" >"$tmp/seeds.log" 2>&1; then
            tap ok "fuzz-$t: $nseeds seeds replayed whole"
        else
            tap not-ok "fuzz-$t: $nseeds seeds replayed whole"
            grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: contract|.*runtime error)' \
                "$tmp/seeds.log" | head -n 5 | sed 's/^/# /'
        fi
        for f in "$top_srcdir/tests/fuzz/regress/$t"/*; do
            [ -f "$f" ] || continue
            if "$bin" -timeout=60 "$f" >"$tmp/replay.log" 2>&1; then
                tap ok "fuzz-$t: regress/$t/$(basename "$f")"
            else
                tap not-ok "fuzz-$t: regress/$t/$(basename "$f")"
                grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: contract|.*runtime error)' \
                    "$tmp/replay.log" | head -n 5 | sed 's/^/# /'
            fi
        done
        mkdir -p "$tmp/corpus-$t"
        if fuzz "$t" "$secs" "$tmp/$t.log" "$tmp/findings-$t" "$tmp/corpus-$t" \
                "$fz/seeds/$t" "$top_srcdir/tests/fuzz/regress/$t"; then
            tap ok "fuzz-$t: $secs s without a finding"
        else
            tap not-ok "fuzz-$t: $secs s without a finding"
            grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: contract|.*runtime error)' \
                "$tmp/$t.log" | head -n 5 | sed 's/^/# /'
            mkdir -p "$fz/out/findings/$t"
            for a in "$tmp/findings-$t"/*; do
                [ -f "$a" ] && cp "$a" "$fz/out/findings/$t/" &&
                    echo "# input kept: $fz/out/findings/$t/$(basename "$a")"
            done
        fi
        echo "# $(summary "$t" "$tmp/$t.log" "$secs")"
    done
    echo "1..$n"
    [ $failed -eq 0 ]
    ;;
*)
    echo "usage: $0 run|check SECONDS TARGET..." >&2
    exit 2
    ;;
esac
