package io.streamline.jmh.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Consumer throughput without a consumer group: what Kafka's {@code ConsumerPerformance} measures (records
 * and key + value bytes read per second, the same consumer settings: {@code max.partition.fetch.bytes} 1 MiB,
 * {@code receive.buffer.bytes} 2 MiB, {@code check.crcs=false}, {@code poll(100 ms)} in a loop), but with
 * {@code assign} + {@code seekToBeginning} of every partition of the topic instead of {@code subscribe}, so
 * it needs no group coordinator and there is no join time to subtract. The clock starts after the seek,
 * before the first poll, and stops when {@code --num-records} records have been read.
 *
 * <p>Prints one line: {@code records=N bytes=B elapsed.ms=T MB.sec=X nMsg.sec=Y fetch.requests=F fetch.bytes=Z}
 * (MB = 2^20 bytes, as {@code ConsumerPerformance}; the last two are the consumer's {@code fetch-total} and
 * {@code bytes-consumed-total} metrics: fetch responses and the record bytes they carried); exits with 1 if fewer records arrived before {@code --timeout} ms passed
 * without any.
 *
 * <pre>
 * AssignedConsumerPerformance --bootstrap-server H:P --topic T --num-records N [--timeout MS (10000)]
 *   [--fetch-size BYTES (1048576)] [--socket-buffer-size BYTES (2097152)]
 * </pre>
 */
public final class AssignedConsumerPerformance
{
    private AssignedConsumerPerformance()
    {
    }

    /** A total of the consumer's fetch-manager-metrics group (fetch responses, bytes in them), or NaN. */
    private static double fetchMetric(final KafkaConsumer<byte[], byte[]> consumer, final String name)
    {
        for (final Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet())
        {
            if (e.getKey().group().equals("consumer-fetch-manager-metrics") && e.getKey().name().equals(name) &&
                e.getKey().tags().size() == 1)
            {
                return ((Number)e.getValue().metricValue()).doubleValue();
            }
        }
        return Double.NaN;
    }

    /**
     * Entry point.
     *
     * @param args see the class comment.
     */
    public static void main(final String[] args)
    {
        final Args options = Args.parse(args, "bootstrap-server", "topic", "num-records", "timeout", "fetch-size",
            "socket-buffer-size");
        final String topic = options.string("topic");
        final long wanted = options.number("num-records");
        final long timeoutMs = options.number("timeout", 10_000);

        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.string("bootstrap-server"));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "perf-consumer-client");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, options.string("fetch-size", "1048576"));
        props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, options.string("socket-buffer-size", "2097152"));
        props.put(ConsumerConfig.CHECK_CRCS_CONFIG, "false");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        boolean complete = true;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props))
        {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(topic))
            {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);

            long records = 0;
            long bytes = 0;
            final long start = System.nanoTime();
            long lastRecord = start;
            while (records < wanted && System.nanoTime() - lastRecord <= timeoutMs * 1_000_000L)
            {
                final ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                if (!polled.isEmpty())
                {
                    lastRecord = System.nanoTime();
                }
                for (final ConsumerRecord<byte[], byte[]> record : polled)
                {
                    records++;
                    bytes += (record.key() == null ? 0 : record.key().length) +
                        (record.value() == null ? 0 : record.value().length);
                }
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            final double mb = bytes / (1024.0 * 1024.0);
            System.out.printf(Locale.ROOT, "records=%d bytes=%d elapsed.ms=%.1f MB.sec=%.4f nMsg.sec=%.1f " +
                "fetch.requests=%.0f fetch.bytes=%.0f%n", records, bytes, seconds * 1000, mb / seconds, records / seconds,
                fetchMetric(consumer, "fetch-total"), fetchMetric(consumer, "bytes-consumed-total"));
            if (records < wanted)
            {
                System.err.printf(Locale.ROOT, "only %d of %d records: none came for %d ms%n", records, wanted, timeoutMs);
                complete = false;
            }
        }
        if (!complete)
        {
            System.exit(1);
        }
    }
}
