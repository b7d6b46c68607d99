package io.streamline.jmh.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Producer throughput in three modes, with the same kafka-clients producer settings otherwise ({@code acks=all},
 * the client's defaults for the rest, e.g. 4.x's {@code linger.ms} 5, and {@code --record-size}-byte random values
 * without keys):
 * <ul>
 *   <li>{@code plain}: {@code enable.idempotence=false}; {@code --records} records sent without waiting, then
 *       flushed (what {@code ProducerPerformance} does, unthrottled);</li>
 *   <li>{@code idempotent}: the same with {@code enable.idempotence=true} (producer id, sequence numbers);</li>
 *   <li>{@code transactional}: {@code --producers} producers, each with its own {@code transactional.id}, each in a
 *       loop of {@code beginTransaction}, {@code --records-per-transaction} sends, {@code commitTransaction} (which
 *       flushes and waits for the commit), until {@code --transactions} transactions are committed in all.</li>
 * </ul>
 * {@code --warmup} records or transactions (per producer) run first and are not counted: they open the connections,
 * fetch metadata, get the producer id and warm up the JIT. The clock starts after them.
 *
 * <p>Prints one line: {@code mode=M producers=P records=N transactions=T elapsed.ms=E records.sec=R
 * transactions.sec=X commit.avg.ms=A commit.p50.ms=B commit.p99.ms=C} (the commit latencies are those of
 * {@code commitTransaction}, NaN for the other modes); exits with 1 if a send or a commit fails.
 *
 * <pre>
 * TransactionPerformance --bootstrap-server H:P --topic T --mode plain|idempotent|transactional
 *   [--records N (1000000)] [--transactions N (10000)] [--records-per-transaction N (10)] [--producers N (1)]
 *   [--record-size BYTES (100)] [--warmup N (records: 10% of --records; transactions: 100)]
 * </pre>
 */
public final class TransactionPerformance
{
    private TransactionPerformance()
    {
    }

    /**
     * Entry point.
     *
     * @param args see the class comment.
     */
    public static void main(final String[] args) throws Exception
    {
        final Args options = Args.parse(args, "bootstrap-server", "topic", "mode", "records", "transactions",
            "records-per-transaction", "producers", "record-size", "warmup");
        final String mode = options.string("mode");
        final String bootstrap = options.string("bootstrap-server");
        final String topic = options.string("topic");
        final byte[] value = new byte[(int)options.number("record-size", 100)];
        new Random(42).nextBytes(value);
        final String line;
        switch (mode)
        {
            case "plain", "idempotent" ->
            {
                final long records = options.number("records", 1_000_000);
                line = stream(bootstrap, topic, "idempotent".equals(mode), records,
                    options.number("warmup", records / 10), value);
            }
            case "transactional" -> line = transactions(bootstrap, topic, (int)options.number("producers", 1),
                options.number("transactions", 10_000), (int)options.number("records-per-transaction", 10),
                options.number("warmup", 100), value);
            default -> throw new IllegalArgumentException("--mode is plain, idempotent or transactional: " + mode);
        }
        System.out.println(line);
    }

    private static Properties producerConfig(final String bootstrap)
    {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /** Plain or idempotent: records sent without waiting, then a flush; the first callback error fails the run. */
    private static String stream(final String bootstrap, final String topic, final boolean idempotent,
        final long records, final long warmup, final byte[] value) throws Exception
    {
        final Properties props = producerConfig(bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotent));
        final AtomicReference<Exception> error = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props))
        {
            for (long i = 0; i < warmup; i++)
            {
                producer.send(new ProducerRecord<>(topic, value), (m, e) -> failed(error, e));
            }
            producer.flush();
            final long start = System.nanoTime();
            for (long i = 0; i < records; i++)
            {
                producer.send(new ProducerRecord<>(topic, value), (m, e) -> failed(error, e));
            }
            producer.flush();
            final long elapsed = System.nanoTime() - start;
            if (error.get() != null)
            {
                throw error.get();
            }
            return result(idempotent ? "idempotent" : "plain", 1, records, 0, elapsed, new long[0]);
        }
    }

    private static void failed(final AtomicReference<Exception> error, final Exception e)
    {
        if (e != null)
        {
            error.compareAndSet(null, e);
        }
    }

    /** Transactional: each producer commits its share of the transactions in a loop. */
    private static String transactions(final String bootstrap, final String topic, final int producers,
        final long transactions, final int perTransaction, final long warmup, final byte[] value) throws Exception
    {
        final List<KafkaProducer<byte[], byte[]>> clients = new ArrayList<>();
        final long[][] commitNanos = new long[producers][];
        final AtomicReference<Throwable> error = new AtomicReference<>();
        try
        {
            for (int p = 0; p < producers; p++)
            {
                final Properties props = producerConfig(bootstrap);
                props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "perf-txn-" + topic + "-" + p);
                final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
                clients.add(producer);
                producer.initTransactions();
                for (long t = 0; t < warmup; t++)
                {
                    transaction(producer, topic, perTransaction, value);
                }
            }
            final List<Thread> threads = new ArrayList<>();
            final long start = System.nanoTime();
            for (int p = 0; p < producers; p++)
            {
                final KafkaProducer<byte[], byte[]> producer = clients.get(p);
                final long share = transactions / producers + (p < transactions % producers ? 1 : 0);
                final long[] commits = new long[(int)share];
                commitNanos[p] = commits;
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        for (int t = 0; t < share; t++)
                        {
                            commits[t] = transaction(producer, topic, perTransaction, value);
                        }
                    }
                    catch (final Throwable e)
                    {
                        error.compareAndSet(null, e);
                    }
                }, "txn-producer-" + p);
                threads.add(thread);
                thread.start();
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            final long elapsed = System.nanoTime() - start;
            if (error.get() != null)
            {
                throw new IllegalStateException("a transaction failed", error.get());
            }
            final long[] all = Arrays.stream(commitNanos).flatMapToLong(Arrays::stream).toArray();
            return result("transactional", producers, transactions * perTransaction, transactions, elapsed, all);
        }
        finally
        {
            for (final KafkaProducer<byte[], byte[]> producer : clients)
            {
                producer.close();
            }
        }
    }

    /** @return how long {@code commitTransaction} took, in nanoseconds. */
    private static long transaction(final KafkaProducer<byte[], byte[]> producer, final String topic,
        final int records, final byte[] value)
    {
        producer.beginTransaction();
        for (int i = 0; i < records; i++)
        {
            producer.send(new ProducerRecord<>(topic, value));
        }
        final long start = System.nanoTime();
        producer.commitTransaction();
        return System.nanoTime() - start;
    }

    private static String result(final String mode, final int producers, final long records, final long transactions,
        final long elapsedNanos, final long[] commitNanos)
    {
        final double seconds = elapsedNanos / 1e9;
        Arrays.sort(commitNanos);
        return String.format(Locale.ROOT, "mode=%s producers=%d records=%d transactions=%d elapsed.ms=%.1f " +
                "records.sec=%.1f transactions.sec=%.1f commit.avg.ms=%.3f commit.p50.ms=%.3f commit.p99.ms=%.3f",
            mode, producers, records, transactions, elapsedNanos / 1e6, records / seconds, transactions / seconds,
            commitNanos.length == 0 ? Double.NaN : Arrays.stream(commitNanos).average().orElse(Double.NaN) / 1e6,
            percentile(commitNanos, 0.50), percentile(commitNanos, 0.99));
    }

    private static double percentile(final long[] sorted, final double p)
    {
        if (sorted.length == 0)
        {
            return Double.NaN;
        }
        final int index = (int)Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
