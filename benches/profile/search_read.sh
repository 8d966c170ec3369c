#!/usr/bin/env bash
# Profiles the release server under the bench's search_read load and draws a flame
# graph: `benches/profile/search_read.sh [sqlite|postgres]`.
#
# Needs (none of them is needed to build or test the project): perf (Debian's
# linux-perf), wrk (Debian's wrk) and inferno (`cargo install inferno`). PostgreSQL:
# OPS_BENCH_POSTGRES_URL names a server where a database may be created.
# Writes target/profile/<backend>.svg (the flame graph; frames under 0.3% left out),
# <backend>.folded (the stacks) and <backend>.txt (top symbols).
set -euo pipefail
backend="${1:-sqlite}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/target/profile"
mkdir -p "$out"
cargo build --release --manifest-path "$root/Cargo.toml" >/dev/null
port=18169
work="$(mktemp -d)"
if [ "$backend" = postgres ]; then
    admin="${OPS_BENCH_POSTGRES_URL:?set OPS_BENCH_POSTGRES_URL}"
    db="ops_profile_$$"
    psql "$admin" -qc "CREATE DATABASE $db"
    url="${admin%/*}/$db"
else
    url="sqlite://$work/profile.sqlite"
fi
cleanup() {
    kill "$pid" 2>/dev/null || true
    [ "$backend" = postgres ] && psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    rm -rf "$work"
}
OPS_LISTEN="127.0.0.1:$port" OPS_DATABASE_URL="$url" OPS_DEMO=true OPS_LOG=error \
    "$root/target/release/odoo-pos-stripe" >"$work/server.log" 2>&1 &
pid=$!
trap cleanup EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/web/webclient/version_info" -H 'content-type: application/json' -d '{}' >/dev/null && break
    sleep 0.1
done
sid=$(curl -si "http://127.0.0.1:$port/web/session/authenticate" -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","method":"call","params":{"db":"odoo","login":"cashier","password":"cashier"},"id":1}' \
    | sed -n 's/^set-cookie: session_id=\([^;]*\);.*/\1/Ip')
cat >"$work/call.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "session_id=$sid"
wrk.body = '{"jsonrpc":"2.0","method":"call","params":{"model":"pos.payment.method","method":"search_read","args":[[["use_payment_terminal","!=",false]]],"kwargs":{"fields":["name","journal_id","use_payment_terminal","stripe_serial_number","active"]}},"id":1}'
LUA
wrk -t2 -c64 -d14s -s "$work/call.lua" "http://127.0.0.1:$port/web/dataset/call_kw" >"$work/wrk.txt" &
load=$!
sleep 2
perf record -e cpu-clock -F 999 -g -p "$pid" -o "$work/perf.data" -- sleep 10 2>/dev/null
wait "$load"
perf script -i "$work/perf.data" 2>/dev/null | inferno-collapse-perf >"$out/$backend.folded"
inferno-flamegraph --minwidth 0.3 --title "odoo-pos-stripe, search_read at 64 connections ($backend)" \
    <"$out/$backend.folded" >"$out/$backend.svg"
perf report -i "$work/perf.data" --no-children --sort sym -g none >"$work/report.txt" 2>/dev/null
grep -v '^#' "$work/report.txt" | grep -v '^$' | head -40 >"$out/$backend.txt" || true
grep -E 'Requests/sec|Latency' "$work/wrk.txt"
echo "written: $out/$backend.svg, $out/$backend.folded, $out/$backend.txt"
