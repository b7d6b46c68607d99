package io.streamline.examples.bench;

import io.streamline.embedded.AutoOffsetReset;
import io.streamline.embedded.Consumer;
import io.streamline.embedded.ConsumerOptions;
import io.streamline.embedded.Producer;
import io.streamline.embedded.Serdes;
import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * For jmh/testkit/run.sh: what the test kit does around each of N tests (default 1,000) on one engine with a
 * listener, each test leaving state behind: two declared topics (3 + 1 partitions) created, 20 records
 * produced (one through kafka-clients), a consumer group that read them and committed, and a kafka-clients
 * admin kept open across tests, which every reset disconnects (an admin, not a producer: a producer left open
 * reconnects and auto-creates its topic again, which is the leak the test kit reports). Times each
 * {@link StreamlineEngine#reset()} and prints
 * its median, p99 and maximum, and the heap used after a full GC at tests 100, N/2 and N.
 */
public final class ResetProbe
{
    private ResetProbe()
    {
    }

    /** @param args optionally the number of tests. */
    public static void main(final String[] args) throws Exception
    {
        final int tests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        final long[] resetNanos = new long[tests];
        final StringBuilder heap = new StringBuilder();
        try (StreamlineEngine engine = StreamlineEngine.builder().kafkaListener(0).build())
        {
            final Properties props = new Properties();
            props.put("bootstrap.servers", engine.kafkaBootstrapServers());
            props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            props.put("max.block.ms", "30000");
            final Properties adminProps = new Properties();
            adminProps.put("bootstrap.servers", engine.kafkaBootstrapServers());
            try (Admin leftOpen = Admin.create(adminProps))
            {
                for (int test = 1; test <= tests; test++)
                {
                    engine.admin().createTopic("orders", 3);
                    engine.admin().createTopic("audit", 1);
                    leftOpen.describeCluster().nodes().get(30, TimeUnit.SECONDS);
                    try (KafkaProducer<String, String> kafkaProducer = new KafkaProducer<>(props))
                    {
                        kafkaProducer.send(new ProducerRecord<>("audit", "k", "test " + test)).get(30, TimeUnit.SECONDS);
                    }
                    try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer()))
                    {
                        for (int i = 0; i < 19; i++)
                        {
                            producer.send("orders", "key-" + i, "value-" + i);
                        }
                        producer.flush();
                    }
                    try (Consumer<String, String> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                        ConsumerOptions.defaults().withGroupId("workers").withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
                    {
                        consumer.subscribe(List.of("orders"));
                        int read = 0;
                        while (read < 19)
                        {
                            read += consumer.poll(Duration.ofMillis(100)).count();
                        }
                        consumer.commitSync();
                    }
                    final long start = System.nanoTime();
                    engine.reset();
                    resetNanos[test - 1] = System.nanoTime() - start;
                    if (test == Math.min(100, tests) || test == tests / 2 || test == tests)
                    {
                        System.gc();
                        final long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                        heap.append(" heap_after_").append(test).append("_mb=").append(String.format("%.1f", used / 1048576.0));
                    }
                }
            }
        }
        final long[] sorted = resetNanos.clone();
        Arrays.sort(sorted);
        System.out.printf("reset tests=%d median_ms=%.3f p99_ms=%.3f max_ms=%.3f%s%n", tests, sorted[tests / 2] / 1e6,
            sorted[Math.min(tests - 1, (int)Math.ceil(tests * 0.99) - 1)] / 1e6, sorted[tests - 1] / 1e6, heap);
    }
}
