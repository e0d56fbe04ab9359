#!/usr/bin/env bash
# The day-end merge at head office's scale: the full export of DB merged
# into an empty file (`kam import DIR`), against `sqlite3 .import` of the
# same CSV files into new bare tables (no index, constraint or trigger),
# side by side in one run. Prints the time and peak memory of each; nothing
# is asserted.
#
#   benches/merge.sh [DB]     (default target/bench-100000.db, built when missing)
#
# Needs sqlite3 and GNU time, and room for the folder and two copies of the
# file (about 8 GB at 100,000 accounts).
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${1:-target/bench-100000.db}
KAM=target/release/kam
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export KAM_CONFIG_DIR=$WORK/config
mkdir -p "$KAM_CONFIG_DIR"
printf 'user = "bench"\nrole = "manager"\nlanguage = "en"\n' > "$KAM_CONFIG_DIR/config.toml"
for tool in sqlite3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing: $tool"; exit 1; }
done
cargo build --release --quiet
[ -f "$DB" ] || "$KAM" --db "$DB" demo --accounts 100000 --seed 1 >/dev/null

now_ms() { date +%s%3N; }
row() { printf '%-46s %10s   %s\n' "$1" "$2" "$3"; }

# Unmasked and without the byte-order mark, so that sqlite3 reads the
# same bytes kam does.
t0=$(now_ms)
"$KAM" --db "$DB" export --all --unmask --no-bom --dir "$WORK/x" >/dev/null 2>&1
exported=$(( $(now_ms) - t0 ))
echo "folder: $(du -sh "$WORK/x" | cut -f1) in $(find "$WORK/x" -name '*.csv' | wc -l) CSV files, exported in $exported ms"
# Each timed step starts with the disk idle: the step before it (the
# export's 1.4 GB at 100,000 accounts) is not still being written out.
sync

t0=$(now_ms)
/usr/bin/time -f '%M' -o "$WORK/mem" "$KAM" --db "$WORK/hq.db" import "$WORK/x" >"$WORK/out" 2>&1 \
    || { cat "$WORK/out"; exit 1; }
ours=$(( $(now_ms) - t0 ))
sync
t0=$(now_ms)
for f in "$WORK"/x/*.csv; do
    sqlite3 "$WORK/peer.db" ".import --csv $f $(basename "$f" .csv)"
done
peer=$(( $(now_ms) - t0 ))
row "merge of the full export into an empty file" "$ours ms" \
    "sqlite3 .import of the same CSVs into bare tables: $peer ms, ratio $(awk -v a="$ours" -v b="$peer" 'BEGIN {printf "%.1f", a / b}')"
row "merge peak memory" "$(( $(tail -1 "$WORK/mem") / 1024 )) MB" \
    "hq file $(du -h "$WORK/hq.db" | cut -f1), peer file $(du -h "$WORK/peer.db" | cut -f1)"
