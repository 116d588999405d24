#!/usr/bin/env bash
# The consumer test: installs the current build into a scratch prefix, then
# builds tests/consumer/main.c against that install twice, through
# pkg-config and through find_package(polisi), and runs both programs.
# Registered by tests/CMakeLists.txt; every path comes from there.
set -euo pipefail

build_dir= config= source_dir= work_dir= libdir=lib shared=1
cc=cc cmake=cmake generator= flags=
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$2 ;;
    --config) config=$2 ;;
    --source-dir) source_dir=$2 ;;
    --work-dir) work_dir=$2 ;;
    --libdir) libdir=$2 ;;
    --shared) shared=$2 ;;
    --cc) cc=$2 ;;
    --cmake) cmake=$2 ;;
    --generator) generator=$2 ;;
    --flags) flags=$2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
: "${build_dir:?--build-dir is required}" "${source_dir:?}" "${work_dir:?}"

prefix=$work_dir/prefix
rm -rf "$work_dir"
mkdir -p "$work_dir"
step() { printf '\n== consumer: %s\n' "$*"; }

step "install into $prefix"
"$cmake" --install "$build_dir" --prefix "$prefix" ${config:+--config "$config"} >"$work_dir/install.log"
case "$libdir" in /*) libpath=$libdir ;; *) libpath=$prefix/$libdir ;; esac
for f in "$prefix/include/polisi.h" "$prefix/include/polisi_export.h" \
         "$prefix/include/polisi_version.h" "$libpath/pkgconfig/polisi.pc" \
         "$libpath/cmake/polisi/polisiConfig.cmake"; do
  [ -f "$f" ] || { echo "consumer: not installed: $f" >&2; exit 1; }
done

# A sanitized libpolisi needs a sanitized program: $flags holds the same
# -fsanitize flags as the build (empty otherwise).
# shellcheck disable=SC2206
extra=($flags)

step "pkg-config"
export PKG_CONFIG_PATH="$libpath/pkgconfig"
pc_static=
[ "$shared" = 1 ] || pc_static=--static
pc_flags=$(pkg-config $pc_static --cflags --libs polisi)
echo "pkg-config --cflags --libs polisi: $pc_flags"
pc_version=$(pkg-config --modversion polisi)
# shellcheck disable=SC2086
"$cc" ${extra[@]+"${extra[@]}"} -std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Werror \
  -o "$work_dir/consumer-pkgconfig" "$source_dir/main.c" $pc_flags
LD_LIBRARY_PATH="$libpath${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$work_dir/consumer-pkgconfig" \
  >"$work_dir/pkgconfig.out"
head -n 1 "$work_dir/pkgconfig.out"
grep -q "^polisi $pc_version " "$work_dir/pkgconfig.out" || {
  echo "consumer: pkg-config says $pc_version, the library says otherwise" >&2; exit 1; }

step "find_package(polisi)"
gen_args=()
[ -n "$generator" ] && gen_args=(-G "$generator")
"$cmake" -S "$source_dir" -B "$work_dir/cmake-build" "${gen_args[@]}" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$work_dir/cmake-configure.log" || {
  cat "$work_dir/cmake-configure.log"; exit 1; }
found=$(sed -n 's/^polisi_DIR:PATH=//p' "$work_dir/cmake-build/CMakeCache.txt")
echo "polisi_DIR=$found"
case "$found" in
  "$prefix"/*) ;;
  *) echo "consumer: find_package(polisi) found $found, not the scratch install" >&2; exit 1 ;;
esac
"$cmake" --build "$work_dir/cmake-build" >"$work_dir/cmake-build.log" 2>&1 || {
  cat "$work_dir/cmake-build.log"; exit 1; }
# CMake puts the imported library's directory in the build RPATH: no LD_LIBRARY_PATH.
"$work_dir/cmake-build/consumer" >"$work_dir/cmake.out"
head -n 1 "$work_dir/cmake.out"

step "ok"
