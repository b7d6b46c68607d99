package io.streamline.kafka;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Produce requests, over real TCP and well-formed as requests, whose record batch for one partition is
 * corrupted (bit flips, a wrong CRC, a wrong batch length, a wrong magic byte, a truncated batch, bytes
 * after the batch) next to a good batch for another partition. The corrupted partition gets Kafka's error
 * for that damage and nothing of it is appended (its log end offset does not move); the good partition is
 * appended. A flip in baseOffset or partitionLeaderEpoch, which the CRC leaves out because the broker
 * overwrites them, is accepted, by Kafka as here. After all tries a kafka-clients consumer reads the topic
 * and finds exactly the good records, in order. A healthy producer and consumer run meanwhile
 * ({@link ListenerUnderAttack}). Tries: {@link FuzzTries}.
 */
@AddLifecycleHook(FuzzTries.class)
class CorruptBatchPropertiesTest
{
    private static final String TOPIC = "fuzz-batches";
    private static final int PARTITIONS = 4;
    /** Batch header offsets (Kafka's v2 RecordBatch): baseOffset 0-7, batchLength 8-11, leader epoch 12-15. */
    private static final int LENGTH = 8;
    private static final int LEADER_EPOCH = 12;
    private static final int MAGIC = 16;
    private static final int CRC = 17;

    private static ListenerUnderAttack target;
    private static Uuid topicId;
    /** What each partition must hold, in order: the records of every batch that was accepted. */
    private static List<List<SimpleRecord>> expected;
    /** Tries that did not finish: the model above is then not what the partitions hold. */
    private static int unfinishedTries;

    /** A damage to a batch, and the error Kafka answers for it. */
    enum Kind
    {
        FLIP, CRC, LENGTH, MAGIC, TRUNCATE, TRAILING_BYTES
    }

    /**
     * @param kind   the damage.
     * @param values bit positions (FLIP), or the value to write / the size to keep / the bytes to add.
     */
    record Corruption(Kind kind, List<Integer> values)
    {
    }

    @BeforeContainer
    static void start() throws Exception
    {
        target = new ListenerUnderAttack();
        target.engine.admin().createTopic(TOPIC, PARTITIONS);
        topicId = Topics.toKafka(target.engine.topicManager().topic(TOPIC).id());
        expected = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++)
        {
            expected.add(new ArrayList<>());
        }
    }

    @AfterContainer
    static void stop() throws Exception
    {
        try
        {
            if (unfinishedTries == 0)
            {
                assertAConsumerReadsExactlyTheGoodRecords();
            }
        }
        finally
        {
            target.close();
        }
    }

    @AfterProperty
    void containedAndHealthy() throws Exception
    {
        target.assertContainedAndHealthy();
    }

    @Property
    void aCorruptBatchIsRejectedWholeAndTheGoodOneBesideItIsAppended(
        @ForAll("records") final List<SimpleRecord> bad, @ForAll("records") final List<SimpleRecord> good,
        @ForAll("codecs") final CompressionType badCodec, @ForAll("codecs") final CompressionType goodCodec,
        @ForAll("corruptions") final Corruption corruption,
        @ForAll @IntRange(min = 3, max = 13) final int versionInt,
        @ForAll @IntRange(min = 0, max = PARTITIONS - 1) final int badPartition,
        @ForAll @IntRange(min = 1, max = PARTITIONS - 1) final int offset) throws Exception
    {
        final short version = (short)versionInt;
        final int goodPartition = (badPartition + offset) % PARTITIONS;
        // Kafka refuses zstd below Produce v7 (UNSUPPORTED_COMPRESSION_TYPE): not what this property is about.
        final byte[] original = batch(version < 7 && badCodec == CompressionType.ZSTD ? CompressionType.LZ4 : badCodec,
            bad);
        final byte[] damaged = corrupt(original, corruption);
        final short expectedError = expectedError(original, corruption);
        Statistics.label("damage").collect(corruption.kind(), Errors.forCode(expectedError));

        unfinishedTries++;
        final long badEnd = logEnd(badPartition);
        final long goodEnd = logEnd(goodPartition);
        final ProduceRequestData.TopicProduceData data = new ProduceRequestData.TopicProduceData().setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(badPartition)
                .setRecords(MemoryRecords.readableRecords(ByteBuffer.wrap(damaged))),
            new ProduceRequestData.PartitionProduceData().setIndex(goodPartition)
                .setRecords(MemoryRecords.readableRecords(ByteBuffer.wrap(
                    batch(version < 7 && goodCodec == CompressionType.ZSTD ? CompressionType.GZIP : goodCodec, good))))));
        if (version >= 13)
        {
            data.setTopicId(topicId);
        }
        else
        {
            data.setName(TOPIC);
        }
        final ProduceRequestData request = new ProduceRequestData().setAcks((short)-1).setTimeoutMs(10_000)
            .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(data).iterator()));

        final ProduceResponseData response;
        try (HostileClient client = target.connect())
        {
            client.send(Frames.request(ApiKeys.PRODUCE, version, 11, request));
            response = ((ProduceResponse)ListenerUnderAttack.assertAnswer(new Frames.Expectation(Frames.Outcome.ANSWER,
                ApiKeys.PRODUCE, version, ApiKeys.PRODUCE.responseHeaderVersion(version), 11), client.readFrame())).data();
            ListenerUnderAttack.assertStillServes(client);
        }
        final ProduceResponseData.PartitionProduceResponse badResponse = partition(response, badPartition);
        final ProduceResponseData.PartitionProduceResponse goodResponse = partition(response, goodPartition);

        assertEquals(Errors.forCode(expectedError), Errors.forCode(badResponse.errorCode()),
            corruption + ": " + badResponse.errorMessage());
        if (expectedError == Errors.NONE.code())
        {
            assertEquals(badEnd, badResponse.baseOffset());
            assertEquals(badEnd + bad.size(), logEnd(badPartition));
            expected.get(badPartition).addAll(bad);
        }
        else
        {
            assertEquals(badEnd, logEnd(badPartition), "nothing of the corrupt batch is appended");
        }
        assertEquals(Errors.NONE, Errors.forCode(goodResponse.errorCode()), goodResponse.errorMessage());
        assertEquals(goodEnd, goodResponse.baseOffset());
        assertEquals(goodEnd + good.size(), logEnd(goodPartition), "the good batch is appended");
        expected.get(goodPartition).addAll(good);
        unfinishedTries--;
    }

    /**
     * Kafka's answer: a length or CRC that does not hold, a truncated batch or bytes after it are
     * CORRUPT_MESSAGE (Kafka answers a few of these INVALID_RECORD, as bytes after a batch may look
     * like a second batch it refuses); magic 0 or 1 is INVALID_RECORD ("only magic version 2" in
     * ProduceRequest.validateRecords), any other magic CORRUPT_MESSAGE (its batch iterator's
     * "Invalid magic found"); flips only in baseOffset or partitionLeaderEpoch are no damage at all.
     */
    private static short expectedError(final byte[] original, final Corruption corruption)
    {
        return switch (corruption.kind())
        {
            case FLIP -> flips(corruption.values(), original.length).stream().map(bit -> bit / 8)
                .allMatch(at -> at < LENGTH || (at >= LEADER_EPOCH && at < MAGIC)) ?
                Errors.NONE.code() : Errors.CORRUPT_MESSAGE.code();
            case MAGIC -> corruption.values().get(0) == 0 || corruption.values().get(0) == 1 ?
                Errors.INVALID_RECORD.code() : Errors.CORRUPT_MESSAGE.code();
            default -> Errors.CORRUPT_MESSAGE.code();
        };
    }

    private static byte[] corrupt(final byte[] original, final Corruption corruption)
    {
        final byte[] bytes = original.clone();
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        final int value = corruption.values().get(0);
        return switch (corruption.kind())
        {
            case FLIP ->
            {
                for (final int bit : flips(corruption.values(), bytes.length))
                {
                    bytes[bit / 8] ^= (byte)(1 << (bit & 7));
                }
                yield bytes;
            }
            case CRC -> buffer.putInt(CRC, buffer.getInt(CRC) ^ (value == 0 ? 1 : value)).array();
            case LENGTH -> buffer.putInt(LENGTH, value == buffer.getInt(LENGTH) ? value + 1 : value).array();
            case MAGIC -> buffer.put(MAGIC, (byte)value).array();
            case TRUNCATE -> Arrays.copyOf(bytes, Math.floorMod(value, bytes.length));
            case TRAILING_BYTES ->
            {
                final byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + Math.floorMod(value, 100));
                for (int i = bytes.length; i < longer.length; i++)
                {
                    longer[i] = (byte)(value * 31 + i);
                }
                yield longer;
            }
        };
    }

    /**
     * @return the bits (byte index * 8 + bit) that FLIP damages in a batch of {@code length} bytes: any
     * but those of the magic byte, which MAGIC damages; a bit flipped twice is not damaged.
     */
    private static Set<Integer> flips(final List<Integer> bits, final int length)
    {
        final Set<Integer> flipped = new HashSet<>();
        for (final int bit : bits)
        {
            final int at = bit / 8 % (length - 1);
            final int position = (at >= MAGIC ? at + 1 : at) * 8 + (bit & 7);
            if (!flipped.remove(position))
            {
                flipped.add(position);
            }
        }
        return flipped;
    }

    private static byte[] batch(final CompressionType codec, final List<SimpleRecord> records)
    {
        final MemoryRecords built = MemoryRecords.withRecords(Compression.of(codec).build(),
            records.toArray(new SimpleRecord[0]));
        final ByteBuffer buffer = built.buffer();
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static long logEnd(final int partition)
    {
        return target.engine.topicManager().topic(TOPIC).partition(partition).logEndOffset();
    }

    private static ProduceResponseData.PartitionProduceResponse partition(final ProduceResponseData response,
        final int index)
    {
        for (final ProduceResponseData.TopicProduceResponse topic : response.responses())
        {
            for (final ProduceResponseData.PartitionProduceResponse p : topic.partitionResponses())
            {
                if (p.index() == index)
                {
                    return p;
                }
            }
        }
        throw new AssertionError("no response for partition " + index + " in " + response);
    }

    /** A real consumer reads every partition from the start and finds exactly the accepted records. */
    private static void assertAConsumerReadsExactlyTheGoodRecords() throws InterruptedException
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.listener.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        final List<List<ConsumerRecord<byte[], byte[]>>> read = new ArrayList<>();
        final List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++)
        {
            partitions.add(new TopicPartition(TOPIC, p));
            read.add(new ArrayList<>());
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                 new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) &&
                System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)))
                {
                    read.get(record.partition()).add(record);
                }
            }
        }
        for (int p = 0; p < PARTITIONS; p++)
        {
            final List<SimpleRecord> want = expected.get(p);
            final List<ConsumerRecord<byte[], byte[]>> got = read.get(p);
            assertEquals(want.size(), got.size(), "records read from partition " + p);
            for (int i = 0; i < want.size(); i++)
            {
                final SimpleRecord w = want.get(i);
                final ConsumerRecord<byte[], byte[]> g = got.get(i);
                assertEquals(i, g.offset(), "partition " + p);
                assertArrayEquals(bytes(w.key()), g.key(), "key at " + p + "@" + i);
                assertArrayEquals(bytes(w.value()), g.value(), "value at " + p + "@" + i);
                assertEquals(w.timestamp(), g.timestamp(), "timestamp at " + p + "@" + i);
                assertEquals(Arrays.asList(w.headers()), Arrays.asList(g.headers().toArray()), "headers at " + p + "@" + i);
            }
        }
    }

    private static byte[] bytes(final ByteBuffer buffer)
    {
        if (buffer == null)
        {
            return null;
        }
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    // ---------------------------------------------------------------------------------------------------
    // Generators
    // ---------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<SimpleRecord>> records()
    {
        final Arbitrary<byte[]> key = Arbitraries.bytes().array(byte[].class).ofMaxSize(20).injectNull(0.2);
        final Arbitrary<byte[]> value = Arbitraries.bytes().array(byte[].class).ofMaxSize(300).injectNull(0.1);
        final Arbitrary<Header[]> headers = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(10).injectNull(0.2))
            .as((k, v) -> (Header)new RecordHeader(k, v)).list().ofMaxSize(2).map(l -> l.toArray(new Header[0]));
        return Combinators.combine(Arbitraries.longs().between(1_600_000_000_000L, 1_900_000_000_000L), key, value, headers)
            .as(SimpleRecord::new).list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<CompressionType> codecs()
    {
        return Arbitraries.of(CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4,
            CompressionType.ZSTD);
    }

    @Provide
    Arbitrary<Corruption> corruptions()
    {
        final Arbitrary<Integer> anyBit = Arbitraries.integers().between(0, 8 * 2000);
        final Arbitrary<Integer> interesting = Arbitraries.oneOf(Arbitraries.integers(),
            Arbitraries.of(0, 1, -1, 2, 3, 48, 49, 60, 61, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7f, 0x80, 0xff));
        return Arbitraries.frequencyOf(
            Tuple.of(4, anyBit.list().ofMinSize(1).ofMaxSize(3).map(bits -> new Corruption(Kind.FLIP, bits))),
            // Only in the fields the CRC leaves out: no damage.
            Tuple.of(1, Arbitraries.integers().between(0, 8 * 16 - 1).filter(bit -> bit / 8 < LENGTH || bit / 8 >= LEADER_EPOCH)
                .list().uniqueElements().ofMinSize(1).ofMaxSize(2).map(bits -> new Corruption(Kind.FLIP, bits))),
            Tuple.of(2, interesting.map(v -> new Corruption(Kind.CRC, List.of(v)))),
            Tuple.of(2, interesting.map(v -> new Corruption(Kind.LENGTH, List.of(v)))),
            Tuple.of(2, Arbitraries.integers().between(-128, 127).filter(m -> m != 2)
                .map(m -> new Corruption(Kind.MAGIC, List.of(m)))),
            Tuple.of(2, Arbitraries.integers().between(0, 100_000).map(v -> new Corruption(Kind.TRUNCATE, List.of(v)))),
            Tuple.of(2, interesting.map(v -> new Corruption(Kind.TRAILING_BYTES, List.of(v)))));
    }
}
