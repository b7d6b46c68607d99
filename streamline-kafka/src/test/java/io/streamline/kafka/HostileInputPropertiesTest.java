package io.streamline.kafka;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
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
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.streamline.kafka.ListenerUnderAttack.MAX_FRAME;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The Kafka listener, over real TCP, fed hostile input while a healthy kafka-clients producer and consumer
 * run against it (see {@link ListenerUnderAttack}). Each try uses a fresh connection and checks what comes
 * back against {@link Frames#expect}, which asks kafka-clients' own parser: what it can parse is answered,
 * in order, with a well-formed response carrying the request's correlation id; anything else closes that
 * connection, logged exactly once; nothing else happens. After every property nothing escaped to Netty
 * (an exception at the tail of the pipeline, a failed event-loop task, an uncaught exception, a leaked
 * buffer), no buffer above {@link ListenerUnderAttack#ALLOCATION_BOUND} was allocated, and the healthy
 * producer still gets acknowledgements; after all of them each of its sends had succeeded, with no retry
 * and no dropped connection, and was read back intact.
 * <p>
 * Corrupted record batches: {@link CorruptBatchPropertiesTest}. Tries per property: {@link FuzzTries}.
 */
@AddLifecycleHook(FuzzTries.class)
class HostileInputPropertiesTest
{
    private static final String TOPIC = "fuzz-mutate";
    private static final int PARTITIONS = 2;

    private static ListenerUnderAttack target;
    private static RequestCorpus corpus;
    private static Uuid topicId;

    @BeforeContainer
    static void start() throws Exception
    {
        target = new ListenerUnderAttack();
        target.engine.admin().createTopic(TOPIC, PARTITIONS);
        topicId = Topics.toKafka(target.engine.topicManager().topic(TOPIC).id());
        corpus = new RequestCorpus(TOPIC, topicId);
    }

    @AfterContainer
    static void stop() throws Exception
    {
        target.close();
    }

    @AfterProperty
    void containedAndHealthy() throws Exception
    {
        target.assertContainedAndHealthy();
    }

    // ---------------------------------------------------------------------------------------------------
    // Properties
    // ---------------------------------------------------------------------------------------------------

    /**
     * Any byte stream made of valid frames, mutated frames, frames with lying lengths and plain garbage,
     * sent at once or dribbled in pieces, with or without a half-close after it: every frame the decoder
     * finds is answered in order (or closes the connection, or gets nothing for acks=0).
     */
    @Property
    void anyByteStreamIsAnsweredInOrderOrClosed(@ForAll("streams") final List<byte[]> chunks,
        @ForAll @IntRange(min = 1, max = 32) final int pieces, @ForAll final boolean halfClose,
        @ForAll final long seed) throws Exception
    {
        checkStream(Frames.concat(chunks.toArray(new byte[0][])), pieces, halfClose, new Random(seed));
    }

    /**
     * A length prefix that is negative, zero or over the limit closes the connection as soon as its four
     * bytes arrive, without waiting for the body and without allocating for it.
     */
    @Property
    void anImpossibleLengthClosesAtOnce(@ForAll("impossibleLengths") final int length,
        @ForAll("supportedSeeds") final RequestCorpus.Seed seed) throws Exception
    {
        final byte[] body = seed.unprefixed(1);
        final int mark = target.mark();
        try (HostileClient client = target.connect())
        {
            client.send(ByteBuffer.allocate(4 + body.length).putInt(length).put(body).array());
            target.assertClosedAndLoggedOnce(client, mark);
        }
    }

    /**
     * A length prefix that lies but is within the limit: shorter than the request, the rest is read as the
     * next frame; longer, the request is never handled and the connection ends at the half-close without
     * an answer.
     */
    @Property
    void aLyingLengthWithinTheLimitIsJustAnotherStream(@ForAll("supportedSeeds") final RequestCorpus.Seed seed,
        @ForAll("lengthLies") final int lie, @ForAll final long random) throws Exception
    {
        final byte[] body = seed.unprefixed(1);
        final int length = Math.max(1, Math.min(MAX_FRAME, body.length + lie));
        checkStream(ByteBuffer.allocate(4 + body.length).putInt(length).put(body).array(), 1, true, new Random(random));
    }

    /**
     * Frames around the limit, pipelined and dribbled: one of exactly the limit is handled, one byte more
     * closes the connection, and no buffer grows past the bound (checked after the property).
     */
    @Property
    void framesAroundTheLimit(@ForAll("bigFrames") final List<byte[]> frames,
        @ForAll @IntRange(min = 1, max = 16) final int pieces, @ForAll final long seed) throws Exception
    {
        checkStream(Frames.concat(frames.toArray(new byte[0][])), pieces, true, new Random(seed));
    }

    /** An API key kafka-clients does not know closes the connection, whatever follows. */
    @Property
    void unknownApiKeysClose(@ForAll("unknownApiKeys") final short apiKey, @ForAll final short version,
        @ForAll final int correlationId, @ForAll("garbage") final byte[] rest) throws Exception
    {
        target.checkOneFrame(Frames.withPrefix(Frames.concat(
            ByteBuffer.allocate(8).putShort(apiKey).putShort(version).putInt(correlationId).array(), rest)));
    }

    /**
     * A known API with a version Streamline or kafka-clients does not implement: answered with that API's
     * UNSUPPORTED_VERSION response when kafka-clients can parse it (ApiVersions: in v0), closed otherwise.
     */
    @Property
    void wrongVersionsAreAnsweredOrClosed(@ForAll("wrongVersions") final byte[] frame) throws Exception
    {
        target.checkOneFrame(frame);
    }

    /** A valid request header of an implemented API and version, then random bytes. */
    @Property
    void validHeaderThenGarbage(@ForAll("supportedSeeds") final RequestCorpus.Seed seed,
        @ForAll final int correlationId, @ForAll("garbage") final byte[] body) throws Exception
    {
        target.checkOneFrame(Frames.withPrefix(Frames.concat(Frames.header(seed.api(), seed.version(), correlationId),
            body)));
    }

    /** A valid request with a few bytes of its header or body damaged, its length prefix kept true. */
    @Property
    void mutatedRequests(@ForAll("mutatedFrames") final byte[] frame) throws Exception
    {
        target.checkOneFrame(frame);
    }

    /**
     * Requests pipelined behind a Fetch that waits for data are queued, then handled in order once it
     * answers; garbage among them closes the connection at its turn, releasing what is still queued.
     */
    @Property
    void requestsQueuedBehindAWaitingFetchAreHandledInOrder(@ForAll @IntRange(min = 1, max = 50) final int waitMs,
        @ForAll("streams") final List<byte[]> behind, @ForAll final long seed) throws Exception
    {
        final int partition = 1;
        final long logEnd = target.engine.topicManager().topic(TOPIC).partition(partition).logEndOffset();
        final FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(waitMs).setMinBytes(1).setMaxBytes(1 << 20)
            .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(partition).setFetchOffset(logEnd)
                    .setPartitionMaxBytes(1 << 20)))));
        final List<byte[]> stream = new ArrayList<>();
        stream.add(Frames.request(ApiKeys.FETCH, (short)12, 77, fetch));
        stream.addAll(behind);
        checkStream(Frames.concat(stream.toArray(new byte[0][])), 1, false, new Random(seed));
    }

    /**
     * A client that drops the connection with a TCP reset at any point, even mid-frame or while its Fetch
     * waits: the listener cleans up that connection and nothing else notices (checked after the property).
     */
    @Property
    void abruptDisconnectsAnywhere(@ForAll("streams") final List<byte[]> chunks,
        @ForAll @IntRange(min = 0, max = 100) final int percentSent) throws Exception
    {
        final byte[] stream = Frames.concat(chunks.toArray(new byte[0][]));
        try (HostileClient client = target.connect())
        {
            client.send(Arrays.copyOf(stream, stream.length * percentSent / 100));
            client.reset();
        }
    }

    /**
     * Five thousand requests of varying sizes pipelined in one write, so frames straddle every socket read:
     * all are answered in order while the buffers stay within the bound (checked after the property).
     */
    @Example
    void thousandsOfPipelinedRequestsAreAnsweredInOrder() throws Exception
    {
        final int count = 5_000;
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            frames.add(Frames.request(ApiKeys.API_VERSIONS, (short)3, i, new ApiVersionsRequestData()
                .setClientSoftwareName("fuzz" + "-".repeat(i % 97)).setClientSoftwareVersion("1")));
        }
        try (HostileClient client = target.connect())
        {
            final List<Throwable> readerFailure = new ArrayList<>();
            final Thread reader = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < count; i++)
                    {
                        ListenerUnderAttack.assertAnswer(new Frames.Expectation(Frames.Outcome.ANSWER, ApiKeys.API_VERSIONS,
                            (short)3, (short)0, i), client.readFrame());
                    }
                }
                catch (final IOException | AssertionError ex)
                {
                    readerFailure.add(ex);
                }
            });
            reader.start();
            assertTrue(client.send(Frames.concat(frames.toArray(new byte[0][]))));
            reader.join(60_000);
            assertFalse(reader.isAlive(), "the reader is still waiting for answers");
            assertEquals(List.of(), readerFailure);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The stream oracle
    // ---------------------------------------------------------------------------------------------------

    /**
     * Send a byte stream and check every frame the listener's decoder finds in it, in order, against
     * {@link Frames#expect}, up to the first that closes the connection or cannot be predicted.
     */
    private static void checkStream(final byte[] stream, final int pieces, final boolean halfClose,
        final Random random) throws IOException
    {
        final Frames.Split split = Frames.split(stream, MAX_FRAME);
        final int mark = target.mark();
        try (HostileClient client = target.connect())
        {
            client.send(stream, pieces, random);
            if (halfClose)
            {
                client.shutdownOutput();
            }
            final List<Frames.Expectation> expectations = split.frames().stream().map(Frames::expect).toList();
            // A close with bytes of ours unread goes out as a TCP reset, which may destroy answers already sent.
            final boolean mayReset = split.badLength() ||
                expectations.stream().anyMatch(e -> e.outcome() == Frames.Outcome.CLOSE);
            for (final Frames.Expectation expected : expectations)
            {
                Statistics.label("outcome").collect(expected.outcome());
                switch (expected.outcome())
                {
                    case ANSWER ->
                    {
                        if (!answered(client, expected, mayReset, mark))
                        {
                            return;
                        }
                    }
                    case SILENT ->
                    {
                    }
                    case WAIT_THEN_ANSWER ->
                    {
                        if (halfClose)
                        {
                            return; // The half-close may cancel the wait: what follows cannot be predicted.
                        }
                        if (!answered(client, expected, mayReset, mark))
                        {
                            return;
                        }
                    }
                    case MAY_WAIT ->
                    {
                        return;
                    }
                    case CLOSE ->
                    {
                        target.assertClosedAndLoggedOnce(client, mark);
                        return;
                    }
                }
            }
            final int consumed = split.frames().stream().mapToInt(f -> 4 + f.length).sum();
            if (split.badLength())
            {
                target.assertClosedAndLoggedOnce(client, mark);
            }
            else if (halfClose)
            {
                assertNull(client.readFrame(), "nothing after the last complete frame, then the close");
                assertEquals(List.of(), target.loggedFor(client, mark), "a half-close is no error");
            }
            else if (consumed == stream.length)
            {
                ListenerUnderAttack.assertStillServes(client);
            }
        }
    }

    /**
     * Read and check the answer to a request.
     *
     * @return false if it was lost to a reset that a later bad frame explains (the close is then checked).
     */
    private static boolean answered(final HostileClient client, final Frames.Expectation expected,
        final boolean mayReset, final int mark) throws IOException
    {
        final ByteBuffer answer = client.readFrame();
        if (answer == null && mayReset && client.wasReset())
        {
            assertEquals(1, target.loggedFor(client, mark).size(), "the close is logged once");
            return false;
        }
        ListenerUnderAttack.assertAnswer(expected, answer);
        return true;
    }

    // ---------------------------------------------------------------------------------------------------
    // Generators
    // ---------------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<RequestCorpus.Seed> supportedSeeds()
    {
        return corpus.supported();
    }

    @Provide
    Arbitrary<byte[]> garbage()
    {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    }

    @Provide
    Arbitrary<Integer> impossibleLengths()
    {
        return Arbitraries.oneOf(
            Arbitraries.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, MAX_FRAME + 1, KafkaListener.DEFAULT_MAX_FRAME_BYTES),
            Arbitraries.integers().lessOrEqual(0),
            Arbitraries.integers().greaterOrEqual(MAX_FRAME + 1));
    }

    @Provide
    Arbitrary<Integer> lengthLies()
    {
        return Arbitraries.oneOf(Arbitraries.integers().between(-64, 64),
            Arbitraries.integers().between(-MAX_FRAME, MAX_FRAME));
    }

    @Provide
    Arbitrary<Short> unknownApiKeys()
    {
        return Arbitraries.shorts().filter(key -> !ApiKeys.hasId(key));
    }

    @Provide
    Arbitrary<byte[]> wrongVersions()
    {
        final Arbitrary<byte[]> parseable = Combinators.combine(corpus.unsupported(), Arbitraries.integers())
            .as((seed, correlationId) -> seed.frame(correlationId));
        final Arbitrary<byte[]> outOfRange = Combinators.combine(Arbitraries.of(ApiKeys.values()),
                Arbitraries.shorts(), Arbitraries.integers(), Arbitraries.oneOf(Arbitraries.just(new byte[0]), garbage()),
                supportedSeeds())
            .as((api, version, correlationId, body, bodySeed) ->
            {
                final short wrong = SupportedApis.isSupported(api, version) ? (short)(api.latestVersion() + 1) : version;
                final byte[] header = ByteBuffer.allocate(8).putShort(api.id).putShort(wrong).putInt(correlationId).array();
                // A body kafka-clients wrote for some other request, or random bytes.
                final byte[] tail = body.length > 0 ? body : bodySeed.unprefixed(correlationId);
                return Frames.withPrefix(Frames.concat(header, tail));
            });
        return Arbitraries.oneOf(parseable, outOfRange);
    }

    @Provide
    Arbitrary<byte[]> mutatedFrames()
    {
        return Combinators.combine(Arbitraries.oneOf(corpus.supported(), corpus.unsupported()), Arbitraries.integers(),
                Mutation.lists())
            .as((seed, correlationId, mutations) -> Frames.withPrefix(Mutation.apply(seed.unprefixed(correlationId),
                mutations)));
    }

    @Provide
    Arbitrary<List<byte[]>> streams()
    {
        final Arbitrary<byte[]> valid = Combinators.combine(corpus.supported(), Arbitraries.integers())
            .as((seed, correlationId) -> seed.frame(correlationId));
        final Arbitrary<byte[]> lying = Combinators.combine(corpus.supported(), lengthLies())
            .as((seed, lie) ->
            {
                final byte[] body = seed.unprefixed(1);
                return ByteBuffer.allocate(4 + body.length).putInt(body.length + lie).put(body).array();
            });
        return Arbitraries.frequencyOf(
                Tuple.of(3, valid),
                Tuple.of(3, mutatedFrames()),
                Tuple.of(2, lying),
                Tuple.of(1, garbage().map(Frames::withPrefix)),
                Tuple.of(1, garbage()))
            .list().ofMinSize(1).ofMaxSize(6);
    }

    /**
     * Metadata requests padded with trailing bytes (which kafka-clients' parser ignores, as the listener
     * does) to a frame of exactly the limit, a little over it, or anything below it.
     */
    @Provide
    Arbitrary<List<byte[]>> bigFrames()
    {
        final Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.of(MAX_FRAME, MAX_FRAME + 1, MAX_FRAME - 1),
            Arbitraries.integers().between(MAX_FRAME - 4096, MAX_FRAME + 16), Arbitraries.integers().between(64, MAX_FRAME));
        return Combinators.combine(lengths, Arbitraries.integers(), Arbitraries.shorts().between((short)1, (short)13))
            .as((length, correlationId, version) ->
            {
                final MetadataRequestData metadata = new MetadataRequestData().setTopics(List.of(
                    new MetadataRequestData.MetadataRequestTopic().setName(TOPIC)));
                if (version >= 4)
                {
                    metadata.setAllowAutoTopicCreation(false);
                }
                final byte[] request = Frames.concat(Frames.header(ApiKeys.METADATA, version, correlationId),
                    Frames.encode(metadata, version));
                return ByteBuffer.allocate(4 + Math.max(length, request.length)).putInt(length).put(request).array();
            })
            .list().ofMinSize(1).ofMaxSize(3);
    }
}
