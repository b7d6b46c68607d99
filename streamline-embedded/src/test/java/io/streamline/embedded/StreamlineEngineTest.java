package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.log.FsyncPolicy;
import io.streamline.record.CompressionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class StreamlineEngineTest
{
    @TempDir
    Path tmp;

    private static void assertError(final ErrorCode code, final Executable action)
    {
        final StreamlineException ex = assertThrows(StreamlineException.class, action);
        assertEquals(code, ex.errorCode(), ex.getMessage());
    }

    private static StreamlineException failure(final CompletableFuture<?> future)
    {
        final CompletionException ex = assertThrows(CompletionException.class, future::join);
        return assertInstanceOf(StreamlineException.class, ex.getCause());
    }

    @Test
    void produceConsumeReopenRestoresTopicsAndData()
    {
        final Path dir = tmp.resolve("data");
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            engine.admin().createTopic("orders", 3, Map.of("retention.ms", "-1"));
            try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer()))
            {
                final List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < 300; i++)
                {
                    sent.add(producer.send("orders", "k" + (i % 17), "v" + i));
                }
                producer.flush();
                for (final CompletableFuture<RecordMetadata> future : sent)
                {
                    assertTrue(future.isDone());
                    assertTrue(future.join().offset() >= 0);
                }
            }
            assertEquals(300, totalRecords(engine, "orders", 3));
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            assertEquals(Set.of("orders"), engine.admin().listTopics());
            assertEquals("-1", engine.admin().describeConfigs("orders").get("retention.ms").value());
            assertEquals(300, totalRecords(engine, "orders", 3));
            try (Consumer<String, String> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
            {
                final TopicPartition tp = new TopicPartition("orders", io.streamline.topic.KeyPartitioner.partition("k3".getBytes(), 3));
                consumer.assign(List.of(tp));
                final List<String> values = new ArrayList<>();
                ConsumerRecords<String, String> records;
                while (!(records = consumer.poll(Duration.ZERO)).isEmpty())
                {
                    records.forEach(r -> values.add(r.key() + "=" + r.value()));
                }
                assertTrue(values.contains("k3=v3"), "keyed records land on murmur2's partition: " + values.size());
                assertTrue(values.contains("k3=v20"));
            }
        }
    }

    private static int totalRecords(final StreamlineEngine engine, final String topic, final int partitions)
    {
        int total = 0;
        try (Consumer<byte[], byte[]> consumer = engine.consumer(ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
        {
            final List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++)
            {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            int n;
            while ((n = consumer.poll(Duration.ZERO).count()) > 0)
            {
                total += n;
            }
        }
        return total;
    }

    @Test
    void secondEngineOnTheSameDirectoryFailsFast()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(tmp).build())
        {
            final StreamlineException ex = assertThrows(StreamlineException.class,
                () -> StreamlineEngine.builder().dataDir(tmp).build());
            assertTrue(ex.getMessage().contains("in use"), ex.getMessage());
            engine.admin().createTopic("still-works", 1);
        }
    }

    @Test
    void nothingOutlivesClose() throws IOException
    {
        final Set<Thread> threadsBefore = streamlineThreads();
        final Path dir = tmp.resolve("leak");
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).fsync(FsyncPolicy.interval(10)).build())
        {
            engine.admin().createTopic("t", 4, Map.of("segment.bytes", "1048576"));
            final Producer<byte[], byte[]> producer = engine.producer();
            for (int i = 0; i < 5000; i++)
            {
                producer.send(new ProducerRecord<>("t", null, new byte[500]));
            }
            producer.flush();
            final Consumer<byte[], byte[]> consumer = engine.consumer(ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST));
            consumer.assign(List.of(new TopicPartition("t", 0), new TopicPartition("t", 1)));
            consumer.poll(Duration.ofMillis(10));
            assertFalse(mappingsUnder(dir).isEmpty(), "the test maps segments while open");
            // producer and consumer deliberately left open: the engine closes them.
        }
        assertEquals(List.of(), mappingsUnder(dir), "mappings left after close");
        assertEquals(List.of(), fileHandlesUnder(dir), "file handles left after close");
        final Set<Thread> left = new java.util.HashSet<>(streamlineThreads());
        left.removeAll(threadsBefore);
        assertEquals(Set.of(), left, "threads left after close");
    }

    private static Set<Thread> streamlineThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .filter(t -> t.getName().startsWith("streamline"))
            .collect(Collectors.toSet());
    }

    private static List<String> mappingsUnder(final Path dir) throws IOException
    {
        final String prefix = dir.toAbsolutePath().toString();
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps")))
        {
            return lines.filter(l -> l.contains(prefix)).toList();
        }
    }

    private static List<String> fileHandlesUnder(final Path dir) throws IOException
    {
        final String prefix = dir.toAbsolutePath().toString();
        final List<String> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            for (final Path fd : (Iterable<Path>)fds::iterator)
            {
                try
                {
                    final String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix))
                    {
                        open.add(target);
                    }
                }
                catch (final IOException ex)
                {
                    // closed meanwhile
                }
            }
        }
        return open;
    }

    @Test
    void producerOptionsAndErrors()
    {
        final AtomicLong now = new AtomicLong(1_700_000_000_000L);
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().clock(now::get).autoCreateTopics(false).build())
        {
            engine.admin().createTopic("small", 2, Map.of("max.message.bytes", "1000"));
            engine.admin().createTopic("lat", 1, Map.of("message.timestamp.type", "LogAppendTime"));
            try (Producer<byte[], byte[]> producer = engine.producer(ProducerOptions.defaults()
                .withCompression(CompressionType.ZSTD).withLinger(Duration.ofMillis(50)).withBatchSize(4096)))
            {
                assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, failure(producer.send("missing", null, new byte[1])).errorCode());
                assertEquals(ErrorCode.MESSAGE_TOO_LARGE, failure(producer.send("small", null, new byte[2000])).errorCode());
                assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    failure(producer.send(new ProducerRecord<>("small", 5, null, new byte[1], null, null))).errorCode());
                assertEquals(ErrorCode.INVALID_TIMESTAMP,
                    failure(producer.send(new ProducerRecord<>("small", 0, null, new byte[1], null, -5L))).errorCode());
                final RecordMetadata explicit = producer.send(new ProducerRecord<>("small", 1, "k".getBytes(), "v".getBytes(),
                    List.of(new Header("h", "x".getBytes()), new Header("n", null)), 1234L)).join();
                assertEquals(1, explicit.partition());
                assertEquals(1234L, explicit.timestamp());
                assertEquals(1, explicit.serializedKeySize());
                now.set(1_700_000_123_456L);
                final RecordMetadata stamped = producer.send("lat", null, "x".getBytes()).join();
                assertEquals(1_700_000_123_456L, stamped.timestamp(), "log-append time reported");
                assertEquals(-1, stamped.serializedKeySize());
            }
            try (Producer<byte[], byte[]> acks0 = engine.producer(ProducerOptions.defaults().withAcks(Acks.NONE)))
            {
                assertEquals(-1, acks0.send("small", null, new byte[1]).join().offset());
                acks0.flush();
            }
            assertEquals(0, engine.admin().describeTopic("small").partitions().get(0).highWatermark() -
                engine.admin().describeTopic("small").partitions().get(0).logStartOffset() -
                totalInPartition(engine, new TopicPartition("small", 0)), "only whole records stored");
            try (Consumer<byte[], byte[]> consumer = engine.consumer(ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
            {
                consumer.assign(List.of(new TopicPartition("small", 1)));
                final ConsumerRecord<byte[], byte[]> record = consumer.poll(Duration.ofSeconds(5)).asList().get(0);
                assertEquals(List.of(new Header("h", "x".getBytes()), new Header("n", null)), record.headers());
                assertArrayEquals("v".getBytes(), record.value());
                assertEquals(1234L, record.timestamp());
            }
            final Producer<byte[], byte[]> closed = engine.producer();
            closed.close();
            assertThrows(ClosedException.class, () -> closed.send("small", null, new byte[1]));
        }
    }

    private static int totalInPartition(final StreamlineEngine engine, final TopicPartition tp)
    {
        try (Consumer<byte[], byte[]> consumer = engine.consumer(ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
        {
            consumer.assign(List.of(tp));
            int total = 0;
            int n;
            while ((n = consumer.poll(Duration.ZERO).count()) > 0)
            {
                total += n;
            }
            return total;
        }
    }

    @Test
    void consumerSeeksPausesWakesAndBlocksUntilData() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("t", 1);
            final TopicPartition tp = new TopicPartition("t", 0);
            try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                ProducerOptions.defaults().withLinger(Duration.ZERO));
                 Consumer<String, String> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                     ConsumerOptions.defaults().withMaxPollRecords(7)))
            {
                for (int i = 0; i < 20; i++)
                {
                    producer.send(new ProducerRecord<>("t", null, null, "v" + i, null, 1000L + i * 10)).join();
                }
                consumer.assign(List.of(tp));
                assertEquals(20, consumer.position(tp), "latest by default");
                consumer.seekToBeginning(List.of(tp));
                final ConsumerRecords<String, String> first = consumer.poll(Duration.ZERO);
                assertEquals(7, first.count(), "max.poll.records");
                assertEquals("v0", first.asList().get(0).value());
                consumer.seek(tp, 15);
                assertEquals("v15", consumer.poll(Duration.ZERO).asList().get(0).value());
                consumer.seekToTimestamp(tp, 1055);
                assertEquals(6, consumer.position(tp));
                assertError(ErrorCode.OFFSET_OUT_OF_RANGE, () -> consumer.seek(tp, 21));
                assertError(ErrorCode.OFFSET_OUT_OF_RANGE, () -> consumer.seek(tp, -1));
                assertError(ErrorCode.INVALID_REQUEST, () -> consumer.seek(new TopicPartition("t", 9), 0));
                consumer.pause(List.of(tp));
                assertTrue(consumer.poll(Duration.ZERO).isEmpty());
                assertEquals(Set.of(tp), consumer.paused());
                consumer.resume(List.of(tp));
                consumer.seekToEnd(List.of(tp));

                // A blocked poll is woken by an append from another thread.
                final CountDownLatch polling = new CountDownLatch(1);
                final CompletableFuture<ConsumerRecords<String, String>> blocked = CompletableFuture.supplyAsync(() ->
                {
                    polling.countDown();
                    return consumer.poll(Duration.ofMinutes(5));
                });
                polling.await();
                producer.send("t", null, "late").join();
                assertEquals("late", blocked.get(2, TimeUnit.MINUTES).asList().get(0).value());

                // wakeup() from another thread ends a blocked poll.
                final CompletableFuture<Object> woken = CompletableFuture.supplyAsync(() -> consumer.poll(Duration.ofMinutes(5)));
                Thread.sleep(50);
                consumer.wakeup();
                final Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> woken.get(2, TimeUnit.MINUTES)).getCause();
                assertInstanceOf(WakeupException.class, cause);

                // Zero-allocation path.
                consumer.seekToBeginning(List.of(tp));
                final long[] sum = new long[1];
                final int n = consumer.poll(Duration.ZERO, (partition, record) -> sum[0] += record.offset());
                assertEquals(7, n);
                assertEquals(0 + 1 + 2 + 3 + 4 + 5 + 6, sum[0]);
            }
            try (Consumer<byte[], byte[]> strict = engine.consumer(ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.NONE)))
            {
                strict.assign(List.of(tp));
                assertThrows(NoOffsetForPartitionException.class, () -> strict.poll(Duration.ZERO));
                strict.seek(tp, 3);
                assertEquals(3, strict.poll(Duration.ZERO).asList().get(0).offset());
            }
        }
    }

    @Test
    void adminListsOffsetsDeletesRecordsAndAltersConfigs()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().topicDefault("retention.ms", "3600000").build())
        {
            final Admin admin = engine.admin();
            admin.createTopic("t", 1);
            try (Producer<byte[], byte[]> producer = engine.producer())
            {
                for (int i = 0; i < 10; i++)
                {
                    producer.send(new ProducerRecord<>("t", 0, null, new byte[]{(byte)i}, null, 100L * i));
                }
                producer.flush();
            }
            final TopicPartition tp = new TopicPartition("t", 0);
            assertEquals(new ListedOffset(0, -1), admin.listOffset(tp, OffsetSpec.earliest()));
            assertEquals(new ListedOffset(10, -1), admin.listOffset(tp, OffsetSpec.latest()));
            assertEquals(new ListedOffset(4, 400), admin.listOffset(tp, OffsetSpec.forTimestamp(350)));
            assertEquals(new ListedOffset(-1, -1), admin.listOffset(tp, OffsetSpec.forTimestamp(5000)));
            assertEquals(6, admin.deleteRecords(tp, 6));
            assertEquals(new ListedOffset(6, -1), admin.listOffset(tp, OffsetSpec.earliest()));
            assertEquals(ConfigEntry.Source.ENGINE_DEFAULT, admin.describeConfigs("t").get("retention.ms").source());
            admin.alterConfigs("t", Map.of("retention.ms", "1000"), List.of());
            assertEquals(new ConfigEntry("retention.ms", "1000", ConfigEntry.Source.TOPIC), admin.describeConfigs("t").get("retention.ms"));
            assertEquals(ConfigEntry.Source.DEFAULT, admin.describeConfigs("t").get("segment.ms").source());
            assertEquals(3, admin.createPartitions("t", 3).partitions().size());
            assertError(ErrorCode.INVALID_CONFIG, () -> admin.alterConfigs("t", Map.of("retention.ms", "x"), List.of()));
            assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> admin.describeTopic("nope"));
            admin.deleteTopic("t");
            assertEquals(Set.of(), admin.listTopics());
        }
        final StreamlineEngine closed = StreamlineEngine.builder().build();
        closed.close();
        assertThrows(ClosedException.class, closed::admin);
        assertThrows(ClosedException.class, closed::producer);
    }

    @Test
    void byteBufferSerdesRoundTrip()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().build();
             Producer<ByteBuffer, ByteBuffer> producer = engine.producer(Serdes.byteBufferSerializer(), Serdes.byteBufferSerializer());
             Consumer<ByteBuffer, ByteBuffer> consumer = engine.consumer(Serdes.byteBufferDeserializer(), Serdes.byteBufferDeserializer(),
                 ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
        {
            producer.send("bb", ByteBuffer.wrap(new byte[]{1, 2}), null).join();
            consumer.assign(List.of(new TopicPartition("bb", 0)));
            final ConsumerRecord<ByteBuffer, ByteBuffer> record = consumer.poll(Duration.ofSeconds(5)).asList().get(0);
            assertEquals(ByteBuffer.wrap(new byte[]{1, 2}), record.key());
            assertNull(record.value());
        }
    }

    @Test
    void keylessRecordsStickToOnePartitionPerBatchAndCallbacksRunOnTheSenderThread()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().build())
        {
            engine.admin().createTopic("sticky", 8);
            try (Producer<byte[], byte[]> producer = engine.producer(ProducerOptions.defaults()
                .withLinger(Duration.ofSeconds(30)).withBatchSize(100_000)))
            {
                final List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < 50; i++)
                {
                    futures.add(producer.send("sticky", null, new byte[10]));
                }
                final String caller = Thread.currentThread().getName();
                final CompletableFuture<String> callbackThread = futures.get(0).thenApply(md -> Thread.currentThread().getName());
                producer.flush();
                final Set<Integer> partitions = futures.stream().map(f -> f.join().partition()).collect(Collectors.toSet());
                assertEquals(1, partitions.size(), "one open batch, one partition: " + partitions);
                assertNotEquals(caller, callbackThread.join());
                assertTrue(callbackThread.join().startsWith("streamline-producer"), callbackThread.join());
            }
            try (Producer<byte[], byte[]> producer = engine.producer(ProducerOptions.defaults()
                .withLinger(Duration.ZERO).withBatchSize(200)))
            {
                final Set<Integer> partitions = new java.util.HashSet<>();
                for (int i = 0; i < 400; i++)
                {
                    partitions.add(producer.send("sticky", null, new byte[100]).join().partition());
                }
                assertTrue(partitions.size() > 1, "the sticky partition moves as batches close: " + partitions);
            }
        }
    }

    @Test
    void nativeProducersAreIdempotentWithIdsNeverReusedAfterRestart()
    {
        final Path dir = tmp.resolve("ids");
        final long firstId;
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            engine.admin().createTopic("t", 2);
            try (Producer<byte[], byte[]> producer = engine.producer(ProducerOptions.defaults().withBatchSize(200)))
            {
                firstId = producer.producerId();
                assertTrue(firstId >= 0);
                for (int i = 0; i < 100; i++)
                {
                    producer.send(new ProducerRecord<>("t", i % 2, null, new byte[50], null, null));
                }
                producer.flush();
            }
            final int[] state = engine.topicManager().require("t").partition(0).producerState(firstId);
            assertEquals(0, state[0], "epoch");
            assertEquals(49, state[1], "50 records sent to partition 0: sequences 0..49");
            try (Producer<byte[], byte[]> plain = engine.producer(ProducerOptions.defaults().withIdempotence(false)))
            {
                assertEquals(-1, plain.producerId());
            }
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build();
             Producer<byte[], byte[]> producer = engine.producer())
        {
            assertNotEquals(firstId, producer.producerId());
            assertTrue(producer.producerId() > firstId, "ids continue after the reserved block");
            assertEquals(50, producer.send(new ProducerRecord<>("t", 0, null, new byte[1], null, null)).join().offset());
            assertEquals(50, producer.send(new ProducerRecord<>("t", 1, null, new byte[1], null, null)).join().offset());
        }
    }

    @Test
    void askingForAKafkaListenerWithoutTheModuleNamesTheDependency()
    {
        final Set<Thread> before = streamlineThreads();
        final StreamlineException ex = assertThrows(StreamlineException.class,
            () -> StreamlineEngine.builder().inMemory().kafkaListener(0).build());
        assertTrue(ex.getMessage().contains("io.streamline:streamline-kafka"), ex.getMessage());
        final Set<Thread> left = new java.util.HashSet<>(streamlineThreads());
        left.removeAll(before);
        assertEquals(Set.of(), left, "the half-built engine was closed");
        assertThrows(StreamlineException.class, () ->
        {
            try (StreamlineEngine engine = StreamlineEngine.builder().build())
            {
                engine.kafkaBootstrapServers();
            }
        });
    }
}
