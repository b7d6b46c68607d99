#!/usr/bin/env python3
"""Attribute `perf script` samples of a JMH fork to Java methods, split into kernel and user time.

    perf record -e cpu-clock -F 997 -g -D 7000 -o append.perf.data -- \
      java -jar jmh/target/benchmarks.jar LogAppendBenchmark -p store=mmap -p recordSize=100 \
        -p recordsPerBatch=100 -f 1 -wi 4 -i 6 \
        -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer"
    perf script -i append.perf.data --pid <fork pid, from /tmp/perf-<pid>.map> | jmh/perf-attribution.py [depth] [rows] [threads]

Each sample is charged to its innermost Java frames (`depth` of them, default 1) and marked kernel
when its leaf is in the kernel (page faults, munmap, unlink, ...). JIT stubs (copy, CRC32C) keep no
frame pointer, so their samples land on the caller of the method that called them; inlined methods
are charged to the method they were inlined into. With a third argument `threads`, each row is also split
by the sampled thread's name (perf's comm, cut to 15 characters: `e2e-producer-0`, `streamline-prod`
for the producer's sender thread, `e2e-consumer`, ...), and a per-thread total is printed first: what
the multi-threaded end-to-end benchmarks need.
"""
import collections
import sys


def main():
    depth = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    by_thread = len(sys.argv) > 3 and sys.argv[3] == "threads"
    counts = collections.Counter()
    threads = collections.Counter()
    total = 0
    frames = []
    thread = ""

    def flush():
        nonlocal total
        if not frames:
            return
        total += 1
        kernel = "kernel.kallsyms" in frames[0][1]
        java = [f[0] for f in frames if any(p in f[0] for p in ("io.streamline", "java.", "jdk.", "sun."))]
        if java:
            key = " <- ".join(j.split("(")[0].split(" ")[-1] for j in java[:depth])
        else:
            key = "(no Java frame: " + frames[0][0][:60] + ")"
        if by_thread:
            key = "[" + thread + "] " + key
            threads[(thread, "kernel" if kernel else "user")] += 1
        counts[(key, "kernel" if kernel else "user")] += 1

    for line in sys.stdin:
        if not line.strip():
            flush()
            frames = []
        elif line.startswith((" ", "\t")):
            parts = line.strip().split(" ", 1)
            if len(parts) == 2:
                symbol, _, dso = parts[1].rpartition(" ")
                frames.append((symbol, dso))
        else:
            frames = []
            thread = line.split(None, 1)[0] if by_thread else ""
            if by_thread:
                # comm may contain spaces: take everything before the "pid/tid" field.
                fields = line.split()
                for i, f in enumerate(fields):
                    if "/" in f and f.split("/")[0].isdigit():
                        thread = " ".join(fields[:i])
                        break
    flush()
    if by_thread:
        for (name, where), count in sorted(threads.items(), key=lambda kv: -kv[1]):
            print("%5.1f%%  %-6s [%s] (thread total)" % (100.0 * count / max(total, 1), where, name))
        print()
    for (key, where), count in counts.most_common(rows):
        print("%5.1f%%  %-6s %s" % (100.0 * count / max(total, 1), where, key))
    print("samples: %d" % total)


if __name__ == "__main__":
    main()
