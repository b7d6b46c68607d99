package io.streamline.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import org.apache.kafka.common.protocol.ApiMessage;

import java.nio.ByteBuffer;

/**
 * One request of a connection, answered once. Handlers answer through {@link #respond}; one that answers
 * later (a waiting Fetch) registers an {@link #onCancel} action run if the connection closes first.
 * Not thread-safe: used on the connection's I/O thread only (see {@link #executor()}).
 */
final class Request
{
    private final ConnectionHandler connection;
    private final ByteBuf frame;
    private final int correlationId;
    private boolean done;
    private Runnable onCancel;
    private Runnable onHurry;

    Request(final ConnectionHandler connection, final ByteBuf frame, final ByteBuffer bytes)
    {
        this.connection = connection;
        this.frame = frame;
        // Every request header version starts api_key int16, api_version int16, correlation_id int32.
        this.correlationId = bytes.remaining() >= 8 ? bytes.getInt(bytes.position() + 4) : -1;
    }

    /**
     * Keep the request's bytes (and everything parsed from them, such as Produce records) valid after the
     * handler returns, for a handler that goes on on another thread. Release the result when done.
     */
    ByteBuf retainFrame()
    {
        return frame.retain();
    }

    int correlationId()
    {
        return correlationId;
    }

    boolean isDone()
    {
        return done;
    }

    EventExecutor executor()
    {
        return connection.context().executor();
    }

    /** @return the client's address as Kafka shows it ({@code /127.0.0.1}), or "" if unknown. */
    String clientHost()
    {
        final java.net.SocketAddress address = connection.context().channel().remoteAddress();
        return address instanceof java.net.InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress().toString() : "";
    }

    /**
     * Answer the request.
     *
     * @param body          the response body, or null to send nothing (Produce with acks=0).
     * @param version       the version to encode the body with.
     * @param headerVersion the response header version.
     */
    void respond(final ApiMessage body, final short version, final short headerVersion)
    {
        respond(body, version, headerVersion, 0, null);
    }

    /**
     * Answer the request with a body whose records are sent without copying.
     *
     * @param body          the response body, or null to send nothing (Produce with acks=0).
     * @param version       the version to encode the body with.
     * @param headerVersion the response header version.
     * @param recordBytes   the total size of the records fields in {@code body}.
     * @param afterWrite    run on the I/O thread once the records' bytes are no longer needed (written,
     *                      or the connection gone); null if there is nothing to release.
     */
    void respond(final ApiMessage body, final short version, final short headerVersion, final int recordBytes,
        final Runnable afterWrite)
    {
        if (done)
        {
            if (afterWrite != null)
            {
                afterWrite.run();
            }
            return;
        }
        done = true;
        onCancel = null;
        onHurry = null;
        connection.completed(this, body, version, headerVersion, recordBytes, afterWrite);
    }

    /** Close the connection: the request cannot be answered. */
    void fail(final Throwable cause)
    {
        if (!done)
        {
            done = true;
            onCancel = null;
            connection.fail(cause);
        }
    }

    void onCancel(final Runnable action)
    {
        onCancel = action;
    }

    /** @param action run when a later request arrives while this one waits: answer now with what there is. */
    void onHurry(final Runnable action)
    {
        onHurry = action;
    }

    /** @return true while the request waits and would answer at once if {@link #hurry hurried} (a waiting Fetch). */
    boolean canHurry()
    {
        return !done && onHurry != null;
    }

    /** A later request of the connection waits behind this one (responses go in request order). */
    void hurry()
    {
        final Runnable action = onHurry;
        onHurry = null;
        if (!done && action != null)
        {
            action.run();
        }
    }

    void cancel()
    {
        done = true;
        onHurry = null;
        final Runnable action = onCancel;
        onCancel = null;
        if (action != null)
        {
            action.run();
        }
    }
}
