package io.streamline.interop;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka Streams word count the Streams interop tests run, in the test's JVM or as a child JVM ({@link #main}):
 * lines from {@value #INPUT} are split into words, re-keyed by word (through a repartition topic), counted in an
 * in-memory store backed by a changelog topic, and every new count goes to {@value #OUTPUT}. With the record cache
 * off, each word's counts appear in the output as 1, 2, 3, … with nothing skipped or repeated.
 */
final class WordCountApp
{
    static final String INPUT = "wc-lines";
    static final String OUTPUT = "wc-counts";
    static final String STORE = "word-counts";
    static final int INPUT_PARTITIONS = 2;

    /** What the child JVM prints once its Streams instance is RUNNING. */
    static final String RUNNING = "streams-running";

    private static final List<String> VOCABULARY = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
        "golf", "hotel", "india", "juliett", "kilo", "lima", "mike");

    private WordCountApp()
    {
    }

    /** @return the topology: source → flatMapValues → groupBy (repartition) → count (changelog) → toStream → sink. */
    static Topology topology(final long sleepPerLineMs)
    {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
            .flatMapValues(line ->
            {
                pause(sleepPerLineMs);
                return Arrays.asList(line.split(" "));
            })
            .groupBy((key, word) -> word, Grouped.with("by-word", Serdes.String(), Serdes.String()))
            .count(Materialized.<String, Long>as(Stores.inMemoryKeyValueStore(STORE))
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
            .toStream()
            .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    /**
     * @param guarantee {@code at_least_once} or {@code exactly_once_v2}.
     * @return the Streams configuration: one thread, no record cache, commits every 100 ms.
     */
    static Properties config(final String bootstrap, final String applicationId, final Path stateDir,
        final String guarantee)
    {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Kafka's minimum session: a killed instance leaves the group soon, so its replacement is not kept waiting.
        props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6_000);
        props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
        return props;
    }

    /** @return {@code count} fixed lines of five words each, keyed line-0, line-1, … */
    static Map<String, String> lines(final int from, final int count)
    {
        final Map<String, String> lines = new LinkedHashMap<>();
        for (int i = from; i < from + count; i++)
        {
            final StringBuilder line = new StringBuilder();
            for (int j = 0; j < 5; j++)
            {
                if (j > 0)
                {
                    line.append(' ');
                }
                line.append(VOCABULARY.get((i * 7 + j * j * 3 + j) % VOCABULARY.size()));
            }
            lines.put("line-" + i, line.toString());
        }
        return lines;
    }

    /** @return how often each word occurs in the lines. */
    static Map<String, Long> expectedCounts(final Map<String, String> lines)
    {
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (final String line : lines.values())
        {
            for (final String word : line.split(" "))
            {
                counts.merge(word, 1L, Long::sum);
            }
        }
        return counts;
    }

    /** @return a started Streams instance running the word count, after it reached RUNNING. */
    static KafkaStreams startAndAwaitRunning(final Properties config, final long sleepPerLineMs, final long timeoutMs)
        throws InterruptedException
    {
        final KafkaStreams streams = new KafkaStreams(topology(sleepPerLineMs), config);
        final CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) ->
        {
            if (newState == KafkaStreams.State.RUNNING)
            {
                running.countDown();
            }
        });
        streams.start();
        if (!running.await(timeoutMs, TimeUnit.MILLISECONDS))
        {
            final KafkaStreams.State state = streams.state();
            streams.close(java.time.Duration.ofSeconds(10));
            throw new IllegalStateException("Streams did not reach RUNNING within " + timeoutMs + " ms: " + state);
        }
        return streams;
    }

    /**
     * The child JVM: runs the word count until it is killed, printing {@value #RUNNING} once RUNNING.
     *
     * @param args bootstrap servers, application id, state directory, processing guarantee, sleep per line in ms.
     */
    public static void main(final String[] args) throws Exception
    {
        final Properties config = config(args[0], args[1], Path.of(args[2]), args[3]);
        final KafkaStreams streams = new KafkaStreams(topology(Long.parseLong(args[4])), config);
        final CountDownLatch failed = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) ->
        {
            if (newState == KafkaStreams.State.RUNNING)
            {
                System.out.println(RUNNING);
                System.out.flush();
            }
            if (newState == KafkaStreams.State.ERROR)
            {
                failed.countDown();
            }
        });
        streams.start();
        failed.await();
        System.err.println("Streams reached ERROR");
        System.exit(1);
    }

    private static void pause(final long ms)
    {
        if (ms > 0)
        {
            try
            {
                Thread.sleep(ms);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
