# A signal sent to fencedep reaches the command; one fencedep was started
# ignoring stays ignored in the command, as it would without fencedep.
set -u
fail() { echo "FAIL: $*"; exit 1; }
"$FENCEDEP" run -- sleep 30 2>err.txt &
pid=$!
# Wait until fencedep has started the command (and installed its forwarder).
for _ in $(seq 100); do
  [ -n "$(cat /proc/$pid/task/$pid/children 2>/dev/null)" ] && break
  sleep 0.1
done
kill -TERM $pid
wait $pid; s=$?
[ $s -eq 143 ] || fail "SIGTERM to fencedep: exited $s, expected 143"
grep -q "killed by signal 15" err.txt || fail "no note: $(cat err.txt)"
# SigIgn in /proc is a hex mask; SIGHUP is its lowest bit.
mask=$( (trap '' HUP; "$FENCEDEP" run -- grep SigIgn /proc/self/status) 2>/dev/null | awk '{print $2}')
[ -n "$mask" ] && [ $((0x$mask & 1)) -eq 1 ] || fail "ignored SIGHUP not inherited: SigIgn '$mask'"
# Unless this test itself runs with SIGHUP ignored (nohup), which a shell
# cannot undo, the command gets the default action.
own=$(awk '/SigIgn/ {print $2}' /proc/$$/status)
if [ $((0x$own & 1)) -eq 0 ]; then
  mask=$("$FENCEDEP" run -- grep SigIgn /proc/self/status 2>/dev/null | awk '{print $2}')
  [ -n "$mask" ] && [ $((0x$mask & 1)) -eq 0 ] || fail "SIGHUP ignored without cause: SigIgn '$mask'"
fi
exit 0
