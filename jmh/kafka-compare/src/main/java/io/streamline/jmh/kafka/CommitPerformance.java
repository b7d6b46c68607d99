package io.streamline.jmh.kafka;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * OffsetCommit throughput of one kafka-clients consumer in a consumer group. The consumer subscribes to
 * {@code --topic} (created as {@link GroupStabilization} does, with {@code --partitions} partitions, if missing; it
 * must have at least {@code --partitions-per-commit}) in a new group and polls
 * until it owns every partition; then, for {@code --warmup-seconds} and then {@code --seconds} measured, it commits
 * the first {@code --partitions-per-commit} partitions of its assignment over and over, with the offset counting up
 * (1, 2, 3, ...; no metadata):
 * <ul>
 *   <li>{@code --mode sync}: {@code commitSync(offsets)} in a loop, one OffsetCommit request at a time; the latency
 *   of each call is recorded.</li>
 *   <li>{@code --mode async}: {@code commitAsync(offsets, callback)} while fewer than {@code --window} commits are in
 *   flight, otherwise {@code poll(1 ms)} so that callbacks run; a commit counts when its callback runs.</li>
 * </ul>
 * The client settings are {@link GroupStabilization#consumerProps}'s ({@code --protocol}, {@code --assignor}).
 *
 * <p>Prints {@code commits=N errors=E seconds=S commits.s=R partitions.per.commit=P mode=M p50.us=A p99.us=B max.us=C}
 * (latencies for sync only, index {@code (int)(N * p)} of the sorted calls); exits with 1 if a commit failed.
 *
 * <pre>
 * CommitPerformance --bootstrap-server H:P --topic T --partitions-per-commit P --mode sync|async
 *   [--protocol classic|consumer (classic)] [--assignor A (range; uniform for consumer)] [--seconds 10]
 *   [--warmup-seconds 3] [--window 16] [--partitions 6]
 * </pre>
 */
public final class CommitPerformance
{
    private CommitPerformance()
    {
    }

    /**
     * Entry point.
     *
     * @param args see the class comment.
     * @throws ExecutionException if the topic cannot be set up.
     * @throws InterruptedException if interrupted while setting up the topic.
     */
    public static void main(final String[] args) throws ExecutionException, InterruptedException
    {
        final Args options = Args.parse(args, "bootstrap-server", "topic", "partitions-per-commit", "mode", "protocol",
            "assignor", "seconds", "warmup-seconds", "window", "partitions");
        final String topic = options.string("topic");
        final int perCommit = Math.toIntExact(options.number("partitions-per-commit"));
        final String mode = options.string("mode");
        final String protocol = options.string("protocol", "classic");
        final String assignor = options.string("assignor", protocol.equals("consumer") ? "uniform" : "range");
        final long seconds = options.number("seconds", 10);
        final long warmupSeconds = options.number("warmup-seconds", 3);
        final int window = Math.toIntExact(options.number("window", 16));
        if (!mode.equals("sync") && !mode.equals("async"))
        {
            throw new IllegalArgumentException("--mode must be sync or async, not " + mode);
        }
        GroupStabilization.setUpTopic(options.string("bootstrap-server"), topic, Math.toIntExact(options.number("partitions", 6)));
        final String group = "commits-" + protocol + "-" + mode + "-p" + perCommit + "-" + System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(GroupStabilization.consumerProps(
            options.string("bootstrap-server"), group, group, protocol, assignor)))
        {
            consumer.subscribe(List.of(topic));
            final long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            final int partitionCount = consumer.partitionsFor(topic).size();
            while (consumer.assignment().size() < partitionCount)
            {
                if (System.nanoTime() > joinDeadline)
                {
                    throw new IllegalStateException("not assigned all " + partitionCount + " partitions within 60 s: " +
                        consumer.assignment());
                }
                consumer.poll(Duration.ofMillis(10));
            }
            final List<TopicPartition> owned = new ArrayList<>(consumer.assignment());
            owned.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            if (owned.size() < perCommit)
            {
                throw new IllegalArgumentException(topic + " has " + owned.size() + " partitions, fewer than " + perCommit);
            }
            final List<TopicPartition> committed = owned.subList(0, perCommit);
            final long[] offset = {0};
            final Result warmup = mode.equals("sync")
                ? sync(consumer, committed, offset, warmupSeconds)
                : async(consumer, committed, offset, warmupSeconds, window);
            final Result result = mode.equals("sync")
                ? sync(consumer, committed, offset, seconds)
                : async(consumer, committed, offset, seconds, window);
            final long[] lat = Arrays.copyOf(result.latenciesNs, result.count);
            Arrays.sort(lat);
            System.out.printf(Locale.ROOT, "commits=%d errors=%d seconds=%.2f commits.s=%.1f partitions.per.commit=%d " +
                    "mode=%s window=%d protocol=%s p50.us=%s p99.us=%s max.us=%s warmup.commits=%d%n", result.commits,
                result.errors, result.seconds, result.commits / result.seconds, perCommit, mode,
                mode.equals("sync") ? 1 : window, protocol, percentile(lat, 0.5), percentile(lat, 0.99),
                lat.length == 0 ? "-" : String.format(Locale.ROOT, "%.0f", lat[lat.length - 1] / 1e3), warmup.commits);
            if (result.errors > 0 || warmup.errors > 0)
            {
                System.err.println("first error: " + (result.firstError != null ? result.firstError : warmup.firstError));
                System.exit(1);
            }
        }
    }

    private static String percentile(final long[] sorted, final double p)
    {
        return sorted.length == 0 ? "-" : String.format(Locale.ROOT, "%.0f", sorted[(int)(sorted.length * p)] / 1e3);
    }

    private static Map<TopicPartition, OffsetAndMetadata> next(final List<TopicPartition> partitions, final long[] offset)
    {
        offset[0]++;
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (final TopicPartition tp : partitions)
        {
            offsets.put(tp, new OffsetAndMetadata(offset[0]));
        }
        return offsets;
    }

    private static Result sync(final KafkaConsumer<byte[], byte[]> consumer, final List<TopicPartition> partitions,
                               final long[] offset, final long seconds)
    {
        final Result result = new Result();
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long now = start;
        while (now < end)
        {
            final long t0 = now;
            try
            {
                consumer.commitSync(next(partitions, offset));
                result.commits++;
            }
            catch (final RuntimeException ex)
            {
                result.error(ex);
            }
            now = System.nanoTime();
            result.latency(now - t0);
        }
        result.seconds = (now - start) / 1e9;
        return result;
    }

    private static Result async(final KafkaConsumer<byte[], byte[]> consumer, final List<TopicPartition> partitions,
                                final long[] offset, final long seconds, final int window)
    {
        final Result result = new Result();
        final int[] inFlight = {0};
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end)
        {
            if (inFlight[0] < window)
            {
                inFlight[0]++;
                consumer.commitAsync(next(partitions, offset), (offsets, ex) ->
                {
                    inFlight[0]--;
                    if (ex == null)
                    {
                        result.commits++;
                    }
                    else
                    {
                        result.error(ex);
                    }
                });
            }
            else
            {
                consumer.poll(Duration.ofMillis(1));
            }
        }
        final long stop = System.nanoTime();
        final long drainDeadline = stop + TimeUnit.SECONDS.toNanos(30);
        final long countedCommits = result.commits;
        while (inFlight[0] > 0 && System.nanoTime() < drainDeadline)
        {
            consumer.poll(Duration.ofMillis(1));
        }
        result.seconds = (stop - start) / 1e9;
        result.commits = countedCommits;
        return result;
    }

    /** Counts and, for sync commits, latencies of one measured period. */
    private static final class Result
    {
        long commits;
        long errors;
        Exception firstError;
        double seconds;
        long[] latenciesNs = new long[1 << 16];
        int count;

        void latency(final long ns)
        {
            if (count == latenciesNs.length)
            {
                latenciesNs = Arrays.copyOf(latenciesNs, count * 2);
            }
            latenciesNs[count++] = ns;
        }

        void error(final Exception ex)
        {
            errors++;
            if (firstError == null)
            {
                firstError = ex;
            }
        }
    }
}
