package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** Native consumers in consumer groups of the engine's coordinator: assignment, rebalances, commits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsumerGroupTest
{
    private static final Duration POLL = Duration.ofMillis(20);

    @TempDir
    Path dir;

    private static ConsumerOptions groupOptions(final String group)
    {
        return ConsumerOptions.defaults().withGroupId(group).withHeartbeatInterval(Duration.ofMillis(50))
            .withSessionTimeout(Duration.ofSeconds(10)).withAutoOffsetReset(AutoOffsetReset.EARLIEST).withAutoCommit(false);
    }

    /** Poll every consumer in turn until the condition holds (bounded by the test's timeout). */
    private static void pollUntil(final List<? extends Consumer<?, ?>> consumers, final BooleanSupplier done)
    {
        while (!done.getAsBoolean())
        {
            consumers.forEach(c -> c.poll(POLL));
        }
    }

    /** True when all members are in one generation and their assignments are disjoint and cover all partitions. */
    private static boolean balanced(final List<? extends Consumer<?, ?>> consumers, final String topic, final int partitions)
    {
        final Set<Integer> generations = new HashSet<>();
        final Set<TopicPartition> union = new HashSet<>();
        int total = 0;
        for (final Consumer<?, ?> c : consumers)
        {
            generations.add(c.groupMetadata().generationId());
            union.addAll(c.assignment());
            total += c.assignment().size();
        }
        return generations.size() == 1 && !generations.contains(-1) && total == partitions && union.size() == partitions &&
            union.stream().allMatch(tp -> tp.topic().equals(topic));
    }

    private static void produce(final StreamlineEngine engine, final String topic, final int partitions, final int perPartition, final int from)
    {
        try (Producer<byte[], byte[]> producer = engine.producer())
        {
            for (int p = 0; p < partitions; p++)
            {
                for (int i = 0; i < perPartition; i++)
                {
                    producer.send(new ProducerRecord<>(topic, p, null, ("r" + (from + i)).getBytes(), List.of(), null));
                }
            }
            producer.flush();
        }
    }

    @ParameterizedTest
    @EnumSource(ConsumerOptions.Assignor.class)
    void threeMembersGetDisjointAssignmentsCoveringAllPartitionsAndALeaverSPartitionsMove(final ConsumerOptions.Assignor assignor)
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("orders", 6);
            final List<Consumer<byte[], byte[]>> consumers = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                consumers.add(engine.consumer(groupOptions("g").withAssignors(assignor)));
                consumers.get(i).subscribe(List.of("orders"));
            }
            pollUntil(consumers, () -> balanced(consumers, "orders", 6));
            consumers.forEach(c -> assertEquals(2, c.assignment().size(), "six partitions over three members: " + c.assignment()));
            final int generation = consumers.get(0).groupMetadata().generationId();
            final Set<TopicPartition> leaverS = consumers.get(2).assignment();

            consumers.remove(2).close();
            pollUntil(consumers, () -> balanced(consumers, "orders", 6));
            assertTrue(consumers.get(0).groupMetadata().generationId() > generation);
            final Set<TopicPartition> now = new HashSet<>(consumers.get(0).assignment());
            now.addAll(consumers.get(1).assignment());
            assertTrue(now.containsAll(leaverS), "the leaver's partitions moved to the others");
            consumers.forEach(Consumer::close);
        }
    }

    @Test
    void everyRecordIsConsumedOnceByTheGroupAndTheCommitsAreTheConsumedPositions()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("t", 4);
            final List<Consumer<byte[], byte[]>> consumers = List.of(engine.consumer(groupOptions("g")), engine.consumer(groupOptions("g")));
            consumers.forEach(c -> c.subscribe(List.of("t")));
            pollUntil(consumers, () -> balanced(consumers, "t", 4));
            produce(engine, "t", 4, 25, 0);
            final Set<String> seen = new HashSet<>();
            int count = 0;
            while (count < 100)
            {
                for (final Consumer<byte[], byte[]> c : consumers)
                {
                    for (final ConsumerRecord<byte[], byte[]> r : c.poll(POLL))
                    {
                        assertTrue(seen.add(r.partition() + "/" + r.offset()), "delivered twice: " + r);
                        count++;
                    }
                }
            }
            consumers.forEach(Consumer::commitSync);
            final Map<TopicPartition, OffsetAndMetadata> committed = consumers.get(0).committed(
                Set.of(new TopicPartition("t", 0), new TopicPartition("t", 1), new TopicPartition("t", 2), new TopicPartition("t", 3)));
            committed.values().forEach(om -> assertEquals(25, om.offset()));
            consumers.forEach(Consumer::close);
        }
    }

    @Test
    void commitsSurviveAConsumerRestartAndAnEngineRestart()
    {
        final TopicPartition p0 = new TopicPartition("t", 0);
        final TopicPartition p1 = new TopicPartition("t", 1);
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            engine.admin().createTopic("t", 2);
            produce(engine, "t", 2, 10, 0);
            try (Consumer<byte[], byte[]> consumer = engine.consumer(groupOptions("g")))
            {
                consumer.subscribe(List.of("t"));
                int count = 0;
                while (count < 20)
                {
                    count += consumer.poll(POLL).count();
                }
                consumer.commitSync();
                assertEquals(Map.of(p0, new OffsetAndMetadata(10), p1, new OffsetAndMetadata(10)), consumer.committed(Set.of(p0, p1)));
            }
            produce(engine, "t", 2, 5, 10);
            // LATEST would skip the new records: the group's committed offsets decide where it starts
            try (Consumer<byte[], byte[]> consumer = engine.consumer(groupOptions("g").withAutoOffsetReset(AutoOffsetReset.LATEST)))
            {
                consumer.subscribe(List.of("t"));
                final List<Long> offsets = new ArrayList<>();
                while (offsets.size() < 10)
                {
                    consumer.poll(POLL).forEach(r -> offsets.add(r.offset()));
                }
                assertEquals(List.of(10L, 11L, 12L, 13L, 14L), offsets.stream().distinct().sorted().toList());
                assertEquals(0, consumer.poll(Duration.ofMillis(50)).count(), "nothing more, nothing twice");
                consumer.commitSync(Map.of(p0, new OffsetAndMetadata(15, "done"), p1, new OffsetAndMetadata(12)));
            }
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            produce(engine, "t", 2, 3, 15);
            try (Consumer<byte[], byte[]> consumer = engine.consumer(groupOptions("g").withAutoOffsetReset(AutoOffsetReset.NONE)))
            {
                assertEquals(Map.of(p0, new OffsetAndMetadata(15, "done"), p1, new OffsetAndMetadata(12)), consumer.committed(Set.of(p0, p1)));
                consumer.subscribe(List.of("t"));
                final Set<String> got = new HashSet<>();
                while (got.size() < 3 + 6)
                {
                    consumer.poll(POLL).forEach(r -> assertTrue(got.add(r.partition() + "/" + r.offset()), "twice: " + r));
                }
                assertEquals(Set.of("0/15", "0/16", "0/17", "1/12", "1/13", "1/14", "1/15", "1/16", "1/17"), got);
            }
        }
    }

    @Test
    void autoCommitCommitsWhatThePreviousPollReturnedAndCloseCommitsTheRest()
    {
        final TopicPartition tp = new TopicPartition("t", 0);
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("t", 1);
            produce(engine, "t", 1, 10, 0);
            final ConsumerOptions options = groupOptions("g").withAutoCommit(true).withAutoCommitInterval(Duration.ofMillis(10))
                .withMaxPollRecords(3);
            try (Consumer<byte[], byte[]> consumer = engine.consumer(options))
            {
                consumer.subscribe(List.of("t"));
                ConsumerRecords<byte[], byte[]> first = ConsumerRecords.empty();
                while (first.count() == 0)
                {
                    first = consumer.poll(POLL);
                }
                assertEquals(3, first.count());
                consumer.pause(Set.of(tp));
                while (consumer.committed(Set.of(tp)).get(tp) == null)
                {
                    assertEquals(0, consumer.poll(POLL).count());
                }
                assertEquals(3, consumer.committed(Set.of(tp)).get(tp).offset(), "what the previous poll returned, no more");
                consumer.resume(Set.of(tp));
                int more = 0;
                while (more == 0)
                {
                    more = consumer.poll(POLL).count();
                }
                assertEquals(3, more);
            }
            try (Consumer<byte[], byte[]> consumer = engine.consumer(groupOptions("g").withAutoCommit(false)))
            {
                assertEquals(6, consumer.committed(Set.of(tp)).get(tp).offset(), "close committed the positions");
                consumer.subscribe(List.of("t"));
                final List<Long> offsets = new ArrayList<>();
                while (offsets.size() < 4)
                {
                    consumer.poll(POLL).forEach(r -> offsets.add(r.offset()));
                }
                assertEquals(List.of(6L, 7L, 8L, 9L), offsets);
            }
            try (Consumer<byte[], byte[]> consumer = engine.consumer(groupOptions("g").withAutoCommit(false)))
            {
                assertEquals(6, consumer.committed(Set.of(tp)).get(tp).offset(), "without auto-commit, close commits nothing");
            }
        }
    }

    /** Records the callbacks a listener gets, in order. */
    private static final class Recorder implements ConsumerRebalanceListener
    {
        final List<String> events = new ArrayList<>();
        Runnable onRevoked = () -> { };

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
        {
            onRevoked.run();
            events.add("revoked " + sorted(partitions));
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
        {
            events.add("assigned " + sorted(partitions));
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions)
        {
            events.add("lost " + sorted(partitions));
        }

        private static List<String> sorted(final Collection<TopicPartition> partitions)
        {
            return partitions.stream().map(TopicPartition::toString).sorted().toList();
        }
    }

    @Test
    void rebalanceCallbacksRevokeBeforeAssigningAndMayCommitWhileRevoking()
    {
        final TopicPartition p0 = new TopicPartition("t", 0);
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("t", 2);
            final Recorder first = new Recorder();
            final Consumer<byte[], byte[]> a = engine.consumer(groupOptions("g"));
            first.onRevoked = () -> a.commitSync();
            a.subscribe(List.of("t"), first);
            pollUntil(List.of(a), () -> a.assignment().size() == 2);
            assertEquals(List.of("assigned [t-0, t-1]"), first.events);
            produce(engine, "t", 2, 4, 0);
            int read = 0;
            while (read < 8)
            {
                read += a.poll(POLL).count();
            }

            final Recorder second = new Recorder();
            final Consumer<byte[], byte[]> b = engine.consumer(groupOptions("g"));
            b.subscribe(List.of("t"), second);
            final List<Consumer<byte[], byte[]>> both = List.of(a, b);
            pollUntil(both, () -> balanced(both, "t", 2));
            assertEquals(List.of("assigned [t-0, t-1]", "revoked [t-0, t-1]", "assigned " + Recorder.sorted(a.assignment())), first.events);
            assertEquals(List.of("assigned " + Recorder.sorted(b.assignment())), second.events);
            assertEquals(4, b.committed(Set.of(p0)).get(p0).offset(), "the revoke callback committed a's positions");
            assertEquals(4, b.position(b.assignment().iterator().next()), "b starts at the committed offset");
            assertEquals(0, b.poll(Duration.ofMillis(50)).count(), "b starts at a's commits: nothing is read twice");

            final Set<TopicPartition> aHad = a.assignment();
            final Set<TopicPartition> bHad = b.assignment();
            b.close();
            assertEquals("revoked " + Recorder.sorted(bHad), second.events.get(second.events.size() - 1), "close revokes before leaving");
            pollUntil(List.of(a), () -> a.assignment().size() == 2);
            assertEquals(List.of("revoked " + Recorder.sorted(aHad), "assigned [t-0, t-1]"),
                first.events.subList(first.events.size() - 2, first.events.size()));
            a.close();
        }
    }

    @Test
    void aMemberWhoseSessionExpiredLosesItsPartitionsAndRejoins()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("t", 2);
            final Recorder recorder = new Recorder();
            final Consumer<byte[], byte[]> sleeper = engine.consumer(groupOptions("g")
                .withSessionTimeout(Duration.ofMillis(6000)).withHeartbeatInterval(Duration.ofMillis(50)));
            sleeper.subscribe(List.of("t"), recorder);
            final Consumer<byte[], byte[]> other = engine.consumer(groupOptions("g"));
            other.subscribe(List.of("t"));
            final List<Consumer<byte[], byte[]>> both = List.of(sleeper, other);
            pollUntil(both, () -> balanced(both, "t", 2));
            final Set<TopicPartition> had = sleeper.assignment();
            final int events = recorder.events.size();
            // the sleeper stops polling (6 s is the coordinator's minimum session): its session expires and the other member takes everything
            pollUntil(List.of(other), () -> other.assignment().size() == 2);
            pollUntil(both, () -> balanced(both, "t", 2));
            assertEquals(List.of("lost " + Recorder.sorted(had), "assigned " + Recorder.sorted(sleeper.assignment())),
                recorder.events.subList(events, recorder.events.size()), "lost (not revoked: it could not commit), then a new assignment");
            sleeper.close();
            other.close();
        }
    }

    @Test
    void patternSubscriptionsFollowNewTopics()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("metrics.a", 1);
            engine.admin().createTopic("logs", 1);
            try (Consumer<byte[], byte[]> consumer = engine.consumer(groupOptions("g")))
            {
                consumer.subscribe(Pattern.compile("metrics\\..*"));
                pollUntil(List.of(consumer), () -> consumer.assignment().size() == 1);
                assertEquals(Set.of(new TopicPartition("metrics.a", 0)), consumer.assignment());
                engine.admin().createTopic("metrics.b", 2);
                pollUntil(List.of(consumer), () -> consumer.assignment().size() == 3);
                assertEquals(Set.of("metrics.a", "metrics.b"), consumer.subscription());
            }
        }
    }

    @Test
    void closingTheEngineCommitsAnAutoCommittingMemberSPositions()
    {
        final TopicPartition tp = new TopicPartition("t", 0);
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            engine.admin().createTopic("t", 1);
            produce(engine, "t", 1, 7, 0);
            final Consumer<byte[], byte[]> consumer = engine.consumer(groupOptions("g").withAutoCommit(true)
                .withAutoCommitInterval(Duration.ofMinutes(10)));
            consumer.subscribe(List.of("t"));
            int count = 0;
            while (count < 7)
            {
                count += consumer.poll(POLL).count();
            }
            assertNull(consumer.committed(Set.of(tp)).get(tp), "the interval has not passed");
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build();
             Consumer<byte[], byte[]> consumer = engine.consumer(groupOptions("g")))
        {
            assertEquals(new OffsetAndMetadata(7), consumer.committed(Set.of(tp)).get(tp));
        }
    }

    @Test
    void misuseIsRefusedAsKafkaDoes()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("t", 1);
            try (Consumer<byte[], byte[]> noGroup = engine.consumer(ConsumerOptions.defaults()))
            {
                assertEquals(ErrorCode.INVALID_GROUP_ID, assertThrows(StreamlineException.class, () -> noGroup.subscribe(List.of("t"))).errorCode());
                assertEquals(ErrorCode.INVALID_GROUP_ID, assertThrows(StreamlineException.class, noGroup::commitSync).errorCode());
                assertEquals(ErrorCode.INVALID_GROUP_ID, assertThrows(StreamlineException.class, noGroup::groupMetadata).errorCode());
            }
            try (Consumer<byte[], byte[]> consumer = engine.consumer(groupOptions("g")))
            {
                consumer.assign(List.of(new TopicPartition("t", 0)));
                assertThrows(IllegalStateException.class, () -> consumer.subscribe(List.of("t")));
                consumer.unsubscribe();
                consumer.subscribe(List.of("t"));
                assertThrows(IllegalStateException.class, () -> consumer.assign(List.of(new TopicPartition("t", 0))));
                assertEquals(new ConsumerGroupMetadata("g", -1, "", null), consumer.groupMetadata());
            }
            assertThrows(IllegalArgumentException.class, () -> ConsumerOptions.defaults().withGroupId(""));
            assertThrows(IllegalArgumentException.class, () -> ConsumerOptions.defaults().withHeartbeatInterval(Duration.ofMinutes(1)));
            assertThrows(IllegalArgumentException.class, () -> ConsumerOptions.defaults().withAssignors());
        }
    }
}
