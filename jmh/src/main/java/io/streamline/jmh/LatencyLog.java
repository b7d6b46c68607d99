package io.streamline.jmh;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Latencies of the paced end-to-end runs, in HdrHistograms (1 ns to 60 s, 3 significant digits):
 * <ul>
 *   <li><b>from send</b>: consumer's {@code System.nanoTime()} when it reads a message minus the
 *       producer's just before {@code send} / {@code writingDocument}: append-to-read latency;</li>
 *   <li><b>from schedule</b>: the same minus the time the pacer meant to send it, so a producer that
 *       fell behind (descheduled, GC, blocked in {@code send}) is charged for every message it delayed
 *       (no coordinated omission).</li>
 * </ul>
 * The consumer thread records into {@link Recorder}s (wait-free); each JMH iteration takes an interval
 * histogram, and the measured iterations are merged. At the end of the trial the per-iteration and
 * merged percentiles go to {@code e2e-latency-<benchmark>-<params>.json} and the merged distributions to
 * a {@code .txt} beside it, in {@link E2e#outputDirectory()}.
 */
final class LatencyLog
{
    private static final long HIGHEST = TimeUnit.SECONDS.toNanos(60);

    private final Recorder fromSend = new Recorder(HIGHEST, 3);
    private final Recorder fromSchedule = new Recorder(HIGHEST, 3);
    private final Histogram mergedSend = new Histogram(HIGHEST, 3);
    private final Histogram mergedSchedule = new Histogram(HIGHEST, 3);
    private final List<String> iterations = new ArrayList<>();
    private final String loadAtStart = loadAverage();
    private Histogram intervalSend;
    private Histogram intervalSchedule;

    /** Called by the consumer thread for every message. */
    void record(final long nowNanos, final long sendNanos, final long scheduledNanos)
    {
        fromSend.recordValue(clamp(nowNanos - sendNanos));
        fromSchedule.recordValue(clamp(nowNanos - scheduledNanos));
    }

    private static long clamp(final long nanos)
    {
        return Math.max(0, Math.min(HIGHEST, nanos));
    }

    /** Forget what was recorded before the iteration began. */
    void startIteration()
    {
        intervalSend = fromSend.getIntervalHistogram(intervalSend);
        intervalSchedule = fromSchedule.getIntervalHistogram(intervalSchedule);
    }

    /** Take the iteration's histograms; keep them if the iteration was measured (not warmup). */
    void endIteration(final boolean measured)
    {
        intervalSend = fromSend.getIntervalHistogram(intervalSend);
        intervalSchedule = fromSchedule.getIntervalHistogram(intervalSchedule);
        if (measured)
        {
            mergedSend.add(intervalSend);
            mergedSchedule.add(intervalSchedule);
            iterations.add(summary(intervalSend, intervalSchedule));
        }
    }

    private static String summary(final Histogram send, final Histogram schedule)
    {
        return String.format(Locale.ROOT,
            "{\"count\": %d, \"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"p999\": %.3f, \"p9999\": %.3f, \"max\": %.3f, " +
                "\"sched_p50\": %.3f, \"sched_p99\": %.3f, \"sched_p999\": %.3f, \"sched_max\": %.3f}",
            send.getTotalCount(), us(send, 50), us(send, 90), us(send, 99), us(send, 99.9), us(send, 99.99),
            send.getMaxValue() / 1e3, us(schedule, 50), us(schedule, 99), us(schedule, 99.9), schedule.getMaxValue() / 1e3);
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1e3;
    }

    /** @return the 1-minute load average of the machine, or "" where there is no /proc/loadavg. */
    private static String loadAverage()
    {
        try
        {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "";
        }
    }

    /** @return the histogram's non-empty buckets as {@code [[highest value in the bucket, count], ...]}. */
    private static String buckets(final Histogram histogram)
    {
        final StringBuilder out = new StringBuilder("[");
        String separator = "";
        for (final HistogramIterationValue value : histogram.recordedValues())
        {
            out.append(separator).append('[').append(value.getValueIteratedTo()).append(", ")
                .append(value.getCountAtValueIteratedTo()).append(']');
            separator = ", ";
        }
        return out.append(']').toString();
    }

    /**
     * Write the trial's results (percentiles in microseconds; the merged histograms' buckets in
     * nanoseconds, so forks can be merged). The file name ends with the fork's pid: each fork writes its own.
     */
    void write(final BenchmarkParams params)
    {
        final StringBuilder name = new StringBuilder("e2e-latency-");
        name.append(params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.', params.getBenchmark().lastIndexOf('.') - 1) + 1));
        final StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"").append(params.getBenchmark()).append("\",\n  \"params\": {");
        String separator = "";
        for (final String key : params.getParamsKeys())
        {
            name.append('-').append(key).append('=').append(params.getParam(key));
            json.append(separator).append('"').append(key).append("\": \"").append(params.getParam(key)).append('"');
            separator = ", ";
        }
        json.append("},\n  \"loadavg_start\": \"").append(loadAtStart).append("\", \"loadavg_end\": \"")
            .append(loadAverage()).append('"');
        json.append(",\n  \"unit\": \"us\",\n  \"iterations\": [\n    ");
        json.append(String.join(",\n    ", iterations));
        json.append("\n  ],\n  \"merged\": ").append(summary(mergedSend, mergedSchedule));
        json.append(",\n  \"histogram_send_ns\": ").append(buckets(mergedSend));
        json.append(",\n  \"histogram_schedule_ns\": ").append(buckets(mergedSchedule)).append("\n}\n");
        name.append("-pid").append(ProcessHandle.current().pid());
        final Path dir = Path.of(E2e.outputDirectory());
        try
        {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".json"), json);
            try (PrintStream out = new PrintStream(Files.newOutputStream(dir.resolve(name + ".txt")), false, StandardCharsets.UTF_8))
            {
                out.println(params.getBenchmark() + " " + params.getParamsKeys().stream()
                    .map(k -> k + "=" + params.getParam(k)).reduce((a, b) -> a + " " + b).orElse(""));
                out.println("merged over " + iterations.size() + " measured iterations; values in microseconds");
                out.println();
                out.println("== from send (append-to-read)");
                mergedSend.outputPercentileDistribution(out, 5, 1000.0);
                out.println();
                out.println("== from schedule (includes producer lag)");
                mergedSchedule.outputPercentileDistribution(out, 5, 1000.0);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        System.out.println();
        System.out.println("latency (us) " + name + ": " + summary(mergedSend, mergedSchedule));
    }
}
