#!/usr/bin/env bash
# Installs what is missing, builds, and runs fencedep on the bundled examples.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" >/dev/null
exec "$root/build/bin/fencedep" demo
