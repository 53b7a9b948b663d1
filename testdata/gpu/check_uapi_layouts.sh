#!/usr/bin/env bash
# Compares the GPU scenarios' transcription of the drivers' UAPI structs
# (drm_drivers_abi.h) with the kernel's own headers: every size, offset
# and request code uapi_layouts.c prints must be the same.
#
#   check_uapi_layouts.sh UAPI_DIR [CC]
#
# UAPI_DIR is the include/uapi directory of a Linux 6.12 tree, for
# instance from Debian's linux-source-6.12:
#   tar -xJf /usr/src/linux-source-6.12.tar.xz -C DIR \
#     --wildcards 'linux-source-6.12/include/uapi/*'
#   check_uapi_layouts.sh DIR/linux-source-6.12/include/uapi
# Exit status 0 when they agree, 1 when not, 2 on bad usage.
set -u
[ $# -ge 1 ] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
uapi=$1 cc=${2:-cc}
[ -f "$uapi/drm/xe_drm.h" ] || { echo "check_uapi_layouts.sh: no drm/xe_drm.h under '$uapi'" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cc" -std=gnu11 -DFROM_KERNEL -I "$uapi" -o "$tmp/kernel" "$here/uapi_layouts.c" || exit 2
"$cc" -std=gnu11 -I "$here" -o "$tmp/ours" "$here/uapi_layouts.c" || exit 2
"$tmp/kernel" >"$tmp/kernel.txt" && "$tmp/ours" >"$tmp/ours.txt" || exit 2
if diff -u "$tmp/kernel.txt" "$tmp/ours.txt"; then
  echo "check_uapi_layouts.sh: $(wc -l <"$tmp/ours.txt") sizes, offsets and request codes agree with $uapi"
  exit 0
fi
exit 1
