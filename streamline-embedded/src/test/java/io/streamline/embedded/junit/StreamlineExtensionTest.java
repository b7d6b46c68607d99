package io.streamline.embedded.junit;

import io.streamline.embedded.ClosedException;
import io.streamline.embedded.Consumer;
import io.streamline.embedded.ConsumerOptions;
import io.streamline.embedded.TopicDescription;
import io.streamline.embedded.StreamlineEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The extension on a native-only class: injection into constructor, fields and parameters, declared topics, per-test isolation. */
@StreamlineTest(listener = false, topics = {
    @TestTopic(name = "orders", partitions = 3, configs = "retention.ms=3600000"),
    @TestTopic(name = "audit")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class StreamlineExtensionTest
{
    private static StreamlineEngine firstTestEngine;
    private static Consumer<byte[], byte[]> leftOpen;

    private final StreamlineEngine constructorEngine;
    private StreamlineEngine fieldEngine;
    private StreamlineEngine beforeEachEngine;

    StreamlineExtensionTest(final StreamlineEngine engine)
    {
        this.constructorEngine = engine;
    }

    @BeforeEach
    void before(final StreamlineEngine engine)
    {
        beforeEachEngine = engine;
    }

    @Test
    @Order(1)
    void injectsOneEngineEverywhereWithTheDeclaredTopicsAndLeavesStateBehind(final StreamlineEngine engine)
    {
        assertNotNull(engine);
        assertSame(engine, constructorEngine);
        assertSame(engine, fieldEngine);
        assertSame(engine, beforeEachEngine);
        assertEquals(-1, engine.kafkaListenerPort(), "listener = false");
        assertNull(engine.dataDir(), "in memory by default");
        assertEquals(Set.of("orders", "audit"), engine.admin().listTopics());
        final TopicDescription orders = engine.admin().describeTopic("orders");
        assertEquals(3, orders.partitions().size());
        assertEquals("3600000", engine.admin().describeConfigs("orders").get("retention.ms").value());

        engine.admin().createTopic("scratch", 1);
        engine.admin().deleteTopic("audit");
        leftOpen = engine.consumer(ConsumerOptions.defaults().withGroupId("left-open"));
        firstTestEngine = engine;
    }

    @Test
    @Order(2)
    void theNextTestSeesOnlyTheDeclaredTopicsOnTheSameEngineAndClientsLeftOpenAreClosed(final StreamlineEngine engine)
    {
        assertSame(firstTestEngine, engine, "tests that run one after another reuse the engine");
        assertEquals(Set.of("orders", "audit"), engine.admin().listTopics(), "scratch is gone, audit is back");
        assertThrows(ClosedException.class, () -> leftOpen.poll(Duration.ZERO));
        assertEquals(List.of(0L, 0L, 0L), List.of(
            engine.admin().listOffset(new io.streamline.embedded.TopicPartition("orders", 0), io.streamline.embedded.OffsetSpec.latest()).offset(),
            engine.admin().listOffset(new io.streamline.embedded.TopicPartition("orders", 1), io.streamline.embedded.OffsetSpec.latest()).offset(),
            engine.admin().listOffset(new io.streamline.embedded.TopicPartition("orders", 2), io.streamline.embedded.OffsetSpec.latest()).offset()));
    }
}
