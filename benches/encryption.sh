#!/usr/bin/env bash
# The cost of encryption at rest (#21): the plain build against the build
# with `--features encryption` (SQLCipher), side by side in one run, on the
# same 100,000-account file and an encrypted copy of it (`kam encrypt`).
#
#   benches/encryption.sh [DB]   (default target/bench-100000.db, built when missing)
#
# Rows: start to first frame (tmux), the search index read and a filter
# keystroke (cargo bench --bench search), export --all, and the import of a
# 100,000-row accounts sheet into an empty file (plain / encrypted). Each a
# median of 3. Needs tmux and sqlite3. Nothing is asserted; the figures are
# printed and kept in target/bench-encryption.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-target/bench-100000.db}
WORK=$(mktemp -d)
trap 'tmux kill-session -t kamenc 2>/dev/null || true; rm -rf "$WORK"' EXIT
export KAM_CONFIG_DIR=$WORK/config
mkdir -p "$KAM_CONFIG_DIR"
printf 'user = "bench"\nrole = "manager"\nlanguage = "en"\n' > "$KAM_CONFIG_DIR/config.toml"
# The passphrase for the encrypted runs, in a file as a script gives it.
PASS=$WORK/pass
printf 'bench passphrase 口令\n' > "$PASS"

cargo build --release --quiet
cp target/release/kam "$WORK/kam-plain"
cargo build --release --quiet --features encryption
cp target/release/kam "$WORK/kam-enc"

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() { printf '%-44s %12s %12s   %s\n' "$1" "$2" "$3" "$4"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f×", a / b}'; }

if [ ! -f "$DB" ]; then
    "$WORK/kam-plain" --db "$DB" demo --accounts 100000 --seed 1 >/dev/null
fi
PLAIN=$WORK/plain.db
ENC=$WORK/enc.db
cp "$DB" "$PLAIN"
cp "$DB" "$ENC"
t0=$(now_ms)
KAM_PASSPHRASE_FILE=$PASS "$WORK/kam-enc" --db "$ENC" encrypt >/dev/null
encrypt_ms=$(( $(now_ms) - t0 ))

{
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores; $(du -h "$PLAIN" | cut -f1) file, $(sqlite3 "$PLAIN" 'select count(*) from accounts where deleted_at is null') accounts"
row "" "plain" "encrypted" ""

# Start to first frame: the tab bar drawn in a real terminal (tmux).
first_frame() { # KAM DB [env]
    tmux kill-session -t kamenc 2>/dev/null || true
    local t0; t0=$(now_ms)
    tmux new -d -s kamenc -x 120 -y 40 "env $3 $1 --db $2"
    while ! tmux capture-pane -p -t kamenc 2>/dev/null | grep -q '1 Accounts'; do sleep 0.002; done
    echo $(( $(now_ms) - t0 ))
    tmux kill-session -t kamenc
}
p=$(for _ in 1 2 3; do first_frame "$WORK/kam-plain" "$PLAIN" "KAM_X=1"; done | median)
e=$(for _ in 1 2 3; do first_frame "$WORK/kam-enc" "$ENC" "KAM_PASSPHRASE_FILE=$PASS"; done | median)
row "start to first frame (tmux)" "$p ms" "$e ms" "$(ratio "$e" "$p")"

# The search index read from the file and filter keystrokes, in-process.
search() { # DB [features]
    KAM_BENCH_DB=$1 cargo bench --quiet --bench search ${2:+--features "$2"} 2>/dev/null
}
search "$PLAIN" > "$WORK/s_plain"
KAM_PASSPHRASE_FILE=$PASS search "$ENC" encryption > "$WORK/s_enc"
read_ms() { sed -n 's/.*read \([0-9]*\) ms.*/\1/p' "$1"; }
row "search index read (in-process)" "$(read_ms "$WORK/s_plain") ms" "$(read_ms "$WORK/s_enc") ms" ""
for q in "'hz'" "'13800'" "'杭州'"; do
    pm=$(grep -F "$q" "$WORK/s_plain" | head -1 | sed -n 's/.*median *\([0-9.]*\) ms.*/\1/p')
    em=$(grep -F "$q" "$WORK/s_enc" | head -1 | sed -n 's/.*median *\([0-9.]*\) ms.*/\1/p')
    [ -n "$pm" ] && row "filter keystroke $q (median)" "$pm ms" "$em ms" ""
done

# Day-end export of everything.
export_ms() { # KAM DB [env]
    rm -rf "$WORK/x"
    local t0; t0=$(now_ms)
    env $3 "$1" --db "$2" export --all --dir "$WORK/x" >/dev/null 2>&1
    echo $(( $(now_ms) - t0 ))
}
p=$(for _ in 1 2 3; do export_ms "$WORK/kam-plain" "$PLAIN" "KAM_X=1"; done | median)
e=$(for _ in 1 2 3; do export_ms "$WORK/kam-enc" "$ENC" "KAM_PASSPHRASE_FILE=$PASS"; done | median)
row "export --all" "$p ms" "$e ms" "$(ratio "$e" "$p")"

# The accounts sheet, names made unique as in benches/whole.sh, imported
# into an empty file: a new plain file, and an empty file encrypted.
sed '1s/^\xEF\xBB\xBF//' "$WORK/x/accounts.csv" > "$WORK/sheet.csv"
sqlite3 "$WORK/sheet.db" ".import --csv $WORK/sheet.csv sheet" "update sheet set name = name || '(' || rowid || ')'"
sqlite3 -csv -header "$WORK/sheet.db" 'select * from sheet' > "$WORK/accounts.csv"
mkdir -p "$WORK/one"
printf 'name\n空文件占位\n' > "$WORK/one/accounts.csv"
"$WORK/kam-plain" --db "$WORK/empty.db" import "$WORK/one/accounts.csv" >/dev/null
cp "$WORK/empty.db" "$WORK/empty-enc.db"
KAM_PASSPHRASE_FILE=$PASS "$WORK/kam-enc" --db "$WORK/empty-enc.db" encrypt >/dev/null
import_ms() { # KAM EMPTY [env]
    rm -rf "$WORK/imp"; mkdir "$WORK/imp"
    cp "$2" "$WORK/imp/kam.db"
    local t0; t0=$(now_ms)
    env $3 "$1" --db "$WORK/imp/kam.db" import "$WORK/accounts.csv" >/dev/null 2>&1
    echo $(( $(now_ms) - t0 ))
}
p=$(for _ in 1 2 3; do import_ms "$WORK/kam-plain" "$WORK/empty.db" "KAM_X=1"; done | median)
e=$(for _ in 1 2 3; do import_ms "$WORK/kam-enc" "$WORK/empty-enc.db" "KAM_PASSPHRASE_FILE=$PASS"; done | median)
row "import accounts.csv ($(( $(wc -l < "$WORK/accounts.csv") - 1 )) rows)" "$p ms" "$e ms" "$(ratio "$e" "$p")"
row "kam encrypt of the whole file (once)" "" "$encrypt_ms ms" ""
} 2>&1 | tee target/bench-encryption.txt
