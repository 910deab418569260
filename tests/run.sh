#!/usr/bin/env bash
# tests/run.sh — install what is missing, build, and run every test:
# unit tests in a Release build and again under ASan+UBSan, the libFuzzer
# harnesses briefly (clang), then the
# network-namespace suites (need root).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/interop/deps.sh"

uipsec_install_deps
uipsec_build "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
uipsec_build "$top/build-asan" -DCMAKE_BUILD_TYPE=Debug -DUIPSEC_SANITIZE=ON
# libFuzzer harnesses (clang): fuzzing instruments every target, so this
# build also needs the sanitizer runtime.
uipsec_build "$top/build-fuzz" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	-DUIPSEC_FUZZ=ON -DUIPSEC_SANITIZE=ON

echo "== unit tests (release)"
ctest --test-dir "$top/build" --output-on-failure -j 2
echo "== unit tests (asan+ubsan)"
ctest --test-dir "$top/build-asan" --output-on-failure -j 2 -LE slow

echo "== fuzz harnesses (10 s each; longer: see tests/fuzz/CMakeLists.txt)"
ctest --test-dir "$top/build-fuzz" --output-on-failure -L fuzz

for t in "$top"/interop/tests/*.sh; do
	[ -e "$t" ] || continue
	echo "== interop: $(basename "$t")"
	bash "$t" "$top/build"
done
echo "== all tests passed"
