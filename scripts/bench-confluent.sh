#!/usr/bin/env bash
# scripts/bench-confluent.sh — Carta's Confluent API under load from wrk, beside a bare net/http
# server that serves the same response bytes, in the same run:
#
#   GET /schemas/ids/{id}                 (what every Confluent deserializer calls once per ID)
#   GET /subjects/{s}/versions/latest     (what serializers with useLatestVersion call)
#
# Prints requests/s and p99 latency of each, and Carta's throughput as a fraction of the bare
# server's. DURATION (default 10s), THREADS (2) and CONNECTIONS (16) tune wrk. Needs wrk
# (apt-get install wrk) and curl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in wrk curl; do
	command -v "$tool" >/dev/null || { echo "bench-confluent: component missing: $tool (apt-get install $tool)" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

go build -o "$work/carta" ./cmd/carta
go build -o "$work/bareserver" ./scripts/bench/bareserver

cport=$(freeport)
"$work/carta" serve --addr "127.0.0.1:$cport" --data-dir "$work/data" --log-level error >"$work/carta.log" 2>&1 &
pids+=($!)
carta="http://127.0.0.1:$cport"
for _ in $(seq 100); do curl -fsS "$carta/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

schema=$(python3 -c 'import json,sys; print(json.dumps({"schema": open("examples/payments/payment_v2.avsc").read()}))')
id=$(curl -fsS -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
	--data "$schema" "$carta/subjects/PaymentCaptured-value/versions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
ids_path="/schemas/ids/$id"
latest_path="/subjects/PaymentCaptured-value/versions/latest"
curl -fsS "$carta$ids_path" >"$work/ids.json"
curl -fsS "$carta$latest_path" >"$work/latest.json"

bport=$(freeport)
"$work/bareserver" -addr "127.0.0.1:$bport" "$ids_path=$work/ids.json" "$latest_path=$work/latest.json" &
pids+=($!)
bare="http://127.0.0.1:$bport"
for _ in $(seq 100); do curl -fsS "$bare$ids_path" >/dev/null 2>&1 && break; sleep 0.1; done
cmp -s <(curl -fsS "$bare$ids_path") "$work/ids.json" || { echo "bench-confluent: the bare server does not serve the same bytes" >&2; exit 1; }

# run URL -> "requests/s p99"
run() {
	wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-16}" -d"${DURATION:-10s}" --latency "$1" >"$work/wrk.txt"
	if grep -q 'Non-2xx' "$work/wrk.txt"; then
		echo "bench-confluent: non-2xx answers from $1" >&2
		cat "$work/wrk.txt" >&2
		exit 1
	fi
	awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {print rps, p99}' "$work/wrk.txt"
}

printf '%-36s %12s %10s %12s %10s %8s\n' endpoint carta-req/s carta-p99 bare-req/s bare-p99 ratio
for path in "$ids_path" "$latest_path"; do
	read -r crps cp99 < <(run "$carta$path")
	read -r brps bp99 < <(run "$bare$path")
	ratio=$(awk -v c="$crps" -v b="$brps" 'BEGIN {printf "%.2fx", c/b}')
	printf '%-36s %12s %10s %12s %10s %8s\n' "$path" "$crps" "$cp99" "$brps" "$bp99" "$ratio"
done
