package io.streamline.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.management.ManagementFactory;

/**
 * Secondary results of the end-to-end benchmarks, reported as rates (JMH prints them with the unit
 * "ops/s"):
 * <ul>
 *   <li>{@code records}: records produced and consumed per second;</li>
 *   <li>{@code processCpuNanos}: CPU nanoseconds (user and kernel) the whole forked JVM got per second
 *       of the iteration: producer threads, the engine's sender and housekeeping threads, the consumer,
 *       GC and JIT. Unlike {@link Counters#cpuNanos} (one thread) this can reach
 *       {@code nproc × 1e9}: {@code processCpuNanos / 1e9} is the number of cores the run kept busy,
 *       and {@code records / (processCpuNanos / 1e9)} is records per CPU-second of the whole process,
 *       the steadier figure on a shared machine.</li>
 * </ul>
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ProcessCounters
{
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Records produced and consumed. */
    public long records;
    /** CPU time of the whole JVM during the iteration, set when it ends. */
    public long processCpuNanos;

    private long cpuAtStart;

    /** Counts restart with every iteration, so JMH divides by that iteration's time. */
    @Setup(Level.Iteration)
    public void reset()
    {
        records = 0;
        processCpuNanos = 0;
        cpuAtStart = OS.getProcessCpuTime();
    }

    /** Record the process's CPU time over the iteration. */
    @TearDown(Level.Iteration)
    public void stop()
    {
        processCpuNanos = OS.getProcessCpuTime() - cpuAtStart;
    }
}
