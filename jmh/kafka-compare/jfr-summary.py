#!/usr/bin/env python3
"""Hot methods, threads and allocation sites of a JFR recording, from `jfr print --json`.

    jmh/kafka-compare/jfr-summary.py recording.jfr [top]      # top: rows per table (default 25)

run.sh --jfr records each producer run of a broker with settings=profile (execution samples every 10 ms
per running Java thread, allocation samples weighted by the bytes they stand for, per-thread allocation
totals at the start and end) and writes this summary
beside the .jfr. Tables: execution samples by thread (Java name), by innermost frame ("self"), by
frame anywhere in the stack ("total", each method counted once per sample), bytes allocated by thread
(exact), by allocating frames and by class (sampled shares of that total), and GC pauses. Frames are `Class.method` (line numbers dropped);
with -XX:+DebugNonSafepoints (run.sh adds it with --jfr) samples land on inlined methods too.
"""
import collections
import json
import re
import subprocess
import sys


def frames(event):
    stack = event["values"].get("stackTrace") or {}
    out = []
    for frame in stack.get("frames") or []:
        method = frame.get("method") or {}
        cls = (method.get("type") or {}).get("name", "?")
        out.append("%s.%s" % (cls, method.get("name", "?")))
    return out


def thread_name(event, key):
    thread = event["values"].get(key) or {}
    name = thread.get("javaName") or thread.get("osName") or "?"
    # Pool threads differ only by a number: group them.
    return re.sub(r"\d+", "N", name)


def events(path, types):
    text = subprocess.run(["jfr", "print", "--json", "--events", ",".join(types), path], check=True,
                          capture_output=True, text=True).stdout
    return json.loads(text)["recording"]["events"]


def table(title, counter, total, unit, top, fmt=lambda v: "{:,}".format(v)):
    print("### %s" % title)
    print("")
    print("| %s | share | |" % unit)
    print("|---:|---:|---|")
    for key, value in counter.most_common(top):
        print("| %s | %.1f %% | `%s` |" % (fmt(value), 100.0 * value / total if total else 0, key))
    print("")


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25

    samples = events(path, ["jdk.ExecutionSample"])
    by_thread = collections.Counter()
    self_frames = collections.Counter()
    total_frames = collections.Counter()
    for e in samples:
        f = frames(e)
        by_thread[thread_name(e, "sampledThread")] += 1
        if f:
            self_frames[f[0]] += 1
            for m in set(f):
                total_frames[m] += 1
    n = len(samples)
    print("## %s" % path)
    print("")
    print("%d execution samples." % n)
    print("")
    table("Execution samples by thread", by_thread, n, "samples", top)
    table("Hot methods, self (innermost frame)", self_frames, n, "samples", top)
    table("Hot methods, total (anywhere in the stack)", total_frames, n, "samples", top)

    # Threads in native code (socket reads and writes, epoll) are not in jdk.ExecutionSample.
    natives = events(path, ["jdk.NativeMethodSample"])
    native_frames = collections.Counter()
    for e in natives:
        f = frames(e)
        native_frames["%s (%s)" % (f[0] if f else "?", thread_name(e, "sampledThread"))] += 1
    table("Native method samples (%d), innermost frame and thread" % len(natives), native_frames, len(natives),
          "samples", top)

    loads = [e["values"] for e in events(path, ["jdk.CPULoad"])]
    if loads:
        mean = lambda key: 100.0 * sum(float(v.get(key) or 0) for v in loads) / len(loads)
        print("CPU load over %d one-second samples (jdk.CPULoad, share of all CPUs): this JVM user %.1f %%, "
              "system %.1f %%; whole machine %.1f %%." % (len(loads), mean("jvmUser"), mean("jvmSystem"),
                                                         mean("machineTotal")))
        print("")

    # What each thread allocated during the recording: jdk.ThreadAllocationStatistics carries a thread's
    # cumulative bytes and is written at the recording's start and end, so last minus first is exact.
    per_thread = collections.defaultdict(list)
    for e in events(path, ["jdk.ThreadAllocationStatistics"]):
        v = e["values"]
        thread = v.get("thread") or {}
        key = (thread.get("javaThreadId"), thread.get("javaName"), thread_name(e, "thread"))
        per_thread[key].append((v["startTime"], int(v["allocated"])))
    allocated = collections.Counter()
    for key, points in per_thread.items():
        points.sort()
        allocated[key[2]] += points[-1][1] - points[0][1]
    allocated_total = sum(allocated.values())

    # Where: jdk.ObjectAllocationSample, weighted by the bytes each sample stands for. The first sample of
    # a thread in a recording weighs everything the thread allocated since its start (before the recording
    # too), so it is left out; the weights are shares, scaled to the exact total above.
    allocations = sorted(events(path, ["jdk.ObjectAllocationSample"]), key=lambda e: e["values"]["startTime"])
    seen = set()
    by_site = collections.Counter()
    by_class = collections.Counter()
    weight_total = 0
    for e in allocations:
        thread = (e["values"].get("eventThread") or {}).get("javaName")
        if thread not in seen:
            seen.add(thread)
            continue
        weight = int(e["values"].get("weight") or 0)
        weight_total += weight
        f = frames(e)
        # The allocating frame and two callers, since the innermost is often a JDK constructor.
        site = " ← ".join(f[:3]) if f else "?"
        by_site[site] += weight
        by_class[(e["values"].get("objectClass") or {}).get("name", "?")] += weight
    scale = allocated_total / weight_total if weight_total else 0
    for counter in (by_site, by_class):
        for key in counter:
            counter[key] = int(counter[key] * scale)
    mb = lambda v: "{:,.1f} MB".format(v / 1e6)
    print("%.1f MB allocated during the recording (jdk.ThreadAllocationStatistics); %d allocation samples "
          "give the shares below." % (allocated_total / 1e6, len(allocations) - len(seen)))
    print("")
    table("Allocation by thread (exact)", allocated, allocated_total, "bytes", top, mb)
    table("Allocation by site (innermost three frames; sampled, scaled to the total)", by_site, allocated_total,
          "bytes", top, mb)
    table("Allocation by class (sampled, scaled to the total)", by_class, allocated_total, "bytes", top, mb)

    gcs = events(path, ["jdk.GarbageCollection"])
    print("### GC")
    print("")
    print("%d collections, pauses %s (as `jfr print` writes durations)." % (
        len(gcs), ", ".join(str(e["values"].get("sumOfPauses")) for e in gcs[:20]) + (" …" if len(gcs) > 20 else "")))
    print("")


if __name__ == "__main__":
    main()
