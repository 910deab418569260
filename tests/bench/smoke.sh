#!/bin/sh
# tests/bench/smoke.sh UIPSEC — `uipsec bench` runs and prints its table: a
# header and one row per suite, size and direction (4 x 3 x 2 by default).
# A smoke test of the tool, not of speed: no figure is judged.
set -eu
out=$("$1" bench --seconds 0.01)
printf '%s\n' "$out"
printf '%s\n' "$out" | grep -Eq '^suite +bytes +op +ESP MB/s +ESP kpps +raw MB/s +raw kpps +ESP/raw +raw via$' ||
	{ echo "smoke: table header missing" >&2; exit 1; }
rows=$(printf '%s\n' "$out" | grep -Ec '^[a-z0-9-]+ +(64|512|1400) +(encap|decap) +([0-9]+\.[0-9]+ +){5}[A-Za-z]+$' || true)
[ "$rows" -eq 24 ] || { echo "smoke: $rows table rows, want 24" >&2; exit 1; }
# Through a context cache with fewer slots than SAs (every packet re-keys a
# slot): bench fails if a decap does not give back the packet sent.
out=$("$1" bench --seconds 0.01 --size 64 --sas 8 --slots 3)
printf '%s\n' "$out"
rows=$(printf '%s\n' "$out" | grep -Ec '^[a-z0-9-]+ +64 +(encap|decap) +([0-9]+\.[0-9]+ +){5}[A-Za-z]+$' || true)
[ "$rows" -eq 8 ] || { echo "smoke: $rows rows with --sas 8 --slots 3, want 8" >&2; exit 1; }
