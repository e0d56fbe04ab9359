#!/usr/bin/env bash
# Every benchmark in one run on one file, for BENCHMARKS.md: the
# whole-process rows against their peers (benches/whole.sh), then the
# in-process benches (search, account_list, tabs, today, photo) on the same file.
#
#   benches/all.sh [DB]     (default target/bench-100000.db, built when missing)
#
# Prints everything and keeps a copy in target/bench-results.txt, with the
# machine it ran on. Nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-target/bench-100000.db}
out=target/bench-results.txt
{
    echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024/1024)}' /proc/meminfo) GB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    benches/whole.sh "$DB"
    # Demo generation, timed into a file of its own.
    gen=$(mktemp -d)
    t0=$(date +%s%3N)
    KAM_CONFIG_DIR=$gen target/release/kam --db "$gen/demo.db" demo --accounts 100000 --seed 1 >/dev/null
    printf '%-46s %10s\n' "demo generation, 100,000 accounts" "$(( $(date +%s%3N) - t0 )) ms"
    rm -rf "$gen"
    for b in search account_list tabs today photo; do
        echo "== cargo bench --bench $b"
        KAM_BENCH_DB=$DB cargo bench --quiet --bench "$b" 2>/dev/null
    done
} 2>&1 | tee "$out"
