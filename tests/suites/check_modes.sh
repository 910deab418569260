#!/bin/sh
# tests/suites/check_modes.sh INTEROP_TESTS_DIR — every namespace suite can be
# run the way DEVELOPERS.md documents it (`interop/tests/NAME.sh BUILD_DIR`):
# executable, a bash shebang, and it parses. tests/run.sh starts each one the
# same way (`bash SUITE BUILD_DIR`), so a suite missing its x bit would pass
# in CI yet fail for a user who runs it directly.
set -u
dir=$1
fail=0
n=0
for t in "$dir"/*.sh; do
	[ -e "$t" ] || continue
	n=$((n + 1))
	name=$(basename "$t")
	if [ ! -x "$t" ]; then
		echo "FAIL $name: not executable (git update-index --chmod=+x)"
		fail=1
	fi
	if [ "$(head -n 1 "$t")" != '#!/usr/bin/env bash' ]; then
		echo "FAIL $name: first line is not #!/usr/bin/env bash"
		fail=1
	fi
	if ! bash -n "$t"; then
		echo "FAIL $name: bash -n finds a syntax error"
		fail=1
	fi
done
if [ "$n" -eq 0 ]; then
	echo "FAIL no suites in $dir"
	exit 1
fi
[ "$fail" -eq 0 ] && echo "ok: $n suites executable, bash, parse"
exit "$fail"
