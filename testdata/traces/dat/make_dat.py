#!/usr/bin/env python3
"""Writes section_wait.dat: a small trace-cmd trace.dat (file format v6, as
trace-cmd 3.1 writes it) of a kernel with lockdep and dma_fence events.

Run once by hand; the output is checked in next to this script (CI does not
need Python). The event formats are those of Linux 6.12 (dma_fence: as the
kernel's tracefs prints them; lock: include/trace/events/lock.h), the ring
buffer pages as kernel/trace/ring_buffer.c lays them out, so that
libtracecmd reads the file as it reads a recorded one, and `trace-cmd
report` (with -l, --ts-diff, --raw-ts) prints the text fixtures beside it.

The scenario: xe_submit (pid 1500) holds &vm->lock while it waits on a fence
of timeline xe:gt0-rcs0, with no might-wait annotation (no dma_fence_map
write acquire); kworker/1:1H (pid 88) signals that timeline's fences inside
a signalling section (dma_fence_map taken for read) that takes &vm->lock.
A hard interrupt on CPU 1 signals a fence of another timeline.
"""
import struct
import sys

PAGE = 4096
COMMON = """\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;
"""

def fmt(name, ident, fields, printfmt):
    return ("name: %s\nID: %d\nformat:\n%s\n%s\nprint fmt: %s\n" %
            (name, ident, COMMON, fields, printfmt)).encode()

FENCE_FIELDS = """\tfield:__data_loc char[] driver;\toffset:8;\tsize:4;\tsigned:0;
\tfield:__data_loc char[] timeline;\toffset:12;\tsize:4;\tsigned:0;
\tfield:unsigned int context;\toffset:16;\tsize:4;\tsigned:0;
\tfield:unsigned int seqno;\toffset:20;\tsize:4;\tsigned:0;
"""
FENCE_PRINT = ('"driver=%s timeline=%s context=%u seqno=%u", __get_str(driver), '
               '__get_str(timeline), REC->context, REC->seqno')
IDS = {"dma_fence_signaled": 2190, "dma_fence_wait_start": 2189,
       "dma_fence_wait_end": 2188, "dma_fence_init": 2193, "lock_acquire": 3001,
       "lock_release": 3002}
FORMATS = {
    "dma_fence": [fmt(n, IDS[n], FENCE_FIELDS, FENCE_PRINT)
                  for n in ("dma_fence_signaled", "dma_fence_wait_start", "dma_fence_wait_end")],
    "lock": [
        fmt("lock_acquire", IDS["lock_acquire"],
            """\tfield:unsigned int flags;\toffset:8;\tsize:4;\tsigned:0;
\tfield:__data_loc char[] name;\toffset:12;\tsize:4;\tsigned:0;
\tfield:void * lockdep_addr;\toffset:16;\tsize:8;\tsigned:0;
""",
            '"%p %s%s%s", REC->lockdep_addr, (REC->flags & 1) ? "try " : "", '
            '(REC->flags & 2) ? "read " : "", __get_str(name)'),
        fmt("lock_release", IDS["lock_release"],
            """\tfield:__data_loc char[] name;\toffset:8;\tsize:4;\tsigned:0;
\tfield:void * lockdep_addr;\toffset:16;\tsize:8;\tsigned:0;
""",
            '"%p %s", REC->lockdep_addr, __get_str(name)'),
    ],
}
HEADER_PAGE = b"""\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;
\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;
\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;
\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;
"""
HEADER_EVENT = b"""# compressed entry header
\ttype_len    :    5 bits
\ttime_delta  :   27 bits
\tarray       :   32 bits

\tpadding     : type == 29
\ttime_extend : type == 30
\ttime_stamp : type == 31
\tdata max type_len  == 28
"""
HARDIRQ = 0x08 | 0x01  # TRACE_FLAG_HARDIRQ | TRACE_FLAG_IRQS_OFF


def payload(event, flags, pid, fixed, strings, fixed_size):
    """Common fields, the fixed fields (with __data_loc slots as None), then
    the dynamic strings."""
    body = struct.pack("<HBBi", IDS[event], flags, 0, pid)
    tail = b""
    out = b""
    offset = 8 + fixed_size
    locs = []
    for s in strings:
        data = s.encode() + b"\0"
        locs.append((len(data) << 16) | (offset + len(tail)))
        tail += data
    for kind, value in fixed:
        if kind == "loc":
            out += struct.pack("<I", locs[value])
        elif kind == "u32":
            out += struct.pack("<I", value)
        elif kind == "ptr" or kind == "u64":
            out += struct.pack("<Q", value)
        elif kind == "u16":
            out += struct.pack("<H", value)
        elif kind == "pad":
            out += b"\0" * value
    return body + out + tail


def fence(event, flags, pid, driver, timeline, ctx, seq):
    return payload(event, flags, pid,
                   [("loc", 0), ("loc", 1), ("u32", ctx), ("u32", seq)], [driver, timeline], 16)


def acquire(flags, pid, addr, name, lock_flags=0):
    return payload("lock_acquire", flags, pid,
                   [("u32", lock_flags), ("loc", 0), ("ptr", addr)], [name], 16)


def release(flags, pid, addr, name):
    return payload("lock_release", flags, pid,
                   [("loc", 0), ("pad", 4), ("ptr", addr)], [name], 16)


VM_LOCK = 0xffff88810a2b3c40
FENCE_MAP = 0xffffffff83a1c0e0
CPU0 = [  # (ns, payload)
    (890000000000, acquire(0, 1500, VM_LOCK, "&vm->lock")),
    (890000001000, fence("dma_fence_wait_start", 0, 1500, "xe", "gt0-rcs0", 20, 5)),
    (890000250000, fence("dma_fence_wait_end", 0, 1500, "xe", "gt0-rcs0", 20, 5)),
    (890000251000, release(0, 1500, VM_LOCK, "&vm->lock")),
]
CPU1 = [
    (890000100000, acquire(0, 88, FENCE_MAP, "dma_fence_map", 2)),
    (890000101000, acquire(0, 88, VM_LOCK, "&vm->lock")),
    (890000120000, fence("dma_fence_signaled", HARDIRQ, 0, "xe", "gt0-bcs0", 30, 1)),
    (890000150000, release(0, 88, VM_LOCK, "&vm->lock")),
    (890000240000, fence("dma_fence_signaled", 0, 88, "xe", "gt0-rcs0", 20, 5)),
    (890000241000, release(0, 88, FENCE_MAP, "dma_fence_map")),
]


def page(events):
    data = b""
    base = events[0][0]
    prev = base
    for ts, p in events:
        p += b"\0" * (-len(p) % 4)
        assert len(p) <= 112
        delta = ts - prev
        assert delta < (1 << 27)
        data += struct.pack("<I", (len(p) // 4) | (delta << 5)) + p
        prev = ts
    head = struct.pack("<Qq", base, len(data))
    return (head + data).ljust(PAGE, b"\0")


def write(out, cpus, cmdlines, formats=None):
    """A trace.dat of `cpus`: per CPU, a list of pages, each a list of
    (ns, payload) in time order."""
    f = bytearray()
    f += b"\x17\x08\x44tracing" + b"6\0" + b"\0" + b"\x08" + struct.pack("<I", PAGE)
    f += b"header_page\0" + struct.pack("<Q", len(HEADER_PAGE)) + HEADER_PAGE
    f += b"header_event\0" + struct.pack("<Q", len(HEADER_EVENT)) + HEADER_EVENT
    f += struct.pack("<I", 0)  # ftrace formats
    formats = formats or FORMATS
    f += struct.pack("<I", len(formats))
    for system, texts in formats.items():
        f += system.encode() + b"\0" + struct.pack("<I", len(texts))
        for text in texts:
            f += struct.pack("<Q", len(text)) + text
    f += struct.pack("<I", 0)  # kallsyms
    f += struct.pack("<I", 0)  # printk formats
    f += struct.pack("<Q", len(cmdlines)) + cmdlines
    f += struct.pack("<I", len(cpus))
    f += b"options  \0" + struct.pack("<HI", 4, 0) + struct.pack("<H", 0)
    f += b"flyrecord\0"
    table_at = len(f)
    f += b"\0" * (16 * len(cpus))
    clock = b"[local] global counter uptime perf mono mono_raw boot x86-tsc\n"
    f += struct.pack("<Q", len(clock)) + clock
    f += b"\0" * (-len(f) % PAGE)
    for i, pages in enumerate(cpus):
        at = len(f)
        for events in pages:
            f += page(events)
        struct.pack_into("<QQ", f, table_at + 16 * i, at, len(f) - at)
    with open(out, "wb") as o:
        o.write(f)


def main(out):
    f = bytearray()
    f += b"\x17\x08\x44tracing" + b"6\0" + b"\0" + b"\x08" + struct.pack("<I", PAGE)
    f += b"header_page\0" + struct.pack("<Q", len(HEADER_PAGE)) + HEADER_PAGE
    f += b"header_event\0" + struct.pack("<Q", len(HEADER_EVENT)) + HEADER_EVENT
    f += struct.pack("<I", 0)  # ftrace formats
    f += struct.pack("<I", len(FORMATS))
    for system, formats in FORMATS.items():
        f += system.encode() + b"\0" + struct.pack("<I", len(formats))
        for text in formats:
            f += struct.pack("<Q", len(text)) + text
    f += struct.pack("<I", 0)  # kallsyms
    f += struct.pack("<I", 0)  # printk formats
    cmdlines = b"1500 xe_submit\n88 kworker/1:1H\n"
    f += struct.pack("<Q", len(cmdlines)) + cmdlines
    f += struct.pack("<I", 2)  # cpus
    # TRACECLOCK (4): the clock's name follows the CPU table, as recorded.
    f += b"options  \0" + struct.pack("<HI", 4, 0) + struct.pack("<H", 0)
    f += b"flyrecord\0"
    table_at = len(f)
    f += b"\0" * 32
    clock = b"[local] global counter uptime perf mono mono_raw boot x86-tsc\n"
    f += struct.pack("<Q", len(clock)) + clock
    f += b"\0" * (-len(f) % PAGE)
    offsets = []
    for events in (CPU0, CPU1):
        offsets.append(len(f))
        f += page(events)
    struct.pack_into("<QQQQ", f, table_at, offsets[0], PAGE, offsets[1], PAGE)
    with open(out, "wb") as o:
        o.write(f)


# i915_xe.dat: Linux 6.12's i915 request and xe job events
# (drivers/gpu/drm/i915/i915_trace.h, drivers/gpu/drm/xe/xe_trace.h): an
# i915 request waited on under &ce->timeline->mutex by gnome-shell, its
# timeline signalled by a worker whose signalling section takes that mutex;
# an xe job run until its hardware fence signals in a hard interrupt.
I915_FIELDS = """\tfield:u32 dev;\toffset:8;\tsize:4;\tsigned:0;
\tfield:u64 ctx;\toffset:16;\tsize:8;\tsigned:0;
\tfield:u16 class;\toffset:24;\tsize:2;\tsigned:0;
\tfield:u16 instance;\toffset:26;\tsize:2;\tsigned:0;
\tfield:u32 seqno;\toffset:28;\tsize:4;\tsigned:0;
\tfield:%s;\toffset:32;\tsize:4;\tsigned:%d;
"""
I915 = {  # event: (id, last field, signed, print format's tail)
    "i915_request_add": (4001, "u32 tail", 0, 'tail=%u", REC->dev, REC->class, REC->instance, REC->ctx, REC->seqno, REC->tail'),
    "i915_request_in": (4002, "u32 port", 0, 'port=%u", REC->dev, REC->class, REC->instance, REC->ctx, REC->seqno, REC->port'),
    "i915_request_out": (4003, "u32 completed", 0, 'completed?=%u", REC->dev, REC->class, REC->instance, REC->ctx, REC->seqno, REC->completed'),
    "i915_request_wait_begin": (4004, "unsigned int flags", 0, 'flags=0x%x", REC->dev, REC->class, REC->instance, REC->ctx, REC->seqno, REC->flags'),
}
XE_JOB = """\tfield:__data_loc char[] dev;\toffset:8;\tsize:4;\tsigned:0;
\tfield:u32 seqno;\toffset:12;\tsize:4;\tsigned:0;
\tfield:u32 lrc_seqno;\toffset:16;\tsize:4;\tsigned:0;
\tfield:u16 guc_id;\toffset:20;\tsize:2;\tsigned:0;
\tfield:u32 guc_state;\toffset:24;\tsize:4;\tsigned:0;
\tfield:u32 flags;\toffset:28;\tsize:4;\tsigned:0;
\tfield:int error;\toffset:32;\tsize:4;\tsigned:1;
\tfield:struct dma_fence * fence;\toffset:40;\tsize:8;\tsigned:0;
\tfield:u64 batch_addr;\toffset:48;\tsize:8;\tsigned:0;
"""
XE_FENCE = """\tfield:__data_loc char[] dev;\toffset:8;\tsize:4;\tsigned:0;
\tfield:u64 ctx;\toffset:16;\tsize:8;\tsigned:0;
\tfield:u32 seqno;\toffset:24;\tsize:4;\tsigned:0;
\tfield:struct xe_hw_fence * fence;\toffset:32;\tsize:8;\tsigned:0;
"""
IDS.update({n: v[0] for n, v in I915.items()})
IDS.update({"xe_sched_job_run": 4101, "xe_hw_fence_create": 4102, "xe_hw_fence_signal": 4103})


def i915(event, pid, ctx, seq, last):
    return payload(event, 0, pid, [("u32", 0), ("pad", 4), ("u64", ctx), ("u16", 0), ("u16", 0),
                                   ("u32", seq), ("u32", last)], [], 28)


def xe_fence(event, flags, pid, ctx, seq, fence):
    return payload(event, flags, pid, [("loc", 0), ("pad", 4), ("u64", ctx), ("u32", seq),
                                       ("pad", 4), ("ptr", fence)], ["0000:00:02.0"], 32)


def xe_job(pid, seq, guc, fence):
    return payload("xe_sched_job_run", 0, pid,
                   [("loc", 0), ("u32", seq), ("u32", seq), ("u16", guc), ("pad", 2), ("u32", 0),
                    ("u32", 0), ("u32", 0), ("pad", 4), ("ptr", fence), ("u64", 0x100000)],
                   ["0000:00:02.0"], 48)


def main_i915(out, names_first=True):
    formats = {
        "lock": FORMATS["lock"],
        "dma_fence": [fmt(n, IDS[n], FENCE_FIELDS, FENCE_PRINT)
                      for n in ("dma_fence_init", "dma_fence_signaled")],
        "i915": [fmt(n, v[0], I915_FIELDS % (v[1], v[2]),
                     '"dev=%u, engine=%u:%u, ctx=%llu, seqno=%u, ' + v[3]) for n, v in I915.items()],
        "xe": [fmt("xe_sched_job_run", 4101, XE_JOB,
                   '"dev=%s, fence=%p, seqno=%u, lrc_seqno=%u, guc_id=%d, batch_addr=0x%012llx, '
                   'guc_state=0x%x, flags=0x%x, error=%d", __get_str(dev), REC->fence, REC->seqno, '
                   'REC->lrc_seqno, REC->guc_id, REC->batch_addr, REC->guc_state, REC->flags, REC->error'),
               fmt("xe_hw_fence_create", 4102, XE_FENCE,
                   '"dev=%s, ctx=0x%016llx, fence=%p, seqno=%u", __get_str(dev), REC->ctx, REC->fence, REC->seqno'),
               fmt("xe_hw_fence_signal", 4103, XE_FENCE,
                   '"dev=%s, ctx=0x%016llx, fence=%p, seqno=%u", __get_str(dev), REC->ctx, REC->fence, REC->seqno')],
    }
    mutex, fmap, xe = 0xffff888100aa0001, 0xffffffff83a1c0e0, 0xffff88810c000000
    # i915_request_create initialises the request's fence: its names. Without
    # it (a request created before the capture began) the names come only
    # with the signal, after the wait.
    init = [(50000090000, fence("dma_fence_init", 0, 1200, "i915", "0000:00:02.0 rcs0", 33, 7))]
    cpu0 = (init if names_first else []) + [
        (50000100000, i915("i915_request_add", 1200, 33, 7, 1234)),
        (50000110000, i915("i915_request_in", 1200, 33, 7, 0)),
        (50000130000, acquire(0, 1200, mutex, "&ce->timeline->mutex")),
        (50000140000, i915("i915_request_wait_begin", 1200, 33, 7, 0)),
        (51000000000, xe_fence("xe_hw_fence_create", 0, 2000, 0x41, 3, xe)),
        (51000010000, xe_job(2000, 3, 4, xe)),
        (51000500000, xe_fence("xe_hw_fence_signal", HARDIRQ, 0, 0x41, 3, xe)),
    ]
    cpu1 = [
        (50000200000, acquire(0, 90, fmap, "dma_fence_map", 2)),
        (50000210000, acquire(0, 90, mutex, "&ce->timeline->mutex")),
        (50000220000, release(0, 90, mutex, "&ce->timeline->mutex")),
        (50000230000, i915("i915_request_out", 90, 33, 7, 1)),
        (50000240000, fence("dma_fence_signaled", 0, 90, "i915", "0000:00:02.0 rcs0", 33, 7)),
        (50000250000, release(0, 90, fmap, "dma_fence_map")),
    ]
    # Two pages per CPU: the gap between the i915 and xe parts does not fit
    # a 27-bit time delta.
    split = 5 if names_first else 4
    write(out, [[cpu0[:split], cpu0[split:]], [cpu1]],
          b"1200 gnome-shell\n90 kworker/1:1H\n2000 vkcube\n", formats)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "section_wait.dat")
    main_i915(sys.argv[2] if len(sys.argv) > 2 else "i915_xe.dat")
    main_i915(sys.argv[3] if len(sys.argv) > 3 else "i915_late_names.dat", names_first=False)
