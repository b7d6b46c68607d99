package io.streamline.kafka;

import io.netty.util.ResourceLeakDetector;
import io.streamline.embedded.StreamlineEngine;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ResponseHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An in-memory engine and a Kafka listener with a 64 KiB frame limit and an allocator that records the
 * largest buffer, a healthy kafka-clients producer and consumer running against it ({@link HealthyTraffic}),
 * the log captured ({@link StderrCapture}), and the checks the hostile-input properties share.
 * Netty's leak detector runs at PARANOID level meanwhile, so a frame a hostile path forgets to release
 * is reported (when the GC collects it) and fails the check.
 */
final class ListenerUnderAttack implements AutoCloseable
{
    /** The frame limit of the listener under test. */
    static final int MAX_FRAME = 64 * 1024;
    /**
     * The largest buffer a connection may allocate: one whole frame and its length, plus what one socket
     * read brings beyond it (Netty reads at most 64 KiB at a time), rounded up to Netty's next buffer size
     * (a power of two). A lying length prefix must never push an allocation past this.
     */
    static final int ALLOCATION_BOUND = 256 * 1024;

    private static final String HEALTHY_TOPIC = "healthy";
    private static final String[] ESCAPE_SIGNS = {"reached at the tail of the pipeline", "A task raised an exception",
        "Exception in thread", "LEAK:", "ERROR io.netty", "ERROR io.streamline"};

    final StreamlineEngine engine;
    final KafkaListener listener;
    private final ResourceLeakDetector.Level leakLevel;
    private final StderrCapture stderr;
    private final RecordingAllocator allocator;
    private final HealthyTraffic healthy;

    ListenerUnderAttack() throws Exception
    {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        stderr = StderrCapture.install();
        engine = StreamlineEngine.builder().inMemory().build();
        engine.admin().createTopic(HEALTHY_TOPIC, 3);
        allocator = new RecordingAllocator();
        listener = KafkaListener.start(engine, "127.0.0.1", 0, MAX_FRAME, allocator);
        healthy = new HealthyTraffic(listener.bootstrapServers(), HEALTHY_TOPIC, 3);
        healthy.awaitAcknowledgedAfter(0);
        // The log capture must see the listener's warnings, or "logged once" proves nothing.
        try (HostileClient client = connect())
        {
            final int mark = mark();
            client.send(new byte[] {0, 0, 0, 0});
            assertClosedAndLoggedOnce(client, mark);
        }
    }

    HostileClient connect() throws IOException
    {
        return new HostileClient(listener.port());
    }

    /** @return a mark in the captured log, for {@link #loggedFor}. */
    int mark()
    {
        return stderr.mark();
    }

    /** @return the listener's log lines about this client's connection since {@code mark}. */
    List<String> loggedFor(final HostileClient client, final int mark)
    {
        return stderr.linesSince(mark, "/127.0.0.1:" + client.localPort() + ": ");
    }

    /**
     * After each property: nothing escaped the listener's handling, no buffer above the bound was allocated,
     * and the healthy producer still gets its sends acknowledged.
     */
    void assertContainedAndHealthy() throws InterruptedException
    {
        assertNothingEscaped();
        assertTrue(allocator.largest() <= ALLOCATION_BOUND,
            "largest buffer=" + allocator.largest() + ", bound=" + ALLOCATION_BOUND);
        healthy.awaitAcknowledgedAfter(healthy.acknowledgedCount());
    }

    /** @return the largest buffer any connection allocated so far. */
    int largestAllocation()
    {
        return allocator.largest();
    }

    /** Nothing reached Netty's own error handling, no thread died of an uncaught exception, nothing leaked. */
    void assertNothingEscaped()
    {
        final List<String> escaped = new ArrayList<>();
        for (final String line : stderr.lines())
        {
            for (final String sign : ESCAPE_SIGNS)
            {
                if (line.contains(sign))
                {
                    escaped.add(line);
                }
            }
        }
        assertEquals(List.of(), escaped, "errors that escaped the listener's handling");
    }

    /**
     * Send one complete frame and check what {@link Frames#expect} predicts; when it is answered (or needs
     * no answer), the same connection must still answer an ApiVersions request after it.
     */
    void checkOneFrame(final byte[] frame) throws IOException
    {
        final Frames.Expectation expected = Frames.expect(Arrays.copyOfRange(frame, 4, frame.length));
        Statistics.label("outcome").collect(expected.outcome());
        final int mark = mark();
        try (HostileClient client = connect())
        {
            client.send(frame);
            switch (expected.outcome())
            {
                case ANSWER, WAIT_THEN_ANSWER ->
                {
                    assertAnswer(expected, client.readFrame());
                    assertStillServes(client);
                }
                case SILENT -> assertStillServes(client);
                case MAY_WAIT ->
                {
                    // A Fetch that may wait longer than a test should: not predictable, and not harmful.
                }
                case CLOSE -> assertClosedAndLoggedOnce(client, mark);
            }
            if (expected.outcome() != Frames.Outcome.CLOSE)
            {
                assertEquals(List.of(), loggedFor(client, mark), "an answered request logs nothing");
            }
        }
    }

    /** The connection answers an ApiVersions request. */
    static void assertStillServes(final HostileClient client) throws IOException
    {
        final int correlationId = 0x5eed;
        assertTrue(client.send(Frames.request(ApiKeys.API_VERSIONS, (short)3, correlationId,
            new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1"))),
            "the connection is still open");
        assertAnswer(new Frames.Expectation(Frames.Outcome.ANSWER, ApiKeys.API_VERSIONS, (short)3, (short)0,
            correlationId), client.readFrame());
    }

    /** The response carries the right correlation id and decodes, to its last byte, as the API's response. */
    static AbstractResponse assertAnswer(final Frames.Expectation expected, final ByteBuffer response)
    {
        assertNotNull(response, "the server closed the connection instead of answering " + expected);
        final ResponseHeader header = ResponseHeader.parse(response, expected.responseHeaderVersion());
        assertEquals(expected.correlationId(), header.correlationId(), "correlation id");
        final AbstractResponse parsed = AbstractResponse.parseResponse(expected.api(), new ByteBufferAccessor(response),
            expected.responseVersion());
        assertNotNull(parsed);
        assertEquals(0, response.remaining(), "bytes left after the " + expected.api() + " response");
        return parsed;
    }

    /** The server closed this connection and logged why exactly once, and the cause is no JVM Error. */
    void assertClosedAndLoggedOnce(final HostileClient client, final int mark) throws IOException
    {
        assertNull(client.readFrame(), "the server closes the connection without answering");
        final List<String> logged = loggedFor(client, mark);
        assertEquals(1, logged.size(), "logged once: " + logged);
        assertFalse(logged.get(0).matches(".*\\b\\w+Error\\b.*"), "the cause is an Error: " + logged.get(0));
    }

    /**
     * Stop: the healthy client's every send succeeded without a retry or a dropped connection and was read
     * back intact, and nothing escaped; then close everything.
     */
    @Override
    public void close() throws Exception
    {
        try
        {
            healthy.stopAndVerify();
            assertNothingEscaped();
        }
        finally
        {
            healthy.close();
            listener.close();
            engine.close();
            stderr.close();
            ResourceLeakDetector.setLevel(leakLevel);
        }
    }
}
