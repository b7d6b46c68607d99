package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.*;

/** Every kind of bad input gets its specific error, and what was stored stays exactly as it was. */
class BadInputTest
{
    @TempDir
    Path tmp;

    private static void assertError(final ErrorCode code, final Executable action)
    {
        final StreamlineException ex = assertThrows(StreamlineException.class, action);
        assertEquals(code, ex.errorCode(), ex.getMessage());
    }

    @Test
    void badInputIsRejectedAndStoredDataIsUnchanged()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(tmp).autoCreateTopics(false).build())
        {
            final Admin admin = engine.admin();
            admin.createTopic("kept", 2, Map.of("max.message.bytes", "2000"));
            try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer()))
            {
                for (int i = 0; i < 100; i++)
                {
                    producer.send("kept", "k" + i, "v" + i);
                }
                producer.flush();
            }
            final List<String> before = snapshot(engine);
            assertEquals(100, before.size());

            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> admin.createTopic("bad/name", 1));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> admin.createTopic("..", 1));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> admin.createTopic("k".repeat(250), 1));
            assertError(ErrorCode.INVALID_PARTITIONS, () -> admin.createTopic("neg", -1));
            assertError(ErrorCode.INVALID_PARTITIONS, () -> admin.createPartitions("kept", 1));
            assertError(ErrorCode.INVALID_CONFIG, () -> admin.createTopic("cfg", 1, Map.of("retention.ms", "-7")));
            assertError(ErrorCode.INVALID_CONFIG, () -> admin.alterConfigs("kept", Map.of("bogus", "1"), List.of()));
            assertError(ErrorCode.INVALID_CONFIG, () -> admin.alterConfigs("kept", Map.of(), List.of("bogus")));
            assertError(ErrorCode.TOPIC_ALREADY_EXISTS, () -> admin.createTopic("kept", 5));
            assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> admin.deleteTopic("absent"));
            assertError(ErrorCode.OFFSET_OUT_OF_RANGE, () -> admin.deleteRecords(new TopicPartition("kept", 0), 10_000));
            assertError(ErrorCode.INVALID_CONFIG, () -> StreamlineEngine.builder().topicDefault("segment.ms", "0"));

            try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer()))
            {
                assertEquals(ErrorCode.MESSAGE_TOO_LARGE, cause(() -> producer.send("kept", "k", "x".repeat(5000)).join()));
                assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, cause(() -> producer.send("absent", "k", "v").join()));
                assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    cause(() -> producer.send(new ProducerRecord<>("kept", 7, "k", "v", null, null)).join()));
                producer.close();
                assertThrows(ClosedException.class, () -> producer.send("kept", "k", "v"));
            }
            try (Consumer<String, String> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                ConsumerOptions.defaults()))
            {
                final TopicPartition tp = new TopicPartition("kept", 0);
                assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> consumer.assign(List.of(new TopicPartition("absent", 0))));
                assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> consumer.assign(List.of(new TopicPartition("kept", 2))));
                consumer.assign(List.of(tp));
                assertError(ErrorCode.OFFSET_OUT_OF_RANGE, () -> consumer.seek(tp, 1_000_000));
                assertError(ErrorCode.OFFSET_OUT_OF_RANGE, () -> consumer.seek(tp, -5));
                assertError(ErrorCode.INVALID_REQUEST, () -> consumer.position(new TopicPartition("kept", 1)));
                consumer.close();
                assertThrows(ClosedException.class, () -> consumer.poll(Duration.ZERO));
            }
            assertEquals(before, snapshot(engine), "stored data unchanged");
            assertEquals(java.util.Set.of("kept"), admin.listTopics());
        }
        final StreamlineEngine closed = StreamlineEngine.builder().dataDir(tmp).build();
        assertEquals(100, snapshot(closed).size(), "still there after reopen");
        closed.close();
        assertThrows(ClosedException.class, () -> closed.producer());
        assertThrows(ClosedException.class, () -> closed.consumer());
        assertThrows(ClosedException.class, closed::admin);
    }

    @Test
    void theNativeProducerCannotWriteToInternalTopics() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("t", 1);
            engine.groupCoordinator().commitOffsets(new io.streamline.group.OffsetCommit.Request("g", -1, "", null,
                List.of(new io.streamline.group.OffsetCommit.Partition("t", 0, 5, -1, "")))).get();
            final long end = engine.topicManager().require("__consumer_offsets").partition(0).logEndOffset();
            try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer()))
            {
                assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION,
                    cause(() -> producer.send("__consumer_offsets", "k", "v").join()));
            }
            assertEquals(end, engine.topicManager().require("__consumer_offsets").partition(0).logEndOffset());
        }
    }

    private static ErrorCode cause(final Executable action)
    {
        final CompletionException ex = assertThrows(CompletionException.class, action);
        return assertInstanceOf(StreamlineException.class, ex.getCause()).errorCode();
    }

    private static List<String> snapshot(final StreamlineEngine engine)
    {
        final List<String> all = new ArrayList<>();
        try (Consumer<String, String> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
            ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
        {
            consumer.assign(List.of(new TopicPartition("kept", 0), new TopicPartition("kept", 1)));
            ConsumerRecords<String, String> records;
            while (!(records = consumer.poll(Duration.ZERO)).isEmpty())
            {
                records.forEach(r -> all.add(r.partition() + "/" + r.offset() + "/" + r.key() + "=" + r.value()));
            }
        }
        all.sort(null);
        return all;
    }
}
