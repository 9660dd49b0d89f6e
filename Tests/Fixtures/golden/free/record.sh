#!/bin/sh
# Records procps-ng `free`'s output for every fixture kernel and flag set, by
# bind-mounting the fixture's proc/meminfo over /proc/meminfo in a private
# mount namespace (needs root and util-linux unshare). procps-ng 4.0.2's
# free reads nothing but /proc/meminfo. Run from the package root:
#   sh Tests/Fixtures/golden/free/record.sh
set -eu
here=Tests/Fixtures/golden/free
free -V | grep -q 'procps-ng 4.0.2' || { echo "need procps-ng 4.0.2 free" >&2; exit 1; }
# Fixture kernels, then hand-made edge cases (negative commit headroom,
# highmem, MemAvailable above MemTotal, figures wider than a column).
for kernel in Tests/Fixtures/kernels/*/ Tests/Fixtures/golden/free-edge/*/; do
    name=$(basename "$kernel")
    [ -f "$kernel/proc/meminfo" ] || continue
    mkdir -p "$here/$name"
    while read -r flags; do
        file="$here/$name/free${flags:+ $flags}.txt"
        unshare -m sh -c "mount --bind '$kernel/proc/meminfo' /proc/meminfo && free $flags" > "$file"
    done < "$here/flags"
done
