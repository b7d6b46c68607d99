package io.streamline.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A kafka-clients group consumer in a child JVM, so a test can kill it with SIGKILL: no LeaveGroup, no last
 * heartbeat, its session must expire. The child prints {@code ASSIGNED p,p,...} whenever its assignment
 * changes; the parent keeps the last one.
 */
final class ChildGroupConsumer implements AutoCloseable
{
    private final Process process;
    private final Thread reader;
    private volatile Set<Integer> assignment = Set.of();
    private volatile boolean sawAssignment;

    private ChildGroupConsumer(final Process process)
    {
        this.process = process;
        this.reader = new Thread(this::read, "child-consumer-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param bootstrap the listener.
     * @param group     the group id.
     * @param topic     the topic to subscribe to.
     * @param strategy  {@code range}, {@code roundrobin}, {@code cooperative-sticky} (classic protocol) or
     *                  {@code consumer} (KIP-848 protocol).
     * @param stderr    where the child's log goes.
     * @return the running child.
     * @throws IOException if it cannot start.
     */
    static ChildGroupConsumer start(final String bootstrap, final String group, final String topic, final String strategy,
        final Path stderr) throws IOException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            ChildGroupConsumer.class.getName(), bootstrap, group, topic, strategy);
        builder.redirectError(stderr.toFile());
        return new ChildGroupConsumer(builder.start());
    }

    /**
     * @param bootstrap the listener.
     * @param group     the group id.
     * @param strategy  as for {@link #start}.
     * @return consumer settings for that strategy: heartbeats every 100 ms and a 6 s session for the classic
     *         protocol (the coordinator sets them for the consumer protocol).
     */
    static Properties props(final String bootstrap, final String group, final String strategy)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        if (strategy.equals("consumer"))
        {
            props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        }
        else
        {
            props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, switch (strategy)
            {
                case "range" -> "org.apache.kafka.clients.consumer.RangeAssignor";
                case "roundrobin" -> "org.apache.kafka.clients.consumer.RoundRobinAssignor";
                case "cooperative-sticky" -> "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
                default -> throw new IllegalArgumentException(strategy);
            });
            props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100);
            props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        }
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return props;
    }

    /** @return the partitions the child last reported. */
    Set<Integer> assignment()
    {
        return assignment;
    }

    /** @return true once the child reported a non-empty assignment. */
    boolean sawAssignment()
    {
        return sawAssignment;
    }

    /**
     * SIGKILL the child and wait for it to die (on Linux {@code ProcessHandle.destroyForcibly} is kill -9).
     *
     * @throws InterruptedException if interrupted.
     */
    void kill() throws InterruptedException
    {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("the child consumer did not die");
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            kill();
        }
    }

    private void read()
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                if (line.startsWith("ASSIGNED "))
                {
                    final String list = line.substring("ASSIGNED ".length()).trim();
                    assignment = list.isEmpty() ? Set.of() :
                        Arrays.stream(list.split(",")).map(Integer::valueOf).collect(Collectors.toUnmodifiableSet());
                    sawAssignment |= !assignment.isEmpty();
                }
            }
        }
        catch (final IOException ex)
        {
            // the child died
        }
    }

    /**
     * The child: subscribe and poll until killed, printing the assignment when it changes.
     *
     * @param args bootstrap, group, topic, strategy.
     */
    public static void main(final String[] args)
    {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props(args[0], args[1], args[3]),
            new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            consumer.subscribe(List.of(args[2]));
            Set<Integer> last = null;
            while (true)
            {
                consumer.poll(Duration.ofMillis(50));
                final Set<Integer> now = consumer.assignment().stream().map(TopicPartition::partition)
                    .collect(Collectors.toCollection(TreeSet::new));
                if (!now.equals(last))
                {
                    System.out.println("ASSIGNED " + now.stream().map(String::valueOf).collect(Collectors.joining(",")));
                    System.out.flush();
                    last = now;
                }
            }
        }
    }
}
