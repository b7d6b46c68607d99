package io.streamline.kafka;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Request frames for the hostile-input tests, and the oracle: what the listener must do with a frame,
 * decided by kafka-clients' own parser (the classes the listener uses) and the listener's documented
 * rules, never by running the listener's code.
 */
final class Frames
{
    /** What the listener must do with one complete frame. */
    enum Outcome
    {
        /** Answer with a response carrying the request's correlation id. */
        ANSWER,
        /** Send nothing and keep the connection (Produce with acks=0). */
        SILENT,
        /** Answer once data arrives or max_wait_ms (at most {@link #SHORT_WAIT_MS}) passes: a short long-poll. */
        WAIT_THEN_ANSWER,
        /** It may wait longer than a test should (a long-polling Fetch): nothing after it can be predicted. */
        MAY_WAIT,
        /** Close the connection without answering: the frame cannot be parsed. */
        CLOSE
    }

    /**
     * The expected handling of a frame.
     *
     * @param outcome               what the listener must do.
     * @param api                   the API of the response, for ANSWER.
     * @param responseVersion       the version the response is encoded in.
     * @param responseHeaderVersion the response header version.
     * @param correlationId         the correlation id the response carries.
     */
    record Expectation(Outcome outcome, ApiKeys api, short responseVersion, short responseHeaderVersion,
        int correlationId)
    {
        static final Expectation CLOSE = new Expectation(Outcome.CLOSE, null, (short)-1, (short)-1, -1);
        static final Expectation SILENT = new Expectation(Outcome.SILENT, null, (short)-1, (short)-1, -1);
        static final Expectation MAY_WAIT = new Expectation(Outcome.MAY_WAIT, null, (short)-1, (short)-1, -1);
    }

    /** How the listener's frame decoder splits a byte stream. */
    record Split(List<byte[]> frames, boolean badLength)
    {
    }

    /** The longest Fetch wait a test waits for. */
    static final int SHORT_WAIT_MS = 1000;

    private Frames()
    {
    }

    /** @return a whole frame, length prefix included, of a request encoded with kafka-clients. */
    static byte[] request(final ApiKeys api, final short version, final int correlationId, final ApiMessage body)
    {
        final RequestHeader header = new RequestHeader(api, version, "fuzz", correlationId);
        return withPrefix(concat(header(header.data(), header.headerVersion()), encode(body, version)));
    }

    /** @return the request header of {@code api} at {@code version}, encoded, without a body. */
    static byte[] header(final ApiKeys api, final short version, final int correlationId)
    {
        final RequestHeader header = new RequestHeader(api, version, "fuzz", correlationId);
        return header(header.data(), header.headerVersion());
    }

    private static byte[] header(final RequestHeaderData data, final short headerVersion)
    {
        return encode(data, headerVersion);
    }

    /** @return {@code message} encoded at {@code version}. */
    static byte[] encode(final org.apache.kafka.common.protocol.Message message, final short version)
    {
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final ByteBuffer buffer = ByteBuffer.allocate(message.size(cache, version));
        message.write(new ByteBufferAccessor(buffer), cache, version);
        return buffer.array();
    }

    /** @return {@code body} preceded by its length. */
    static byte[] withPrefix(final byte[] body)
    {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Split a byte stream as the listener's frame decoder does: 4-byte length, then that many bytes; a
     * length outside 1..maxFrameBytes ends the stream (the connection is closed), an incomplete frame
     * at the end is never handled.
     */
    static Split split(final byte[] stream, final int maxFrameBytes)
    {
        final List<byte[]> frames = new ArrayList<>();
        int at = 0;
        while (stream.length - at >= 4)
        {
            final int length = ByteBuffer.wrap(stream, at, 4).getInt();
            if (length <= 0 || length > maxFrameBytes)
            {
                return new Split(frames, true);
            }
            if (stream.length - at - 4 < length)
            {
                break;
            }
            final byte[] frame = new byte[length];
            System.arraycopy(stream, at + 4, frame, 0, length);
            frames.add(frame);
            at += 4 + length;
        }
        return new Split(frames, false);
    }

    /**
     * What the listener must do with a frame (without its length prefix): a frame kafka-clients can parse
     * is answered (an API or version Streamline does not implement gets that API's error response), except
     * a Produce with acks=0, which gets nothing, and a Fetch that may wait first; an ApiVersions request of a
     * version Streamline does not implement is answered in v0; anything else closes the connection.
     */
    static Expectation expect(final byte[] frame)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(frame);
        if (buffer.remaining() < 8)
        {
            return Expectation.CLOSE;
        }
        final short apiKey = buffer.getShort(0);
        final short version = buffer.getShort(2);
        final int correlationId = buffer.getInt(4);
        if (apiKey == ApiKeys.API_VERSIONS.id && !SupportedApis.isSupported(ApiKeys.API_VERSIONS, version))
        {
            return new Expectation(Outcome.ANSWER, ApiKeys.API_VERSIONS, (short)0, (short)0, correlationId);
        }
        if (!ApiKeys.hasId(apiKey))
        {
            return Expectation.CLOSE;
        }
        final ApiKeys api = ApiKeys.forId(apiKey);
        final AbstractRequest request;
        try
        {
            RequestHeader.parse(buffer);
            request = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(buffer.slice())).request;
        }
        catch (final RuntimeException ex)
        {
            return Expectation.CLOSE;
        }
        final boolean supported = SupportedApis.isSupported(api, version);
        if (supported && request instanceof ProduceRequest produce && produce.acks() == 0)
        {
            return Expectation.SILENT;
        }
        final short headerVersion = api == ApiKeys.API_VERSIONS ? 0 : api.responseHeaderVersion(version);
        if (supported && request instanceof FetchRequest fetch && fetch.data().sessionId() == 0 &&
            fetch.maxWait() > 0 && fetch.minBytes() > 0)
        {
            return fetch.maxWait() > SHORT_WAIT_MS ? Expectation.MAY_WAIT :
                new Expectation(Outcome.WAIT_THEN_ANSWER, api, version, headerVersion, correlationId);
        }
        return new Expectation(Outcome.ANSWER, api, version, headerVersion, correlationId);
    }
}
