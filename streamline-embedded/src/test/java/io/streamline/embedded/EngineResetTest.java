package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.group.GroupCoordinator;
import io.streamline.group.ListGroups;
import io.streamline.group.OffsetFetch;
import io.streamline.group.TopicPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@link StreamlineEngine#reset()} returns an engine to the state of a new one, without restarting it. */
class EngineResetTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void resetDeletesTopicsGroupsAndOffsetsAndClosesClientsLeftOpen() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().build())
        {
            final GroupCoordinator before = fillEngine(engine);
            final Producer<byte[], byte[]> leftOpenProducer = engine.producer();
            final Consumer<byte[], byte[]> leftOpenConsumer = engine.consumer(ConsumerOptions.defaults().withGroupId("billing"));

            engine.reset();

            assertEquals(Set.of(), engine.admin().listTopics(), "every topic is gone, internal ones too");
            assertNotSame(before, engine.groupCoordinator(), "a new group coordinator");
            assertEquals(List.of(), groups(engine), "no group is left");
            assertEquals(-1, committed(engine, "billing", "orders", 0), "no committed offset is left");
            assertThrows(ClosedException.class, () -> leftOpenProducer.send("orders", "k".getBytes(StandardCharsets.UTF_8), null));
            assertThrows(ClosedException.class, () -> leftOpenConsumer.poll(Duration.ZERO));

            // The engine works as a new one: the same names again, from offset 0.
            final GroupCoordinator after = fillEngine(engine);
            assertSame(after, engine.groupCoordinator());
            assertEquals(Set.of("orders", GroupCoordinator.TOPIC), engine.admin().listTopics());
        }
    }

    @Test
    @Timeout(60)
    void resetOfAFileEngineDeletesItsFilesDataAndSurvivesReopening() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            fillEngine(engine);
            engine.reset();
            engine.reset(); // Twice is fine: nothing to delete.
            engine.admin().createTopic("kept", 1);
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            assertEquals(Set.of("kept"), engine.admin().listTopics(), "the reset is durable");
            assertEquals(List.of(), groups(engine));
        }
    }

    @Test
    @Timeout(60)
    void resetWithAPreparationRunsItOnTheEmptiedEngineAndKeepsWhatItCreates()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("left-behind", 2);
            final java.util.List<Set<String>> seen = new java.util.ArrayList<>();
            engine.reset(e ->
            {
                seen.add(e.admin().listTopics());
                e.admin().createTopic("declared", 3);
            });
            assertEquals(List.of(Set.of()), seen, "the preparation runs once, after everything was deleted");
            assertEquals(Set.of("declared"), engine.admin().listTopics());
            assertEquals(3, engine.admin().describeTopic("declared").partitions().size());
            final IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> engine.reset(e -> { throw new IllegalStateException("preparation failed"); }));
            assertEquals("preparation failed", failed.getMessage());
        }
    }

    @Test
    @Timeout(60)
    void aClosedEngineCannotBeReset()
    {
        final StreamlineEngine engine = StreamlineEngine.builder().build();
        engine.close();
        assertThrows(ClosedException.class, engine::reset);
    }

    /** Topic "orders" with 10 records, group "billing" that consumed and committed them; @return the coordinator. */
    private static GroupCoordinator fillEngine(final StreamlineEngine engine) throws Exception
    {
        engine.admin().createTopic("orders", 2);
        try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer()))
        {
            for (int i = 0; i < 10; i++)
            {
                final RecordMetadata sent = producer.send(new ProducerRecord<>("orders", 0, "k" + i, "v" + i, List.of(), null)).get(10, TimeUnit.SECONDS);
                assertEquals(i, sent.offset(), "a reset engine starts every partition at 0 again");
            }
        }
        final List<String> read = new ArrayList<>();
        try (Consumer<String, String> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
            ConsumerOptions.defaults().withGroupId("billing").withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
        {
            consumer.subscribe(List.of("orders"));
            while (read.size() < 10)
            {
                consumer.poll(Duration.ofSeconds(1)).forEach(r -> read.add(r.value()));
            }
            consumer.commitSync();
        }
        assertEquals(10, read.size(), "a new consumer of a reset engine's group starts from the beginning");
        assertEquals(10, committed(engine, "billing", "orders", 0));
        assertEquals(List.of("billing"), groups(engine));
        return engine.groupCoordinator();
    }

    private static List<String> groups(final StreamlineEngine engine) throws Exception
    {
        final ListGroups.Response listed = engine.groupCoordinator().listGroups(new ListGroups.Request(Set.of(), Set.of()))
            .get(10, TimeUnit.SECONDS);
        assertEquals(ErrorCode.NONE, listed.error());
        return listed.groups().stream().map(ListGroups.Group::groupId).toList();
    }

    private static long committed(final StreamlineEngine engine, final String group, final String topic, final int partition)
        throws Exception
    {
        final OffsetFetch.Response fetched = engine.groupCoordinator().fetchOffsets(new OffsetFetch.Request(group,
            List.of(new TopicPartitions(topic, List.of(partition))), false)).get(10, TimeUnit.SECONDS);
        return fetched.partitions().get(0).offset();
    }
}
