#!/usr/bin/env python3
"""gen_trace_dat.py OUT EVENTS: a large trace.dat for offline_kernel_bench.sh,
in the layout of testdata/traces/dat/make_dat.py (trace-cmd 3.1's file format
v6, Linux 6.12's dma_fence and lock formats): 4 CPUs, each a kernel worker
taking two of 64 lockdep classes in a consistent order and signalling fences
of its own timeline inside a signalling section, about EVENTS records in all.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testdata", "traces", "dat"))
import make_dat as d  # noqa: E402

out, total = sys.argv[1], int(sys.argv[2])
LOCKS = ["&lock_class_%d->mutex" % i for i in range(64)]
cpus = []
per_cpu = total // 4
for cpu in range(4):
    pid = 100 + cpu
    pages, cur, size, ts, n, seq = [], [], 16, 1_000_000_000, 0, 0
    while n < per_cpu:
        a = (n * 7 + cpu) % 63
        seq += 1
        work = [
            d.acquire(0, pid, 0xff00, "dma_fence_map", 2),
            d.acquire(0, pid, 0x1000 + a, LOCKS[a]),
            d.acquire(0, pid, 0x2000 + a + 1, LOCKS[a + 1]),
            d.release(0, pid, 0x2000 + a + 1, LOCKS[a + 1]),
            d.release(0, pid, 0x1000 + a, LOCKS[a]),
            d.fence("dma_fence_signaled", 0, pid, "bench", "ring%d" % cpu, 10 + cpu, seq),
            d.release(0, pid, 0xff00, "dma_fence_map"),
        ]
        for p in work:
            ts += 700
            length = 4 + len(p) + (-len(p) % 4)
            if size + length > d.PAGE:
                pages.append(cur)
                cur, size = [], 16
            cur.append((ts, p))
            size += length
            n += 1
    if cur:
        pages.append(cur)
    cpus.append(pages)
d.write(out, cpus, b"".join(b"%d kworker/%d:1H\n" % (100 + c, c) for c in range(4)))
