# `run --json` on the demo writes a JSON array holding its wait-cycle report.
set -u
"$FENCEDEP" run --json out.json -- "$DEMO_JOBS" 2>err.txt; s=$?
[ $s -eq 66 ] || { echo "FAIL: exit status $s, expected 66"; cat err.txt; exit 1; }
"$JSON_CHECK" out.json wait-cycle
