#!/usr/bin/env python3
"""Attribute `perf script` samples of a JMH fork to Java methods, split into kernel and user time.

    perf record -e cpu-clock -F 997 -g -D 7000 -o append.perf.data -- \
      java -jar jmh/target/benchmarks.jar LogAppendBenchmark -p store=mmap -p recordSize=100 \
        -p recordsPerBatch=100 -f 1 -wi 4 -i 6 \
        -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer"
    perf script -i append.perf.data --pid <fork pid, from /tmp/perf-<pid>.map> | jmh/perf-attribution.py [depth] [rows]

Each sample is charged to its innermost Java frames (`depth` of them, default 1) and marked kernel
when its leaf is in the kernel (page faults, munmap, unlink, ...). JIT stubs (copy, CRC32C) keep no
frame pointer, so their samples land on the caller of the method that called them; inlined methods
are charged to the method they were inlined into.
"""
import collections
import sys


def main():
    depth = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    counts = collections.Counter()
    total = 0
    frames = []

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
    flush()
    for (key, where), count in counts.most_common(rows):
        print("%5.1f%%  %-6s %s" % (100.0 * count / max(total, 1), where, key))
    print("samples: %d" % total)


if __name__ == "__main__":
    main()
