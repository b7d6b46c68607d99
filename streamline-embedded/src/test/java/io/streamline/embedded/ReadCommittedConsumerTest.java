package io.streamline.embedded;

import io.streamline.log.PartitionLog;
import io.streamline.record.ControlRecordType;
import io.streamline.record.RecordBatchBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The native consumer's {@code isolation.level}: read_committed stops at the last stable offset, drops the
 * records of aborted transactions, never returns control records, and its position moves past all of them;
 * read_uncommitted (the default) returns every data record. Transactional batches and markers are
 * appended straight into the partition log, as the transaction coordinator will.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadCommittedConsumerTest
{
    private static final TopicPartition TP = new TopicPartition("tx", 0);

    private static ByteBuffer batch(final long producerId, final int sequence, final boolean transactional, final String... values)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        builder.producer(producerId, (short)0, sequence).transactional(transactional);
        for (final String value : values)
        {
            builder.append(1000, null, value.getBytes(StandardCharsets.UTF_8));
        }
        return buffer.limit(builder.finish());
    }

    private static List<String> drain(final Consumer<byte[], String> consumer)
    {
        final List<String> values = new ArrayList<>();
        ConsumerRecords<byte[], String> records;
        while (!(records = consumer.poll(Duration.ZERO)).isEmpty())
        {
            records.forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static Consumer<byte[], String> consumer(final StreamlineEngine engine, final IsolationLevel level)
    {
        final Consumer<byte[], String> consumer = engine.consumer(Serdes.byteArrayDeserializer(), Serdes.stringDeserializer(),
            ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST).withIsolationLevel(level).withMaxPollRecords(2));
        consumer.assign(List.of(TP));
        return consumer;
    }

    @Test
    void readCommittedSeesOnlyCommittedRecordsUpToTheLastStableOffset()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().build())
        {
            engine.admin().createTopic("tx", 1);
            final PartitionLog log = engine.partition(TP, false);
            log.append(batch(-1, -1, false, "plain-0"));                         // 0
            log.append(batch(7, 0, true, "a-0", "a-1"));                         // 1-2 producer 7, aborted later
            log.append(batch(8, 0, true, "c-0"));                                // 3 producer 8, committed later
            log.append(batch(7, 2, true, "a-2"));                                // 4
            log.append(batch(-1, -1, false, "plain-1"));                         // 5
            try (Consumer<byte[], String> committed = consumer(engine, IsolationLevel.READ_COMMITTED);
                 Consumer<byte[], String> uncommitted = consumer(engine, IsolationLevel.READ_UNCOMMITTED))
            {
                assertEquals(List.of("plain-0"), drain(committed), "stops at the first open transaction");
                assertEquals(1, committed.position(TP));
                assertEquals(Map.of(TP, 1L), committed.endOffsets(List.of(TP)), "end offset is the LSO");
                log.appendMarker(7, (short)0, ControlRecordType.ABORT, 0);      // 6
                assertEquals(List.of(), drain(committed), "producer 8's transaction still holds the LSO at 3");
                assertEquals(3, committed.position(TP), "the aborted batches below the LSO are passed");
                log.appendMarker(8, (short)0, ControlRecordType.COMMIT, 0);     // 7
                log.append(batch(8, 1, true, "c-1"));                            // 8
                log.appendMarker(8, (short)0, ControlRecordType.COMMIT, 0);     // 9
                assertEquals(List.of("c-0", "plain-1", "c-1"), drain(committed));
                assertEquals(10, committed.position(TP), "past the last marker");
                assertEquals(List.of("plain-0", "a-0", "a-1", "c-0", "a-2", "plain-1", "c-1"), drain(uncommitted),
                    "read_uncommitted reads aborted records too, never the markers");
                assertEquals(10, uncommitted.position(TP));
            }
            final List<ProducerState> producers = engine.admin().describeProducers(List.of(TP)).get(TP);
            assertEquals(List.of(7L, 8L), producers.stream().map(ProducerState::producerId).toList());
            assertEquals(-1, producers.get(1).currentTxnStartOffset());
        }
    }

    @Test
    void aReadCommittedPollWaitingAtTheLastStableOffsetWakesWhenAMarkerMovesIt() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().build())
        {
            engine.admin().createTopic("tx", 1);
            final PartitionLog log = engine.partition(TP, false);
            log.append(batch(7, 0, true, "t-0"));
            try (Consumer<byte[], String> committed = consumer(engine, IsolationLevel.READ_COMMITTED))
            {
                final Thread marker = new Thread(() ->
                {
                    try
                    {
                        Thread.sleep(200);
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                    log.appendMarker(7, (short)0, ControlRecordType.COMMIT, 0);
                });
                marker.start();
                final ConsumerRecords<byte[], String> records = committed.poll(Duration.ofSeconds(30));
                marker.join();
                assertEquals(1, records.count());
                assertEquals("t-0", records.iterator().next().value());
            }
        }
    }
}
