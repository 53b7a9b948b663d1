# `fencedep --help` and each subcommand's help work and name the subcommands.
set -eu
out=$("$FENCEDEP" --help)
echo "$out" | grep -q 'run' || { echo "--help does not list run"; exit 1; }
echo "$out" | grep -q 'demo' || { echo "--help does not list demo"; exit 1; }
"$FENCEDEP" run --help | grep -q -- '--exitcode' || { echo "run --help lacks --exitcode"; exit 1; }
"$FENCEDEP" demo --help >/dev/null
"$FENCEDEP" --version | grep -q '^fencedep ' || { echo "--version"; exit 1; }
# No subcommand is a usage error.
set +e
"$FENCEDEP" >/dev/null 2>&1
[ $? -ne 0 ] || { echo "no subcommand should fail"; exit 1; }
exit 0
