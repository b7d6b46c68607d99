package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.PartitionLog;
import io.streamline.record.ControlRecordType;
import io.streamline.record.RecordBatchBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Unmodified kafka-clients 4.4 consumers with {@code isolation.level=read_committed} against the listener,
 * reading a partition whose transactional batches and markers the test appends straight into the engine's
 * log (as the transaction coordinator will): only committed records, in order, position past the markers,
 * the end offset at the last stable offset; and Admin.describeProducers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadCommittedFetchTest
{
    private static final String TOPIC = "tx";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private StreamlineEngine engine;
    private KafkaListener listener;

    @BeforeEach
    void start() throws Exception
    {
        engine = StreamlineEngine.builder().inMemory().build();
        listener = KafkaListener.start(engine, "127.0.0.1", 0);
        try (Admin admin = admin())
        {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short)1))).all().get(20, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop()
    {
        listener.close();
        engine.close();
    }

    private Admin admin()
    {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    private KafkaConsumer<byte[], String> consumer(final String isolation, final int maxWaitMs)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, maxWaitMs);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 3);
        final KafkaConsumer<byte[], String> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new StringDeserializer());
        consumer.assign(List.of(TP));
        return consumer;
    }

    private PartitionLog log()
    {
        return engine.topicManager().topic(TOPIC).partition(0);
    }

    private static ByteBuffer batch(final long producerId, final int sequence, final boolean transactional, final String... values)
    {
        return batchAt(1000, producerId, sequence, transactional, values);
    }

    private static ByteBuffer batchAt(final long timestamp, final long producerId, final int sequence, final boolean transactional,
        final String... values)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        builder.producer(producerId, (short)0, sequence).transactional(transactional);
        for (final String value : values)
        {
            builder.append(timestamp, null, value.getBytes(StandardCharsets.UTF_8));
        }
        return buffer.limit(builder.finish());
    }

    /** Poll until the position reaches {@code end}; returns the values seen. */
    private static List<String> readTo(final KafkaConsumer<byte[], String> consumer, final long end)
    {
        final List<String> values = new ArrayList<>();
        while (consumer.position(TP) < end)
        {
            for (final ConsumerRecord<byte[], String> record : consumer.poll(Duration.ofMillis(100)))
            {
                values.add(record.offset() + ":" + record.value());
            }
        }
        return values;
    }

    /**
     * Two producers interleaved, one aborting; a plain producer in between; transactions spanning several
     * fetches (max.poll.records=3 and small batches).
     */
    private void writeInterleaved()
    {
        final PartitionLog log = log();
        log.append(batch(-1, -1, false, "plain-0"));                              // 0
        log.append(batch(7, 0, true, "a-0", "a-1"));                              // 1-2  producer 7 (to abort)
        log.append(batch(8, 0, true, "c-0"));                                     // 3    producer 8 (to commit)
        log.append(batch(7, 2, true, "a-2"));                                     // 4
        log.append(batch(8, 1, true, "c-1", "c-2"));                              // 5-6
        log.append(batch(-1, -1, false, "plain-1"));                              // 7
        log.appendMarker(7, (short)0, ControlRecordType.ABORT, 0);               // 8
        log.append(batch(8, 3, true, "c-3"));                                     // 9
        log.appendMarker(8, (short)0, ControlRecordType.COMMIT, 0);              // 10
        log.append(batch(7, 3, true, "b-0"));                                     // 11 producer 7 again, left open
    }

    @Test
    void readCommittedConsumerSeesOnlyCommittedRecordsUpToTheLastStableOffset()
    {
        writeInterleaved();
        assertEquals(11, log().lastStableOffset());
        try (KafkaConsumer<byte[], String> committed = consumer("read_committed", 100);
             KafkaConsumer<byte[], String> uncommitted = consumer("read_uncommitted", 100))
        {
            assertEquals(Map.of(TP, 11L), committed.endOffsets(List.of(TP)), "ListOffsets latest under read_committed");
            assertEquals(Map.of(TP, 12L), uncommitted.endOffsets(List.of(TP)));
            assertEquals(List.of("0:plain-0", "3:c-0", "5:c-1", "6:c-2", "7:plain-1", "9:c-3"), readTo(committed, 11));
            assertEquals(List.of("0:plain-0", "1:a-0", "2:a-1", "3:c-0", "4:a-2", "5:c-1", "6:c-2", "7:plain-1", "9:c-3",
                "11:b-0"), readTo(uncommitted, 12), "read_uncommitted: aborted and open records too, no markers");
            // Producer 7's open transaction is aborted: the committed reader moves past it, seeing nothing.
            log().appendMarker(7, (short)0, ControlRecordType.ABORT, 0);         // 12
            log().append(batch(-1, -1, false, "plain-2"));                        // 13
            assertEquals(List.of("13:plain-2"), readTo(committed, 14));
        }
    }

    @Test
    void aReadCommittedFetchWaitingAtTheLastStableOffsetIsWokenByTheMarker() throws Exception
    {
        log().append(batch(7, 0, true, "t-0"));
        final KafkaConsumer<byte[], String> committed = consumer("read_committed", 60_000);
        try
        {
            assertTrue(committed.poll(Duration.ofMillis(300)).isEmpty(), "the open transaction is not readable");
            final Thread marker = new Thread(() ->
            {
                try
                {
                    Thread.sleep(300);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                log().appendMarker(7, (short)0, ControlRecordType.COMMIT, 0);
            });
            marker.start();
            // fetch.max.wait.ms is a minute, the poll 30 s: records arrive only if the marker wakes the fetch.
            final List<String> values = new ArrayList<>();
            committed.poll(Duration.ofSeconds(30)).forEach(r -> values.add(r.value()));
            marker.join();
            assertEquals(List.of("t-0"), values);
        }
        finally
        {
            // Not the default 30 s close: the consumer's next fetch is parked at the broker for a minute.
            committed.close(CloseOptions.timeout(Duration.ofMillis(200)));
        }
    }

    @Test
    void offsetsForTimesUnderReadCommittedListOnlyRecordsBelowTheLastStableOffset()
    {
        log().append(batch(-1, -1, false, "plain-0"));                            // 0, timestamp 1000
        log().append(batchAt(5000, 7, 0, true, "t-0"));                           // 1, timestamp 5000, open
        try (KafkaConsumer<byte[], String> committed = consumer("read_committed", 100);
             KafkaConsumer<byte[], String> uncommitted = consumer("read_uncommitted", 100))
        {
            assertEquals(0, committed.offsetsForTimes(Map.of(TP, 0L)).get(TP).offset());
            assertNull(committed.offsetsForTimes(Map.of(TP, 5000L)).get(TP), "offset 1 is not stable yet");
            assertEquals(1, uncommitted.offsetsForTimes(Map.of(TP, 5000L)).get(TP).offset());
            log().appendMarker(7, (short)0, ControlRecordType.COMMIT, 0);
            assertEquals(1, committed.offsetsForTimes(Map.of(TP, 5000L)).get(TP).offset());
        }
    }

    @Test
    void adminDescribesProducers() throws Exception
    {
        final PartitionLog log = log();
        log.append(batch(4, 0, false, "i-0", "i-1"));
        log.append(batch(9, 0, true, "t-0"));
        log.append(batch(10, 0, true, "t-1"));
        log.appendMarker(10, (short)0, ControlRecordType.ABORT, 5);
        try (Admin admin = admin())
        {
            final DescribeProducersResult result = admin.describeProducers(List.of(TP));
            final List<ProducerState> states = new ArrayList<>(result.partitionResult(TP).get(20, TimeUnit.SECONDS).activeProducers());
            states.sort(Comparator.comparingLong(ProducerState::producerId));
            assertEquals(3, states.size());
            assertEquals(4, states.get(0).producerId());
            assertEquals(1, states.get(0).lastSequence());
            assertEquals(1000, states.get(0).lastTimestamp());
            assertTrue(states.get(0).currentTransactionStartOffset().isEmpty());
            assertEquals(9, states.get(1).producerId());
            assertEquals(2, states.get(1).currentTransactionStartOffset().getAsLong(), "open transaction at offset 2");
            assertEquals(10, states.get(2).producerId());
            assertEquals(5, states.get(2).coordinatorEpoch().getAsInt());
            assertTrue(states.get(2).currentTransactionStartOffset().isEmpty());
        }
    }

    @Test
    void describeProducersAnswersUnknownPartitionsWithAnError()
    {
        // (kafka-clients' Admin retries an unknown topic's leader lookup until its timeout, so ask the handler.)
        final DescribeProducersRequestData request = new DescribeProducersRequestData();
        request.topics().add(new DescribeProducersRequestData.TopicRequest().setName(TOPIC).setPartitionIndexes(List.of(0, 1)));
        request.topics().add(new DescribeProducersRequestData.TopicRequest().setName("nope").setPartitionIndexes(List.of(0)));
        final DescribeProducersResponseData response = new DescribeProducersHandler(engine).handle(request);
        assertEquals(Errors.NONE.code(), response.topics().get(0).partitions().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.topics().get(0).partitions().get(1).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.topics().get(1).partitions().get(0).errorCode());
    }
}
