#!/usr/bin/env bash
# scripts/bench-storage.sh — the storage benchmarks (internal/store/bench_test.go)
# in one run, then a table: operations per second of RegisterVersion and of
# GetVersion by ID through the registry Service, at concurrency 1, 16 and 64,
# on each store, and each store's ratio to the baseline.
#
#   scripts/bench-storage.sh                 # run, then print the table
#   scripts/bench-storage.sh -f bench.txt    # print the table of a saved run
#
# Stores: baseline-tmpfs (SQLite on /dev/shm, where a sync costs nothing),
# sqlite (SQLite in the temporary directory, every commit synced), postgres
# (a private PostgreSQL 15 cluster, fsync on, that the run starts and stops).
#
# BENCHTIME (default 1s) and COUNT (default 1) tune the run; with COUNT > 1 the
# table uses the median of the runs. The raw output goes to stderr, so
# `2>bench.txt` keeps it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

input=""
if [ "${1:-}" = "-f" ]; then
	input="${2:?usage: $0 [-f saved-bench-output]}"
fi

run() {
	go test -run '^$' -bench '^BenchmarkStorage$' -benchtime="${BENCHTIME:-1s}" -count="${COUNT:-1}" ./internal/store/
}

if [ -n "$input" ]; then
	cat "$input"
else
	run | tee /dev/stderr
fi | awk '
/^BenchmarkStorage\// {
	name = $1
	sub(/-[0-9]+$/, "", name)          # the GOMAXPROCS suffix
	split(name, p, "/")                 # BenchmarkStorage, store, op, c=N
	st = p[2]; key = p[3] SUBSEP p[4]
	ops = ""
	for (i = 2; i < NF; i++) if ($(i+1) == "ops/s") ops = $i
	n = ++count[st, key]
	v[st, key, n] = ops
	if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
}
function median(st, key, n,    i, j, t, a) {
	for (i = 1; i <= n; i++) a[i] = v[st, key, i] + 0
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
	return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
END {
	if (nkeys == 0) { print "bench-storage: no BenchmarkStorage results" > "/dev/stderr"; exit 1 }
	ns = split("baseline-tmpfs sqlite postgres", stores, " ")
	printf "\nops/s (higher is better)\n"
	printf "%-9s %5s", "op", "conc"
	for (k = 1; k <= ns; k++) printf " %15s", stores[k]
	for (k = 2; k <= ns; k++) printf " %17s", stores[k] "/base"
	printf "\n"
	for (i = 1; i <= nkeys; i++) {
		key = order[i]; split(key, kp, SUBSEP)
		c = kp[2]; sub(/^c=/, "", c)
		printf "%-9s %5s", kp[1], c
		for (k = 1; k <= ns; k++) {
			n = count[stores[k], key]
			m[k] = n ? median(stores[k], key, n) : 0
			if (n) printf " %15.0f", m[k]; else printf " %15s", "-"
		}
		for (k = 2; k <= ns; k++) {
			if (m[1] > 0 && m[k] > 0) printf " %16.2fx", m[k] / m[1]; else printf " %17s", "-"
		}
		printf "\n"
	}
}'
