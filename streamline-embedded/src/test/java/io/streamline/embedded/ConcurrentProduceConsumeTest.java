package io.streamline.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Four producer threads and three independent consumers on a six-partition topic; the engine is closed
 * and reopened in the middle and segments roll. Every consumer must see every record exactly once, in
 * per-partition order, with no gap in offsets.
 */
class ConcurrentProduceConsumeTest
{
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 3;
    private static final int PARTITIONS = 6;
    private static final int RECORDS_PER_PRODUCER_PER_PHASE = 6000;
    private static final String TOPIC = "events";

    @TempDir
    Path tmp;

    /** What one consumer has seen, carried across the reopen. */
    private static final class Seen
    {
        final Map<Integer, Long> position = new HashMap<>();
        final Map<Integer, Long> lastOffset = new HashMap<>();
        final Map<String, Integer> lastSequence = new HashMap<>();
        final boolean[][] seen = new boolean[PRODUCERS][2 * RECORDS_PER_PRODUCER_PER_PHASE];
        int count;
    }

    @Test
    void everyConsumerSeesEveryRecordOnceInOrderAcrossRollAndReopen() throws Exception
    {
        final List<Seen> seen = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++)
        {
            seen.add(new Seen());
        }
        final Path dir = tmp.resolve("data");
        for (int phase = 0; phase < 2; phase++)
        {
            try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
            {
                if (phase == 0)
                {
                    engine.admin().createTopic(TOPIC, PARTITIONS, Map.of("segment.bytes", "1048576"));
                }
                runPhase(engine, phase, seen);
                if (phase == 1)
                {
                    final int segments = engine.topicManager().require(TOPIC).partitions().stream()
                        .mapToInt(io.streamline.log.PartitionLog::segmentCount).sum();
                    assertTrue(segments > PARTITIONS, "segments rolled: " + segments);
                }
            }
        }
        for (int c = 0; c < CONSUMERS; c++)
        {
            final Seen s = seen.get(c);
            assertEquals(PRODUCERS * 2 * RECORDS_PER_PRODUCER_PER_PHASE, s.count, "consumer " + c + " total");
            for (int p = 0; p < PRODUCERS; p++)
            {
                for (int i = 0; i < 2 * RECORDS_PER_PRODUCER_PER_PHASE; i++)
                {
                    assertTrue(s.seen[p][i], "consumer " + c + " missed producer " + p + " record " + i);
                }
            }
        }
    }

    private void runPhase(final StreamlineEngine engine, final int phase, final List<Seen> seen) throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS);
        final AtomicBoolean producing = new AtomicBoolean(true);
        try
        {
            final List<Future<?>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++)
            {
                final int producerId = p;
                producers.add(pool.submit(() -> produce(engine, producerId, phase)));
            }
            final List<Future<?>> consumers = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++)
            {
                final Seen s = seen.get(c);
                consumers.add(pool.submit(() -> consume(engine, s, producing, phase)));
            }
            for (final Future<?> f : producers)
            {
                f.get(5, TimeUnit.MINUTES);
            }
            producing.set(false);
            for (final Future<?> f : consumers)
            {
                f.get(5, TimeUnit.MINUTES);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static void produce(final StreamlineEngine engine, final int producerId, final int phase)
    {
        try (Producer<String, byte[]> producer = engine.producer(Serdes.stringSerializer(), Serdes.byteArraySerializer(),
            ProducerOptions.defaults().withLinger(Duration.ofMillis(1))))
        {
            final int first = phase * RECORDS_PER_PRODUCER_PER_PHASE;
            for (int i = first; i < first + RECORDS_PER_PRODUCER_PER_PHASE; i++)
            {
                final ByteBuffer value = ByteBuffer.allocate(400);
                value.putInt(producerId).putInt(i);
                producer.send(TOPIC, producerId + "-" + (i % 97), value.array());
            }
            producer.flush();
        }
    }

    private static void consume(final StreamlineEngine engine, final Seen s, final AtomicBoolean producing, final int phase)
    {
        try (Consumer<String, byte[]> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.byteArrayDeserializer(),
            ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST).withMaxPollRecords(333)))
        {
            final List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++)
            {
                tps.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(tps);
            s.position.forEach((p, offset) -> consumer.seek(new TopicPartition(TOPIC, p), offset));
            final int target = (phase + 1) * PRODUCERS * RECORDS_PER_PRODUCER_PER_PHASE;
            while (s.count < target)
            {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200)))
                {
                    final ByteBuffer value = ByteBuffer.wrap(record.value());
                    final int producerId = value.getInt();
                    final int sequence = value.getInt();
                    final Long last = s.lastOffset.get(record.partition());
                    assertEquals(last == null ? 0 : last + 1, record.offset(), () -> "no gap in partition " + record.partition() +
                        ", segments " + java.util.Arrays.toString(engine.topicManager().require(TOPIC).partition(record.partition()).segmentBaseOffsets()));
                    s.lastOffset.put(record.partition(), record.offset());
                    final String stream = record.partition() + "/" + producerId;
                    final Integer previous = s.lastSequence.get(stream);
                    assertTrue(previous == null || previous < sequence, "order within " + stream + ": " + previous + " then " + sequence);
                    s.lastSequence.put(stream, sequence);
                    assertFalse(s.seen[producerId][sequence], "duplicate " + producerId + "/" + sequence);
                    s.seen[producerId][sequence] = true;
                    s.count++;
                }
                if (!producing.get() && s.count < target && caughtUp(consumer, tps))
                {
                    break;
                }
            }
            for (final TopicPartition tp : tps)
            {
                s.position.put(tp.partition(), consumer.position(tp));
            }
        }
    }

    private static boolean caughtUp(final Consumer<?, ?> consumer, final List<TopicPartition> tps)
    {
        final Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
        for (final TopicPartition tp : tps)
        {
            if (consumer.position(tp) < ends.get(tp))
            {
                return false;
            }
        }
        return true;
    }
}
