#!/usr/bin/env python3
"""Verdicts for every finding of `fencedep check` on a kernel tree.

    bench/kernel_findings.py REPORT.json TREE > docs/kernel-findings-list.md

Reads the JSON report of a run on Linux 6.12's DRM tree (bench/kernel_static.sh
writes one), gives each finding the verdict of the first rule below whose
path elements it contains, and prints the findings grouped by verdict rule,
each with its check, its place and its path (root, then the calls). A
finding no rule covers is listed under "no verdict yet" so that a new run
never hides one. The rules are the result of reading each path against the
kernel source; their reasons say what was read.
"""
import json
import re
import sys
from collections import OrderedDict

# (id, verdict, path elements that must all appear, in order, reason).
# Verdicts: "real" (a hazard by the dma-fence rules, fixed upstream or not),
# "real, latent" (real, but only on an error path or a configuration that is
# rare), "false alarm" (the path does not happen; the cause is given).
RULES = [
    ("xe-gt-wq", "real (fixed upstream)",
     ["check:fence-signalling-wq-reclaim", "drivers/gpu/drm/xe/xe_gt.c"],
     "xe's GT ordered workqueue, allocated without WQ_MEM_RECLAIM, runs the GT reset the "
     "timeout handler queues; upstream: drm/xe: Mark GT work queue with WQ_MEM_RECLAIM "
     "(regression corpus xe-gt-wq)."),
    ("xe-g2h-wq", "real (fixed upstream)",
     ["check:fence-signalling-wq-reclaim", "drivers/gpu/drm/xe/xe_guc_ct.c"],
     "xe's G2H workqueue without WQ_MEM_RECLAIM; upstream: drm/xe: Mark G2H work queue with "
     "WQ_MEM_RECLAIM (regression corpus xe-g2h-wq)."),
    ("xe-ggtt-wq", "real (fixed upstream)",
     ["check:fence-signalling-wq-reclaim", "drivers/gpu/drm/xe/xe_ggtt.c"],
     "xe's GGTT workqueue without WQ_MEM_RECLAIM, used from the userptr notifier (reclaim); "
     "upstream: drm/xe: Mark GGTT work queue with WQ_MEM_RECLAIM (regression corpus "
     "xe-ggtt-wq)."),
    ("xe-tlb-timeout-wq", "real (fixed upstream)",
     ["check:fence-signalling-wq-reclaim", "drivers/gpu/drm/xe/xe_gt_tlb_invalidation.c"],
     "the TLB-invalidation fence's timeout work on system_wq; upstream: drm/xe: Replace use of "
     "system_wq with tlb_inval->timeout_wq (regression corpus xe-tlb-inval-timeout-system-wq)."),
    ("debugfs-preempt-sem", "real, latent (debugfs)", ["held-by:amdgpu_debugfs_ib_preempt"],
     "amdgpu's debugfs preemption test holds the reset domain's semaphore (taken by every "
     "reset, i.e. by the timeout handler) while it waits for the ring to drain "
     "(amdgpu_fence_wait_empty): a debugfs write can hold up a timeout handler behind a "
     "fence wait."),
    ("debugfs-preempt", "real, latent (debugfs)", ["held-by:amdgpu_ib_preempt_job_recovery"],
     "the scheduler's job_list_lock (one lock class for every scheduler, as lockdep sees it: "
     "spin_lock_init in drm_sched_init) is taken on the signalling paths of every driver, and "
     "amdgpu's debugfs preemption test holds it while it re-runs jobs through run_job, whose "
     "software-ring muxer allocates with GFP_KERNEL (amdgpu_ring_mux_start_ib) and whose "
     "begin_use takes mutexes: a sleeping allocation under a spinlock, reachable only by "
     "writing amdgpu_preempt_ib in debugfs."),
    ("amdgpu-gpu-recover", "real", ["amdgpu_job_timedout", "amdgpu_device_gpu_recover"],
     "amdgpu's timeout handler runs the whole GPU recovery inline: it suspends and resumes every "
     "IP block (display included: dm_resume -> drm_atomic_helper_resume -> a full atomic commit), "
     "reloads firmware, re-initialises SR-IOV data exchange and runs IB tests, all of which "
     "allocate with GFP_KERNEL, take modeset, dpm and ring mutexes that are held elsewhere across "
     "allocations and fence waits, and wait on fences. By the dma-fence rules the timeout "
     "handler is on the signalling path of every job of the scheduler (its fences signal only "
     "after the reset). Neither the scheduler nor amdgpu annotate these paths in 6.12 "
     "(no dma_fence_begin_signalling in sched_main.c or amdgpu), so lockdep never reports "
     "them. One design cause: a fix is a reset that does not re-run init code, not a change "
     "at each place. The paths cross every implementation of amd_ip_funcs and the SMU/DPM "
     "ops of all ASIC generations (the pass cannot know the ASIC), so the count overstates "
     "the places on one GPU; every sampled path (20) was a real call chain of some ASIC."),
    ("amdgpu-queue-reset", "real", ["amdgpu_job_timedout"],
     "amdgpu's per-queue reset in the timeout handler (gfx_v*_reset_kcq/kgq, core dump, "
     "drm_sched_start) takes the MQD buffer's reservation (amdgpu_bo_reserve), maps it "
     "(ttm_bo_kmap waits on its fences), allocates (amdgpu_job_core_dump -> amdgpu_get_xgmi_hive "
     "kzalloc) and restarts the scheduler, whose run_job path takes ring locks held elsewhere "
     "across fence waits: hazards by the rules on the same unannotated path."),
    ("amdgpu-ring-use", "real", ["amdgpu_job_run", "amdgpu_ib_schedule"],
     "amdgpu powers multimedia and gfx blocks up and down from run_job: amdgpu_ring_alloc() -> "
     "ring->funcs->begin_use (VCN/JPEG/UVD/VCE/VPE power ungating under mutexes that are held "
     "elsewhere across allocations, SMU messages, jpeg_v1_0's wait for the VCN decode ring to "
     "empty, enforce-isolation's mutex), the software-ring muxer's lock, the VMID manager's "
     "lock. Real by the rules; the waits are on hardware fences already emitted, so they end "
     "while the hardware runs, which is why they do not deadlock in practice."),
    ("amdgpu-prepare-job", "real", ["amdgpu_job_prepare_job"],
     "amdgpu_job_prepare_job -> amdgpu_vmid_grab takes the VMID manager's mutex, which is held "
     "elsewhere around allocations (amdgpu_vmid_grab_idle allocates a fence array with "
     "GFP_KERNEL under it)."),
    ("amdgpu-prt", "real, latent", ["amdgpu_vm_prt_cb"],
     "a fence callback (irq context) that updates PRT state: gmc_v7_0_set_prt reads and writes "
     "registers through amdgpu_device_rreg/wreg, whose SR-IOV/MES branches sleep (MES lock, "
     "msleep polling). CIK parts have no SR-IOV virtual functions, so the sleeping branch is "
     "not taken on the hardware gmc_v7 drives: real by the code, unreachable in practice."),
    ("amdgpu-flip", "false alarm", ["amdgpu_display_flip_callback"],
     "the legacy page-flip fence callback queues the flip work on system_wq; the flip completes "
     "with a vblank event, and legacy (non-DC) page flips have no out-fence, so no dma-fence "
     "waits for the work. Cause: work queued from a fence callback is taken as delaying a "
     "fence; it delays one only when the work signals a fence (as __memcpy_work or the "
     "scheduler's kill-jobs work do). Needed: follow such work only when it reaches a signal."),
    ("i915-memcpy-wedge", "real, latent", ["__memcpy_cb", "i915_ttm_memcpy_work.work"],
     "i915's TTM memcpy fallback, run when the GPU clear or copy failed: __memcpy_work() wedges "
     "every GT (intel_gt_set_wedged: reset locks, engine and wakeref code, error capture that "
     "allocates) before dma_fence_signal() of the copy fence that buffer users wait on. "
     "Upstream knows: the FIXME above the call says it should move into the fence critical "
     "section. Only on a failed migration."),
    ("i915-memcpy-after-signal", "false alarm", ["__memcpy_work"],
     "the work after __memcpy_work's signalling section puts the object after "
     "dma_fence_signal() of the copy fence; on system_unbound_wq nothing else waits behind "
     "it. The check treats work after the section end as delaying signalling (right for xe's "
     "ordered preempt-fence queue); it would need to know the fence was signalled and the queue "
     "is unordered."),
    ("i915-memcpy-queue", "real", ["__memcpy_cb"],
     "the copy fence's callback queues __memcpy_work on system_unbound_wq, which has no "
     "rescuer, and the copy fence waits for that work."),
    ("i915-vma-unbind", "real, latent", ["pd_vma_unbind", "free_px"],
     "i915_vma_resource_unbind_work's signalling section frees the page-directory's page "
     "tables (gen6 pd_vma_unbind -> free_px -> i915_gem_object_put); when that is the last "
     "reference the object's release runs inside the section (TTM object release, mmap "
     "revocation, dma-buf detach for imported objects). Page tables are internal objects whose "
     "last reference is normally this one."),
    ("i915-sw-fence", "real, latent (fixed upstream)", ["__dma_i915_sw_fence_wake"],
     "i915's sw-fence callback (irq context) wakes the display's RPS-boost waiter "
     "(do_rps_boost), which drops a vblank reference; with drm.vblankoffdelay < 0 the last "
     "put disables vblank at once, and reading the vblank counter takes the DMC wakelock "
     "(display version 20+), whose acquisition waits for the ack with the sleeping "
     "intel_wait_for_register() under the wakelock's spinlock. Upstream fixed the sink: "
     "drm/i915/dmc_wl: Use non-sleeping variant of MMIO wait ('some display MMIO "
     "transactions ... happen in atomic context')."),
    ("i915-shrinker", "real", ["i915_gem_shrinker_scan"],
     "i915's shrinker (reclaim context) unbinds and writes back objects: it queues work on "
     "queues without a rescuer and takes the GuC submission paths; reclaim then waits for "
     "work that may need memory to start."),
    ("xe-gt-reset", "real", ["guc_exec_queue_timedout_job", "xe_gt_reset_async"],
     "xe's timeout handler queues a full GT reset when the GuC does not answer; the hung "
     "queue's fences are signalled (with an error) only after gt_reset() ran, which reloads the "
     "uCs, allocates and takes GT locks held elsewhere across waits."),
    ("xe-wedge", "real, latent", ["guc_exec_queue_timedout_job", "xe_device_declare_wedged"],
     "xe's timeout handler declares the device wedged when the GuC is unresponsive; that path "
     "allocates (devm action) and takes locks held across waits. Only on a dead GuC."),
    ("xe-tdr", "real", ["guc_exec_queue_timedout_job"],
     "other paths of xe's timeout handler: restarting submission processes queued messages "
     "(queue destruction on the GuC ordered workqueue) that the timed-out queue's fences wait for."),
    ("xe-run-job-ct", "real, latent", ["guc_exec_queue_run_job", "guc_ct_send"],
     "xe's run_job sends the H2G message and, when the G2H buffer is full, drains G2H messages "
     "in place (dequeue_one_g2h), running their handlers (TLB invalidation done, which queues "
     "its timeout work on system_wq) on the submission path."),
    ("xe-tlb-inval", "real", ["invalidation_fence_cb"],
     "xe's TLB-invalidation fence callback queues the invalidation work, which sends the "
     "invalidation and arms its timeout work on system_wq; the invalidation fence waits for it."),
    ("xe-preempt", "real (fixed upstream)",
     ["check:fence-signalling-wq-reclaim", "preempt_fence_enable_signaling"],
     "xe's preempt fence's enable_signaling queues preempt_work on preempt_fence_wq, allocated "
     "without WQ_MEM_RECLAIM in 6.12; upstream fixed it (regression corpus: "
     "xe-preempt-fence-wq)."),
    ("xe-oa", "real", ["xe_oa_config_cb"],
     "xe's OA config fence callback queues its work on system_wq; the OA config fence waits for "
     "it."),
    ("xe-userptr", "real", ["vma_userptr_invalidate"],
     "xe's userptr MMU notifier (reclaim context) zaps page tables; the walk may create page "
     "tables (xe_pt_create -> xe_bo_create_pin_map) and the GGTT insertion queues work on a "
     "queue without a rescuer."),
    ("sched-kill-jobs", "real", ["drm_sched_entity_kill_jobs_cb"],
     "the scheduler's kill-jobs callback queues drm_sched_entity_kill_jobs_work on system_wq "
     "(schedule_work); that work signals the killed job's finished fence, so the fence waits "
     "for a system_wq worker."),
    ("xe-exec-queue-put", "real, latent", ["xe_exec_queue_put"],
     "an exec-queue reference put inside a signalling section (xe_hw_fence / devcoredump "
     "paths): when it is the last one, queue destruction (GuC deregistration, resv locks) runs "
     "inside the section."),
    ("xe-vm-snapshot", "real, latent", ["xe_vm_snapshot_capture"],
     "xe's devcoredump capture in the signalling section drops GPUVM references; the last put "
     "frees under the GPUVM's locks."),
    ("sections", "real, latent", ["__i915_vma_resource_unhold"],
     "work after i915_vma_resource_unbind_work's section that still delays its fence."),
]


def path_of(finding, tree):
    """The root (kind, function) and the called functions along the path."""
    notes = finding["notes"]
    root, kind, calls = "", "", []
    for n in notes:
        m = n["message"]
        r = re.match(r"'([^']+)' (?:is on a dma-fence signalling path|runs in atomic context|"
                     r"runs in memory reclaim): (?:registered as|passed to) (\S+)", m)
        if r and not root:
            root, kind = r.group(1), r.group(2)
            continue
        if not root and m.startswith("the dma-fence signalling section begins here"):
            kind = "signalling section"
            continue
        if not root and m.startswith("the signalling section ends here"):
            kind = "after a signalling section"
            continue
        h = re.match(r"'[^']+' is held here by '([^']+)'", m)
        if h:
            # The other half of a lock inversion: where the lock is held
            # across a wait or an allocation.
            calls.append("held-by:" + h.group(1))
            continue
        c = re.match(r"'([^']+)' (calls|queues work item) '([^']+)' here(?:, which is '([^']+)')?", m)
        if c and n.get("onPath", True):
            if not root:
                root = c.group(1)
            calls.append(("~" if c.group(2).startswith("queues") else "") + (c.group(4) or c.group(3)))
    return kind, root, calls


def matches(rule_elems, elems):
    i = 0
    for e in elems:
        if i < len(rule_elems) and rule_elems[i] == e.lstrip("~"):
            i += 1
    return i == len(rule_elems)


def main():
    report = json.load(open(sys.argv[1]))
    tree = sys.argv[2].rstrip("/") + "/"
    groups = OrderedDict((r[0], []) for r in RULES)
    groups["none"] = []
    for f in report["findings"]:
        kind, root, calls = path_of(f, tree)
        elems = (["check:" + f["check"]] + [root] + calls +
                 [f["location"]["file"].replace(tree, "")])
        for rid, verdict, needle, reason in RULES:
            if matches(needle, elems):
                groups[rid].append((f, kind, root, calls))
                break
        else:
            groups["none"].append((f, kind, root, calls))
    by_rule = {r[0]: r for r in RULES}
    counts = {}
    for rid, items in groups.items():
        v = by_rule[rid][1] if rid in by_rule else "no verdict yet"
        for f, *_ in items:
            counts.setdefault(v, {}).setdefault(f["check"], 0)
            counts[v][f["check"]] += 1
    print("| verdict | findings | by check |")
    print("|---|---|---|")
    for v, per in counts.items():
        total = sum(per.values())
        print("| %s | %d | %s |" % (v, total, ", ".join("%d %s" % (n, c) for c, n in sorted(per.items()))))
    print()
    for rid, items in groups.items():
        if not items:
            continue
        if rid in by_rule:
            _, verdict, needle, reason = by_rule[rid]
            print("### %s: %s (%d)\n" % (rid, verdict, len(items)))
            print("Path through: `%s`. %s\n" % (" > ".join(needle), reason))
        else:
            print("### no verdict yet (%d)\n" % len(items))
        for f, kind, root, calls in items:
            loc = f["location"]
            where = "%s:%d" % (loc["file"].replace(tree, ""), loc["line"])
            print("- `%s` %s — %s `%s` > %s" % (f["check"][6:], where, kind, root,
                                               " > ".join("`%s`" % c for c in calls) or "(in the root)"))
        print()


if __name__ == "__main__":
    main()
