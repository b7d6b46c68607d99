package io.streamline.embedded.junit;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.embedded.Producer;
import io.streamline.embedded.ProducerRecord;
import io.streamline.embedded.Serdes;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.FsyncPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The extension's engine scopes and failure messages, on fixture classes run by JUnit's own test kit (the
 * fixtures are nested classes, which surefire does not run by itself).
 */
@Timeout(120)
class StreamlineExtensionModesTest
{
    private static final List<StreamlineEngine> SEEN = Collections.synchronizedList(new ArrayList<>());

    @StreamlineTest(listener = false, shared = true)
    static class SharedA
    {
        @Test
        void a(final StreamlineEngine engine)
        {
            SEEN.add(engine);
            engine.admin().createTopic("from-a", 1);
        }
    }

    @StreamlineTest(listener = false, shared = true, isolation = Isolation.PER_CLASS)
    static class SharedB
    {
        @Test
        void b(final StreamlineEngine engine)
        {
            SEEN.add(engine);
            assertEquals(Set.of(), engine.admin().listTopics(), "nothing of SharedA is left");
        }
    }

    @StreamlineTest(listener = false)
    static class OwnA
    {
        @Test
        void a(final StreamlineEngine engine)
        {
            SEEN.add(engine);
        }
    }

    @StreamlineTest(listener = false)
    static class OwnB
    {
        @Test
        void b(final StreamlineEngine engine)
        {
            SEEN.add(engine);
        }
    }

    @StreamlineTest(listener = false, isolation = Isolation.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassIsolation
    {
        static StreamlineEngine beforeAll;

        @BeforeAll
        static void createTopic(final StreamlineEngine engine)
        {
            beforeAll = engine;
            engine.admin().createTopic("class-wide", 1);
        }

        @Test
        @Order(1)
        void first(final StreamlineEngine engine)
        {
            assertSame(beforeAll, engine);
            engine.admin().createTopic("from-first", 1);
        }

        @Test
        @Order(2)
        void second(final StreamlineEngine engine)
        {
            assertEquals(Set.of("class-wide", "from-first"), engine.admin().listTopics(), "tests of a class share state");
        }
    }

    @StreamlineTest(listener = false, topics = @TestTopic(name = "declared"))
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class OneInstancePerTestIsolation
    {
        StreamlineEngine engine;

        @Test
        @Order(1)
        void first()
        {
            SEEN.add(engine);
            engine.admin().createTopic("from-first", 1);
        }

        @Test
        @Order(2)
        void second()
        {
            SEEN.add(engine);
            assertEquals(Set.of("declared"), engine.admin().listTopics(), "reset between tests of one instance");
        }
    }

    static final int CONCURRENT_TESTS = 4;
    static final CyclicBarrier ALL_RUNNING = new CyclicBarrier(CONCURRENT_TESTS);

    @StreamlineTest(listener = false)
    @Execution(ExecutionMode.CONCURRENT)
    static class Concurrent
    {
        @Test
        void one(final StreamlineEngine engine) throws Exception
        {
            isolated(engine, "one");
        }

        @Test
        void two(final StreamlineEngine engine) throws Exception
        {
            isolated(engine, "two");
        }

        @Test
        void three(final StreamlineEngine engine) throws Exception
        {
            isolated(engine, "three");
        }

        @Test
        void four(final StreamlineEngine engine) throws Exception
        {
            isolated(engine, "four");
        }

        private static void isolated(final StreamlineEngine engine, final String name) throws Exception
        {
            SEEN.add(engine);
            ALL_RUNNING.await(60, TimeUnit.SECONDS); // All four run at once from here.
            engine.admin().createTopic("same-name", 1); // Fails if another test's engine were this one.
            try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer()))
            {
                producer.send(new ProducerRecord<>("same-name", name, name)).get(10, TimeUnit.SECONDS);
            }
            ALL_RUNNING.await(60, TimeUnit.SECONDS);
            assertEquals(Set.of("same-name"), engine.admin().listTopics());
            assertEquals(1, engine.admin().listOffset(new io.streamline.embedded.TopicPartition("same-name", 0),
                io.streamline.embedded.OffsetSpec.latest()).offset(), "only this test's record");
        }
    }

    @StreamlineTest(listener = false, autoCreateTopics = false, defaultPartitions = 4, fsync = "always",
        dataDir = "target/streamline-testkit-data")
    static class Options
    {
        @Test
        void settingsReachTheEngine(final StreamlineEngine engine)
        {
            SEEN.add(engine);
            assertEquals(Path.of("target/streamline-testkit-data/engine-0").toAbsolutePath().normalize(),
                engine.dataDir().toAbsolutePath().normalize());
            assertEquals(FsyncPolicy.Kind.ALWAYS, engine.fsync().kind());
            assertFalse(engine.autoCreateTopics());
            assertEquals(4, engine.defaultPartitions());
            final StreamlineException missing = assertThrows(StreamlineException.class, () -> engine.topicOrCreate("missing"));
            assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, missing.errorCode());
            engine.admin().createTopic("left-in-the-directory", 1);
        }
    }

    @StreamlineTest(listener = false)
    static class BootstrapWithoutListener
    {
        @Test
        void needsAListener(@BootstrapServers final String bootstrap)
        {
            fail("not reached: " + bootstrap);
        }
    }

    @StreamlineTest(listener = false)
    static class PerTestEngineInBeforeAll
    {
        @BeforeAll
        static void tooEarly(final StreamlineEngine engine)
        {
            fail("not reached: " + engine);
        }

        @Test
        void test()
        {
        }
    }

    @StreamlineTest(listener = false)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @Execution(ExecutionMode.CONCURRENT)
    static class OneInstanceConcurrent
    {
        @Test
        void test(final StreamlineEngine engine)
        {
            fail("not reached: " + engine);
        }
    }

    @StreamlineTest(listener = false, topics = @TestTopic(name = "outer-topic", partitions = 2))
    static class WithNested
    {
        @Test
        void outer(final StreamlineEngine engine)
        {
            SEEN.add(engine);
            assertEquals(Set.of("outer-topic"), engine.admin().listTopics());
            engine.admin().createTopic("left-by-outer", 1);
        }

        @Nested
        class Inner
        {
            @Test
            void innerFirst(final StreamlineEngine engine)
            {
                SEEN.add(engine);
                assertEquals(Set.of("outer-topic"), engine.admin().listTopics(), "the enclosing class's topics, nothing left");
                engine.admin().createTopic("left-by-inner", 1);
            }

            @Test
            void innerSecond(final StreamlineEngine engine)
            {
                SEEN.add(engine);
                assertEquals(Set.of("outer-topic"), engine.admin().listTopics(), "the enclosing class's topics, nothing left");
                engine.admin().createTopic("left-by-inner", 1);
            }
        }

        @Nested
        @StreamlineTest(listener = false, topics = @TestTopic(name = "own-topic"))
        class Overriding
        {
            @Test
            void own(final StreamlineEngine engine)
            {
                SEEN.add(engine);
                assertEquals(Set.of("own-topic"), engine.admin().listTopics(), "its own annotation wins");
            }
        }
    }

    private static EngineExecutionResults run(final boolean parallel, final Class<?>... classes)
    {
        SEEN.clear();
        final EngineTestKit.Builder kit = EngineTestKit.engine("junit-jupiter")
            .configurationParameter("junit.jupiter.execution.parallel.enabled", String.valueOf(parallel))
            .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
            .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(CONCURRENT_TESTS))
            .configurationParameter("junit.jupiter.execution.parallel.config.fixed.max-pool-size", String.valueOf(CONCURRENT_TESTS * 2));
        for (final Class<?> type : classes)
        {
            kit.selectors(selectClass(type));
        }
        return kit.execute();
    }

    private static void assertAllPassed(final EngineExecutionResults results, final long tests)
    {
        final List<Event> failed = results.allEvents().failed().list();
        assertEquals(List.of(), failed.stream().map(e -> e.getTestDescriptor().getDisplayName() + ": " +
            e.getPayload().map(Object::toString).orElse("")).toList());
        assertEquals(tests, results.testEvents().succeeded().count());
    }

    private static Set<StreamlineEngine> distinct(final List<StreamlineEngine> engines)
    {
        final Set<StreamlineEngine> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(engines);
        return set;
    }

    @Test
    void sharedClassesUseOneEngineForTheRunClosedWhenItEnds()
    {
        assertAllPassed(run(false, SharedA.class, SharedB.class), 2);
        assertEquals(2, SEEN.size());
        assertSame(SEEN.get(0), SEEN.get(1), "one engine for the run");
        assertTrue(SEEN.get(0).isClosed(), "closed when the run ends");
    }

    @Test
    void classesWithoutSharingGetTheirOwnEngineClosedAfterTheClass()
    {
        assertAllPassed(run(false, OwnA.class, OwnB.class), 2);
        assertEquals(2, distinct(SEEN).size());
        assertTrue(SEEN.get(0).isClosed() && SEEN.get(1).isClosed());
    }

    @Test
    void perClassIsolationSharesStateBetweenTheTestsOfAClass()
    {
        assertAllPassed(run(false, PerClassIsolation.class), 2);
        assertTrue(PerClassIsolation.beforeAll.isClosed());
    }

    @Test
    void oneTestInstanceKeepsItsEngineAndIsResetBetweenTests()
    {
        assertAllPassed(run(false, OneInstancePerTestIsolation.class), 2);
        assertSame(SEEN.get(0), SEEN.get(1));
    }

    @Test
    void concurrentTestsGetAnEngineEachAndNeverSeeEachOther()
    {
        assertAllPassed(run(true, Concurrent.class), CONCURRENT_TESTS);
        final Set<StreamlineEngine> engines = distinct(SEEN);
        assertEquals(CONCURRENT_TESTS, engines.size(), "four tests running at once, four engines");
        assertTrue(engines.stream().allMatch(StreamlineEngine::isClosed), "every engine of the pool is closed after the class");
    }

    @Test
    void optionsShapeTheEngineAndADataDirectoryIsEmptiedWhenTheEngineStarts()
    {
        assertAllPassed(run(false, Options.class), 1);
        assertAllPassed(run(false, Options.class), 1); // The topic left in the directory by the first run is gone.
    }

    @Test
    void nestedClassesTakeTheEnclosingSettingsWithTheSameIsolationUnlessAnnotatedThemselves()
    {
        assertAllPassed(run(false, WithNested.class), 4);
        assertEquals(4, SEEN.size());
        assertEquals(1, distinct(SEEN).size(), "the nested classes reuse the enclosing class's engine (same engine settings)");
        assertTrue(SEEN.stream().allMatch(StreamlineEngine::isClosed), "every engine closed after the run");
    }

    @Test
    void misuseFailsTheTestWithAMessageThatSaysWhatToDo()
    {
        assertFailure(run(false, BootstrapWithoutListener.class), "needs a Kafka listener");
        assertFailure(run(false, PerTestEngineInBeforeAll.class), "not into @BeforeAll methods");
        assertFailure(run(true, OneInstanceConcurrent.class), "cannot isolate tests that run concurrently");
    }

    private static void assertFailure(final EngineExecutionResults results, final String message)
    {
        final List<String> failures = results.allEvents().failed().list().stream()
            .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).flatMap(r -> r.getThrowable())
                .map(Throwable::getMessage).orElse(""))
            .toList();
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains(message), failures.get(0));
    }
}
