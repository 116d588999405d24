#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite (CI runs this too):
#   1. installs the dependencies (apt-get; see tools/deps.sh),
#   2. a fresh RelWithDebInfo build with -Werror in build-test/, then ctest,
#   3. the same with clang, Release, in build-clang/, with the benchmark
#      (bench/) and its smoke tests,
#   4. a fresh ASan + UBSan build in build-asan/, then ctest,
#   5. the CLI and the unit tests of step 2 under valgrind,
#   6. a ThreadSanitizer build in build-tsan/ running test_threads (built-in
#      texts and ../shared/corpus/dev.jsonl) and test_api.
# The fuzz corpus replay (fuzz_replay, fuzz_replay_spec, fuzz_scan_replay)
# is part of ctest in steps 2 to 4.
#
#   bash tools/test.sh
#
# Environment: JOBS=N build jobs (default 2); BUILD_ROOT=DIR puts build-test/
# and build-asan/ in DIR instead of the source tree (for several people
# testing one tree at once).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${JOBS:-2}
out=${BUILD_ROOT:-$root}
mkdir -p "$out"
out=$(cd "$out" && pwd)
start=$SECONDS
step() { printf '\n===== %s (%ds)\n' "$*" $((SECONDS - start)); }

step "dependencies"
bash "$root/tools/deps.sh" --test

build_and_test() {
  local dir=$1; shift
  rm -rf "$dir"
  cmake -S "$root" -B "$dir" -DPOLISI_WERROR=ON -DPOLISI_BUILD_TESTS=ON -DPOLISI_BUILD_CLI=ON "$@"
  cmake --build "$dir" --parallel "$jobs"
  (cd "$dir" && ctest --output-on-failure --parallel "$jobs")
}

step "build + ctest (RelWithDebInfo, -Werror): build-test/"
build_and_test "$out/build-test" -DCMAKE_BUILD_TYPE=RelWithDebInfo

step "build + ctest (clang, Release, -Werror): build-clang/"
# The optimized build runs the AVX2 paths where the CPU has them; a second
# compiler catches what the first does not warn about. The benchmark is
# built here so that it keeps building and running as the library changes.
CC=clang build_and_test "$out/build-clang" -DCMAKE_BUILD_TYPE=Release -DPOLISI_BUILD_BENCH=ON

step "build + ctest (ASan + UBSan): build-asan/"
build_and_test "$out/build-asan" -DCMAKE_BUILD_TYPE=Debug -DPOLISI_SANITIZE=ON

step "valgrind"
if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind not installed: skipped"
else
  # PCRE2's JIT writes code at run time: valgrind must re-check it.
  vg=(valgrind -q --error-exitcode=1 --leak-check=full
      --errors-for-leak-kinds=definite,indirect --smc-check=all-non-file)
  ran=0
  under_valgrind() {  # NAME PROGRAM ARGS...: quiet unless it fails
    local name=$1 log="$out/build-test/valgrind-$1.log"; shift
    [ -x "$1" ] || { echo "-- $name: not built, skipped"; return 0; }
    echo "-- valgrind $name"
    if ! "${vg[@]}" "$@" >"$log" 2>&1; then
      cat "$log"
      echo "valgrind: $name failed (log: $log)" >&2
      exit 1
    fi
    ran=$((ran + 1))
  }
  under_valgrind polisi "$out/build-test/polisi" --pretty "$root/tools/sample-article.txt"
  corpus=$root/../shared/corpus/officers-dev.jsonl
  if [ -f "$corpus" ]; then
    under_valgrind polisi-jsonl "$out/build-test/polisi" --jsonl <"$corpus"
  fi
  under_valgrind test_api "$out/build-test/tests/test_api"
  under_valgrind test_scanner "$out/build-test/tests/test_scanner"
  under_valgrind spec "$out/build-test/tests/spec_runner" "$root/tests/spec"
  echo "valgrind: $ran program(s) clean"
fi

step "ThreadSanitizer: build-tsan/ (test_threads, test_api)"
tsan=$out/build-tsan
rm -rf "$tsan"
cmake -S "$root" -B "$tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOLISI_TSAN=ON \
  -DPOLISI_WERROR=ON -DPOLISI_BUILD_TESTS=ON -DPOLISI_BUILD_CLI=OFF
cmake --build "$tsan" --parallel "$jobs" --target test_threads test_api
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
"$tsan/tests/test_threads"
rc=0
"$tsan/tests/test_threads" "$root/../shared/corpus/dev.jsonl" || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit "$rc"
"$tsan/tests/test_api"
unset TSAN_OPTIONS

step "all tests passed"
