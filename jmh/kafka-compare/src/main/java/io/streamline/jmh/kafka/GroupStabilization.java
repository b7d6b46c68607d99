package io.streamline.jmh.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * How long a consumer group of three kafka-clients consumers takes to become stable and consuming.
 *
 * <p>The topic ({@code --topic}, created with {@code --partitions} partitions if missing) holds one record in each
 * partition, written once at offset 0. Each member is a {@link KafkaConsumer} on its own thread calling
 * {@code poll(5 ms)} in a loop. Whenever a member's {@code assignment()} changes to a non-empty set, it
 * {@code seek}s every partition of that set to offset 0, so a record is there to read in each partition it owns
 * whether the partition is new to it or kept from before (eager and cooperative protocols alike). A member is
 * <em>consuming</em> once a {@code poll} that returned after its latest assignment change has returned a record of a
 * partition in that assignment. The group is <em>stable and consuming</em> when all three members are consuming and
 * their assignments are non-empty, pairwise disjoint and together cover every partition; the time is that of the
 * last member's first such record ({@code System.nanoTime()} when its {@code poll} returned).
 *
 * <ul>
 *   <li>{@code --case join}: members 1 and 2 subscribe and the tool waits until those two are stable and consuming;
 *   then it sleeps a pseudo-random pause, uniform in [0, {@code --phase-ms}) (the sequence seeded by
 *   {@code --seed}, so both brokers get the same pauses), so member 3 joins at a random point of the members' heartbeat
 *   cycle; the clock starts just before member 3's {@code subscribe} (its consumer is already constructed) and stops
 *   when all three are stable and consuming.</li>
 *   <li>{@code --case cold}: three constructed consumers are released together; the clock starts before their
 *   {@code subscribe} and stops when all three are stable and consuming.</li>
 * </ul>
 *
 * <p>Each repetition uses a new group id and closes its three consumers (leaving the group) before the next. Client
 * settings: kafka-clients' defaults except {@code group.id}, {@code client.id}, {@code auto.offset.reset=earliest},
 * {@code enable.auto.commit=false}, byte-array deserializers, and {@code group.protocol} plus
 * {@code partition.assignment.strategy} (classic) or {@code group.remote.assignor} (consumer) from
 * {@code --protocol} and {@code --assignor}; {@code --heartbeat-ms} also sets the classic members'
 * {@code heartbeat.interval.ms} (default: the client's, 3000), to show how much of the time is waiting for heartbeats.
 *
 * <p>Prints one line per repetition, {@code rep=I pause.ms=P stable.ms=T}, then
 * {@code summary case=C protocol=P assignor=A n=N failed=F median.ms=M p90.ms=Q max.ms=X min.ms=Y}, where p90 is the
 * value at index {@code ceil(0.9 N) - 1} of the sorted times. A repetition that is not stable within
 * {@code --timeout} ms counts as failed; exits with 1 if any failed.
 *
 * <pre>
 * GroupStabilization --bootstrap-server H:P --topic T --case join|cold --protocol classic|consumer
 *   --assignor range|roundrobin|cooperative-sticky|uniform --repeats N [--partitions 6] [--phase-ms 3000]
 *   [--seed 1] [--timeout 60000] [--heartbeat-ms MS]
 * </pre>
 */
public final class GroupStabilization
{
    private static final Duration POLL = Duration.ofMillis(5);

    private GroupStabilization()
    {
    }

    /**
     * Entry point.
     *
     * @param args see the class comment.
     * @throws Exception if the topic cannot be set up or a thread is interrupted.
     */
    public static void main(final String[] args) throws Exception
    {
        final Args options = Args.parse(args, "bootstrap-server", "topic", "case", "protocol", "assignor", "repeats",
            "partitions", "phase-ms", "seed", "timeout", "heartbeat-ms");
        final String bootstrap = options.string("bootstrap-server");
        final String topic = options.string("topic");
        final String kase = options.string("case");
        final String protocol = options.string("protocol");
        final String assignor = options.string("assignor");
        final int repeats = Math.toIntExact(options.number("repeats"));
        final int partitions = Math.toIntExact(options.number("partitions", 6));
        final long phaseMs = options.number("phase-ms", 3000);
        final long seed = options.number("seed", 1);
        final long timeoutMs = options.number("timeout", 60_000);
        final String heartbeatMs = options.string("heartbeat-ms", null);
        if (!kase.equals("join") && !kase.equals("cold"))
        {
            throw new IllegalArgumentException("--case must be join or cold, not " + kase);
        }
        setUpTopic(bootstrap, topic, partitions);

        final List<Double> times = new ArrayList<>();
        final Random pauses = new Random(seed);
        int failed = 0;
        for (int rep = 1; rep <= repeats; rep++)
        {
            final String group = "stabilize-" + kase + "-" + protocol + "-" + assignor + "-" + rep + "-" + System.nanoTime();
            final long pauseMs = (long)(pauses.nextDouble() * phaseMs);
            final double ms = runOnce(bootstrap, topic, partitions, group, kase, protocol, assignor, heartbeatMs,
                kase.equals("join") ? pauseMs : 0, timeoutMs);
            if (Double.isNaN(ms))
            {
                failed++;
                System.out.printf(Locale.ROOT, "rep=%d pause.ms=%d stable.ms=failed%n", rep, kase.equals("join") ? pauseMs : 0);
            }
            else
            {
                times.add(ms);
                System.out.printf(Locale.ROOT, "rep=%d pause.ms=%d stable.ms=%.1f%n", rep, kase.equals("join") ? pauseMs : 0, ms);
            }
            System.out.flush();
        }
        final double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        final int n = sorted.length;
        System.out.printf(Locale.ROOT, "summary case=%s protocol=%s assignor=%s heartbeat.ms=%s n=%d failed=%d median.ms=%s " +
                "p90.ms=%s max.ms=%s min.ms=%s%n", kase, protocol, assignor, heartbeatMs == null ? "default" : heartbeatMs, n, failed,
            n == 0 ? "-" : format(median(sorted)), n == 0 ? "-" : format(sorted[(int)Math.ceil(0.9 * n) - 1]),
            n == 0 ? "-" : format(sorted[n - 1]), n == 0 ? "-" : format(sorted[0]));
        if (failed > 0)
        {
            System.exit(1);
        }
    }

    private static String format(final double ms)
    {
        return String.format(Locale.ROOT, "%.1f", ms);
    }

    private static double median(final double[] sorted)
    {
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Creates the topic if missing and, if it is empty, writes one record at offset 0 of each partition. */
    static void setUpTopic(final String bootstrap, final String topic, final int partitions)
        throws ExecutionException, InterruptedException
    {
        final Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps))
        {
            try
            {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short)1))).all().get();
            }
            catch (final ExecutionException ex)
            {
                if (!(ex.getCause() instanceof TopicExistsException))
                {
                    throw ex;
                }
                return;
            }
        }
        final Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps))
        {
            for (int p = 0; p < partitions; p++)
            {
                producer.send(new ProducerRecord<>(topic, p, null, new byte[] {(byte)p})).get();
            }
        }
    }

    static Properties consumerProps(final String bootstrap, final String group, final String clientId,
                                    final String protocol, final String assignor)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        switch (protocol)
        {
            case "classic" ->
            {
                props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
                props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, switch (assignor)
                {
                    case "range" -> RangeAssignor.class.getName();
                    case "roundrobin" -> RoundRobinAssignor.class.getName();
                    case "cooperative-sticky" -> CooperativeStickyAssignor.class.getName();
                    default -> throw new IllegalArgumentException("classic assignor must be range, roundrobin or " +
                        "cooperative-sticky, not " + assignor);
                });
            }
            case "consumer" ->
            {
                props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
                props.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, assignor);
            }
            default -> throw new IllegalArgumentException("--protocol must be classic or consumer, not " + protocol);
        }
        return props;
    }

    /** @return milliseconds from the start to stable and consuming, or NaN if not within the timeout. */
    private static double runOnce(final String bootstrap, final String topic, final int partitions, final String group,
                                  final String kase, final String protocol, final String assignor, final String heartbeatMs,
                                  final long pauseMs, final long timeoutMs) throws InterruptedException
    {
        final Member[] members = new Member[3];
        for (int i = 0; i < 3; i++)
        {
            final Properties props = consumerProps(bootstrap, group, group + "-m" + (i + 1), protocol, assignor);
            if (heartbeatMs != null)
            {
                props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, heartbeatMs);
            }
            members[i] = new Member(new KafkaConsumer<>(props), topic);
        }
        final Thread[] threads = new Thread[3];
        for (int i = 0; i < 3; i++)
        {
            threads[i] = new Thread(members[i], "member-" + (i + 1));
        }
        try
        {
            final long start;
            if (kase.equals("join"))
            {
                threads[0].start();
                threads[1].start();
                if (Double.isNaN(waitStable(Arrays.copyOf(members, 2), partitions, System.nanoTime(), timeoutMs)))
                {
                    System.err.println("members 1 and 2 did not become stable within " + timeoutMs + " ms");
                    return Double.NaN;
                }
                Thread.sleep(pauseMs);
                start = System.nanoTime();
                threads[2].start();
            }
            else
            {
                start = System.nanoTime();
                for (final Thread thread : threads)
                {
                    thread.start();
                }
            }
            final double ms = waitStable(members, partitions, start, timeoutMs);
            if (Double.isNaN(ms))
            {
                for (int i = 0; i < 3; i++)
                {
                    System.err.println("member " + (i + 1) + " at the timeout: " + members[i].state);
                }
            }
            return ms;
        }
        finally
        {
            for (final Member member : members)
            {
                member.stop = true;
            }
            for (int i = 0; i < 3; i++)
            {
                if (threads[i].isAlive())
                {
                    threads[i].join();
                }
                else if (threads[i].getState() == Thread.State.NEW)
                {
                    members[i].consumer.close();
                }
            }
            for (final Member member : members)
            {
                if (member.failure != null)
                {
                    throw new IllegalStateException("a member failed", member.failure);
                }
            }
        }
    }

    /**
     * Checks the members' states about every millisecond until they are stable and consuming; the time is the last
     * member's own timestamp, not the check's.
     *
     * @return milliseconds from {@code start} to the last member's first record, or NaN after the timeout.
     */
    private static double waitStable(final Member[] members, final int partitions, final long start, final long timeoutMs)
        throws InterruptedException
    {
        final long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline)
        {
            long last = Long.MIN_VALUE;
            final Set<TopicPartition> covered = new HashSet<>();
            boolean stable = true;
            for (final Member member : members)
            {
                final State state = member.state;
                if (member.failure != null)
                {
                    throw new IllegalStateException("a member failed", member.failure);
                }
                if (state.assignment.isEmpty() || state.consumedAt == 0 || state.consumedAt < start)
                {
                    stable = false;
                    break;
                }
                for (final TopicPartition tp : state.assignment)
                {
                    if (!covered.add(tp))
                    {
                        stable = false;
                    }
                }
                last = Math.max(last, state.consumedAt);
            }
            if (stable && covered.size() == partitions)
            {
                return (last - start) / 1e6;
            }
            Thread.sleep(1);
        }
        return Double.NaN;
    }

    /**
     * One member's assignment as {@code assignment()} returned it after a poll, when that assignment was first seen,
     * and when the first record of it came after that (0: not yet).
     */
    private record State(Set<TopicPartition> assignment, long assignedAt, long consumedAt)
    {
    }

    /** A consumer polling on its own thread, publishing its {@link State} after every poll. */
    private static final class Member implements Runnable
    {
        final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        volatile State state = new State(Set.of(), 0, 0);
        volatile boolean stop;
        volatile Throwable failure;

        Member(final KafkaConsumer<byte[], byte[]> consumer, final String topic)
        {
            this.consumer = consumer;
            this.topic = topic;
        }

        @Override
        public void run()
        {
            try (consumer)
            {
                consumer.subscribe(List.of(topic));
                State current = state;
                while (!stop)
                {
                    final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    final long now = System.nanoTime();
                    final Set<TopicPartition> assignment = consumer.assignment();
                    if (!assignment.equals(current.assignment))
                    {
                        current = new State(Set.copyOf(assignment), now, 0);
                        for (final TopicPartition tp : assignment)
                        {
                            consumer.seek(tp, 0);
                        }
                    }
                    if (current.consumedAt == 0)
                    {
                        for (final ConsumerRecord<byte[], byte[]> record : records)
                        {
                            if (current.assignment.contains(new TopicPartition(record.topic(), record.partition())))
                            {
                                current = new State(current.assignment, current.assignedAt, now);
                                break;
                            }
                        }
                    }
                    state = current;
                }
            }
            catch (final Throwable t)
            {
                failure = t;
            }
        }
    }
}
