#!/usr/bin/env bash
# scripts/bench-ratios.sh — the serde benchmarks (serde/bench_test.go) in one
# run, then per operation, format and size: ns/op and allocs/op of each
# variant and its time ratio to the raw codec.
#
#   scripts/bench-ratios.sh                 # run, then print the table
#   scripts/bench-ratios.sh -f bench.txt    # print the table of a saved run
#
# BENCHTIME (default 200ms) and COUNT (default 1) tune the run; with
# COUNT > 1 the table uses the median of the runs. The raw output goes to
# stderr, so `2>bench.txt` keeps it.
#
# Targets (issue): Avro and Protobuf framing within 1.1x of the raw codec at
# 1KB and 1.3x for the small records, and no allocation beyond the codec's
# own with the append APIs: compare carta-* allocs with raw-append (the
# codec's append path, Avro and Protobuf) as well as raw.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

input=""
if [ "${1:-}" = "-f" ]; then
	input="${2:?usage: $0 [-f saved-bench-output]}"
fi

run() {
	go test -run '^$' -bench . -benchmem -benchtime="${BENCHTIME:-200ms}" -count="${COUNT:-1}" ./serde/
}

if [ -n "$input" ]; then
	cat "$input"
else
	run | tee /dev/stderr
fi | awk '
/^Benchmark(Serialize|Deserialize)\// {
	name = $1
	sub(/-[0-9]+$/, "", name)          # the GOMAXPROCS suffix
	split(name, p, "/")                 # BenchmarkX, format, size, variant
	op = p[1]; sub(/^Benchmark/, "", op)
	key = op SUBSEP p[2] SUBSEP p[3]
	v = p[4]
	ns = ""; allocs = ""
	for (i = 2; i < NF; i++) {
		if ($(i+1) == "ns/op") ns = $i
		if ($(i+1) == "allocs/op") allocs = $i
	}
	n = ++count[key, v]
	nsv[key, v, n] = ns; alv[key, v, n] = allocs
	if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
}
function median(arr, key, v, n,    i, j, t, a) {
	for (i = 1; i <= n; i++) a[i] = arr[key, v, i] + 0
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
	return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
END {
	nv = split("raw raw-append carta-glue carta-confluent franz-sr", vs, " ")
	printf "\n%-11s %-9s %-8s", "op", "format", "size"
	for (k = 1; k <= nv; k++) printf " %22s", vs[k]
	printf "\n%-11s %-9s %-8s", "", "", ""
	for (k = 1; k <= nv; k++) printf " %22s", "ns/op allocs ratio"
	printf "\n"
	for (o = 1; o <= nkeys; o++) {
		key = order[o]
		split(key, kp, SUBSEP)
		if (!((key, "raw") in count)) continue
		raw = median(nsv, key, "raw", count[key, "raw"])
		printf "%-11s %-9s %-8s", kp[1], kp[2], kp[3]
		for (k = 1; k <= nv; k++) {
			v = vs[k]
			if (!((key, v) in count)) { printf " %22s", "-"; continue }
			ns = median(nsv, key, v, count[key, v])
			al = median(alv, key, v, count[key, v])
			printf " %10.0f %4d %5.2fx", ns, al, (raw > 0 ? ns / raw : 0)
		}
		printf "\n"
	}
}'
