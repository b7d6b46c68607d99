package io.streamline.jmh.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;

/**
 * Kafka's {@code EndToEndLatency} loop at microsecond resolution. For each message: {@code nanoTime}, a
 * synchronous {@code send(...).get()} of {@code --record-size} bytes (no key, {@code linger.ms=0}, the given
 * {@code acks}), then {@code poll(60 s)} on a consumer assigned to every partition of the topic and positioned
 * at its end ({@code fetch.max.wait.ms=0}, no consumer group), and {@code nanoTime} again once the message is
 * back; the message must be the only record polled and equal to what was sent. {@code EndToEndLatency} does
 * exactly this but keeps whole milliseconds (and commits offsets at the end, which needs a group coordinator);
 * this keeps nanoseconds and commits nothing. The first {@code --warmup-records} round trips are not counted.
 *
 * <p>Prints {@code records=N avg.us=A p50.us=B p99.us=C p99.9.us=D max.us=E}; a percentile p is the
 * value at index {@code (int) (N * p)} of the sorted round trips, as {@code EndToEndLatency} computes it.
 *
 * <pre>
 * LatencyProbe --bootstrap-server H:P --topic T --num-records N --producer-acks 1|all
 *   [--record-size BYTES (100)] [--warmup-records N (0)]
 * </pre>
 */
public final class LatencyProbe
{
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(60);

    private LatencyProbe()
    {
    }

    /**
     * Entry point.
     *
     * @param args see the class comment.
     * @throws ExecutionException if a send fails.
     * @throws InterruptedException if interrupted while waiting for a send.
     */
    public static void main(final String[] args) throws ExecutionException, InterruptedException
    {
        final Args options = Args.parse(args, "bootstrap-server", "topic", "num-records", "producer-acks",
            "record-size", "warmup-records");
        final String bootstrap = options.string("bootstrap-server");
        final String topic = options.string("topic");
        final int measured = Math.toIntExact(options.number("num-records"));
        final int warmup = Math.toIntExact(options.number("warmup-records", 0));
        final int size = Math.toIntExact(options.number("record-size", 100));
        final String acks = options.string("producer-acks");
        if (!acks.equals("1") && !acks.equals("all"))
        {
            throw new IllegalArgumentException("--producer-acks must be 1 or all, not " + acks);
        }

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, acks)))
        {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(topic))
            {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            final long[] nanos = new long[measured];
            final Random random = new Random(0);
            final byte[] message = new byte[size];
            for (int i = -warmup; i < measured; i++)
            {
                Arrays.fill(message, (byte)('A' + random.nextInt(26)));
                final long begin = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, message)).get();
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                final long elapsed = System.nanoTime() - begin;
                check(records, message, i);
                if (i >= 0)
                {
                    nanos[i] = elapsed;
                }
            }
            print(nanos);
        }
    }

    private static void check(final ConsumerRecords<byte[], byte[]> records, final byte[] sent, final int index)
    {
        if (records.count() != 1)
        {
            throw new IllegalStateException("message " + index + ": polled " + records.count() +
                " records within " + POLL_TIMEOUT + ", expected exactly the one sent");
        }
        final byte[] read = records.iterator().next().value();
        if (!Arrays.equals(read, sent))
        {
            throw new IllegalStateException("message " + index + ": read " + (read == null ? "null" : read.length +
                " bytes starting with " + (char)read[0]) + ", sent " + sent.length + " bytes of " + (char)sent[0]);
        }
    }

    private static void print(final long[] nanos)
    {
        final double avg = Arrays.stream(nanos).average().orElse(Double.NaN);
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "records=%d avg.us=%.1f p50.us=%.1f p99.us=%.1f p99.9.us=%.1f max.us=%.1f%n",
            nanos.length, avg / 1e3, at(nanos, 0.5), at(nanos, 0.99), at(nanos, 0.999),
            nanos[nanos.length - 1] / 1e3);
    }

    private static double at(final long[] sorted, final double quantile)
    {
        return sorted[(int)(sorted.length * quantile)] / 1e3;
    }

    private static Properties consumerProps(final String bootstrap)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "0");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private static Properties producerProps(final String bootstrap, final String acks)
    {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Long.MAX_VALUE));
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
