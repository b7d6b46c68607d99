package io.streamline.kafka;

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
    private final int correlationId;
    private boolean done;
    private Runnable onCancel;

    Request(final ConnectionHandler connection, final ByteBuffer frame)
    {
        this.connection = connection;
        // Every request header version starts api_key int16, api_version int16, correlation_id int32.
        this.correlationId = frame.remaining() >= 8 ? frame.getInt(frame.position() + 4) : -1;
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

    /**
     * Answer the request.
     *
     * @param body          the response body, or null to send nothing (Produce with acks=0).
     * @param version       the version to encode the body with.
     * @param headerVersion the response header version.
     */
    void respond(final ApiMessage body, final short version, final short headerVersion)
    {
        if (done)
        {
            return;
        }
        done = true;
        onCancel = null;
        connection.completed(this, body, version, headerVersion);
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

    void cancel()
    {
        done = true;
        final Runnable action = onCancel;
        onCancel = null;
        if (action != null)
        {
            action.run();
        }
    }
}
