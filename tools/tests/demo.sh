# `fencedep demo` finds the job queue's wait cycle and symbolizes it to
# lines of gpu_job_queue.c.
set -u
"$FENCEDEP" demo >out.txt 2>&1; s=$?
cat out.txt
[ $s -eq 0 ] || { echo "FAIL: fencedep demo exited $s"; exit 1; }
if [ -z "${FILECHECK:-}" ] || [ ! -x "$FILECHECK" ]; then
  grep -Eq 'gpu_job_queue\.c:[0-9]+' out.txt || { echo "FAIL: no gpu_job_queue.c:LINE"; exit 1; }
  exit 0
fi
"$FILECHECK" --input-file out.txt "$TESTS/demo.expected"
