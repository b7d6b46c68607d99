package io.streamline.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Secondary results reported as rates next to each benchmark's ops/s. JMH prints them all with the
 * unit "ops/s"; read them as:
 * <ul>
 *   <li>{@code bytes}: stored batch bytes per second;</li>
 *   <li>{@code records}: records per second;</li>
 *   <li>{@code cpuNanos}: CPU nanoseconds (user and kernel) the benchmark thread got per second of the
 *       iteration, so {@code cpuNanos / 1e9} is the share of one core it ran on. On a shared machine
 *       this tells contention apart from slowness: {@code records / (cpuNanos / 1e9)} is records per
 *       CPU-second of the benchmark thread (GC and JIT threads not included).</li>
 * </ul>
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Counters
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Stored batch bytes moved. */
    public long bytes;
    /** Records moved. */
    public long records;
    /** CPU time of the benchmark thread during the iteration, set when it ends. */
    public long cpuNanos;

    private long cpuAtStart;

    /** Counts restart with every iteration, so JMH divides by that iteration's time. */
    @Setup(Level.Iteration)
    public void reset()
    {
        bytes = 0;
        records = 0;
        cpuNanos = 0;
        cpuAtStart = THREADS.getCurrentThreadCpuTime();
    }

    /** Record the thread's CPU time over the iteration. */
    @TearDown(Level.Iteration)
    public void stop()
    {
        cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
    }
}
