package io.streamline.examples;

import io.streamline.embedded.AutoOffsetReset;
import io.streamline.embedded.Consumer;
import io.streamline.embedded.ConsumerOptions;
import io.streamline.embedded.Producer;
import io.streamline.embedded.Serdes;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.embedded.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Quickstart: create a topic, produce records with the native producer, consume them all back, and
 * print the throughput of each side.
 */
public final class Quickstart
{
    private Quickstart()
    {
    }

    /**
     * Run the quickstart.
     *
     * @param dataDir where the engine keeps its files, or null for in memory.
     * @param records how many records to produce and consume.
     * @return the number of records consumed.
     */
    public static long run(final Path dataDir, final int records)
    {
        final StreamlineEngine.Builder builder = StreamlineEngine.builder();
        if (dataDir != null)
        {
            builder.dataDir(dataDir);
        }
        try (StreamlineEngine engine = builder.build())
        {
            final int partitions = 3;
            engine.admin().createTopic("quickstart", partitions);
            final byte[] value = new byte[100];

            final long produceStart = System.nanoTime();
            try (Producer<byte[], byte[]> producer = engine.producer())
            {
                for (int i = 0; i < records; i++)
                {
                    producer.send("quickstart", null, value);
                }
                producer.flush();
            }
            final double produceSeconds = (System.nanoTime() - produceStart) / 1e9;

            final long consumeStart = System.nanoTime();
            long consumed = 0;
            try (Consumer<byte[], byte[]> consumer = engine.consumer(
                ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST).withMaxPollRecords(10_000)))
            {
                final List<TopicPartition> all = new ArrayList<>();
                for (int p = 0; p < partitions; p++)
                {
                    all.add(new TopicPartition("quickstart", p));
                }
                consumer.assign(all);
                while (consumed < records)
                {
                    final int n = consumer.poll(Duration.ofSeconds(1), (tp, record) -> { });
                    if (n == 0)
                    {
                        break;
                    }
                    consumed += n;
                }
            }
            final double consumeSeconds = (System.nanoTime() - consumeStart) / 1e9;
            System.out.printf("produced %,d records of 100 bytes in %.3f s (%,.0f records/s)%n",
                records, produceSeconds, records / produceSeconds);
            System.out.printf("consumed %,d records in %.3f s (%,.0f records/s)%n",
                consumed, consumeSeconds, consumed / consumeSeconds);
            return consumed;
        }
    }

    /**
     * Entry point: {@code [records] [--in-memory]}; 1,000,000 records in {@code ./quickstart-data} by default.
     *
     * @param args optional record count and {@code --in-memory}.
     */
    public static void main(final String[] args)
    {
        int records = 1_000_000;
        Path dir = Path.of("quickstart-data");
        for (final String arg : args)
        {
            if (arg.equals("--in-memory"))
            {
                dir = null;
            }
            else
            {
                records = Integer.parseInt(arg);
            }
        }
        run(dir, records);
    }
}
