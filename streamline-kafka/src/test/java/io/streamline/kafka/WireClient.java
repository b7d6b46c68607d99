package io.streamline.kafka;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;

/** A blocking raw-socket Kafka client for tests: one request at a time, any version. */
final class WireClient implements AutoCloseable
{
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int correlationId;

    WireClient(final int port) throws IOException
    {
        socket = new Socket("127.0.0.1", port);
        // A hang detector, not a timing check: loaded CI machines answer 100,000-topic requests slowly.
        socket.setSoTimeout(60_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    void sendRaw(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    /** Half-close: the server reads end of stream after what was sent. */
    void shutdownOutput() throws IOException
    {
        socket.shutdownOutput();
    }

    /** @return the response frame without its length, or null if the server closed the connection. */
    ByteBuffer readFrame() throws IOException
    {
        final int size;
        try
        {
            size = in.readInt();
        }
        catch (final java.io.EOFException | java.net.SocketException ex)
        {
            return null;
        }
        final byte[] frame = new byte[size];
        in.readFully(frame);
        return ByteBuffer.wrap(frame);
    }

    void send(final ApiKeys api, final short version, final ApiMessage body) throws IOException
    {
        final RequestHeader header = new RequestHeader(api, version, "wire-test", ++correlationId);
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final short headerVersion = header.headerVersion();
        final int size = header.data().size(cache, headerVersion) + body.size(cache, version);
        final ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        buffer.putInt(size);
        final ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        header.data().write(accessor, cache, headerVersion);
        body.write(accessor, cache, version);
        sendRaw(buffer.array());
    }

    /** Send a request and read its response, checking the correlation id. */
    @SuppressWarnings("unchecked")
    <T extends ApiMessage> T call(final ApiKeys api, final short version, final ApiMessage body) throws IOException
    {
        send(api, version, body);
        return (T)readResponse(api, version, api == ApiKeys.API_VERSIONS ? 0 : api.responseHeaderVersion(version));
    }

    ApiMessage readResponse(final ApiKeys api, final short version, final short headerVersion) throws IOException
    {
        final ByteBuffer frame = readFrame();
        if (frame == null)
        {
            throw new IOException("connection closed by the server");
        }
        final ResponseHeader header = ResponseHeader.parse(frame, headerVersion);
        if (header.correlationId() != correlationId)
        {
            throw new IOException("correlation id " + header.correlationId() + ", expected " + correlationId);
        }
        final ApiMessage response = api.messageType.newResponse();
        response.read(new ByteBufferAccessor(frame), version);
        return response;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
