#!/usr/bin/env bash
# One command from a fresh clone to polisi's JSON on a sample press release:
# installs the dependencies (apt-get), builds the library and the CLI in
# build-demo/, and runs `polisi --pretty tools/sample-article.txt`.
#
#   bash tools/demo.sh [FILE...]     (default: tools/sample-article.txt)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${JOBS:-2}
if [ $# -eq 0 ]; then
  cd "$root"  # so that the document id reads tools/sample-article.txt
  set -- tools/sample-article.txt
fi

bash "$root/tools/deps.sh" >&2
cmake -S "$root" -B "$root/build-demo" -DCMAKE_BUILD_TYPE=Release \
  -DPOLISI_BUILD_TESTS=OFF -DPOLISI_BUILD_CLI=ON >&2
cmake --build "$root/build-demo" --parallel "$jobs" >&2
echo "== polisi --pretty $*" >&2
"$root/build-demo/polisi" --pretty "$@"
