package io.streamline.kafka;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * A raw connection to the listener that sends whatever bytes it is given. Every read is bounded by the
 * socket timeout, so a server that neither answers nor closes fails the test instead of hanging it.
 */
final class HostileClient implements AutoCloseable
{
    /** How long a read waits for the server before the test fails. */
    static final int READ_TIMEOUT_MS = 60_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private boolean reset;

    HostileClient(final int port) throws IOException
    {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** @return this side's port, which the server logs as the remote address. */
    int localPort()
    {
        return socket.getLocalPort();
    }

    /**
     * Send bytes. A server that already closed the connection may make this fail; that is not an error.
     *
     * @return false if the connection was already closed by the server.
     */
    boolean send(final byte[] bytes)
    {
        try
        {
            out.write(bytes);
            out.flush();
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** Tell the server no more bytes come (a TCP half-close): it then has to finish or close. */
    void shutdownOutput() throws IOException
    {
        if (!socket.isOutputShutdown())
        {
            socket.shutdownOutput();
        }
    }

    /**
     * @return the next response frame without its length prefix, or null if the server closed the connection
     * (with a FIN, or with a reset: see {@link #wasReset()}).
     * @throws java.net.SocketTimeoutException if the server neither answers nor closes in time.
     */
    ByteBuffer readFrame() throws IOException
    {
        try
        {
            final int size = in.readInt();
            if (size < 0)
            {
                throw new IOException("the server sent a frame of length=" + size);
            }
            final byte[] frame = new byte[size];
            in.readFully(frame);
            return ByteBuffer.wrap(frame);
        }
        catch (final EOFException ex)
        {
            return null;
        }
        catch (final SocketException ex)
        {
            if (isReset(ex))
            {
                reset = true;
                return null;
            }
            throw ex;
        }
    }

    /**
     * @return true if the server's close arrived as a TCP reset: it closed with bytes of ours still unread,
     * and the reset may have destroyed answers it had sent before.
     */
    boolean wasReset()
    {
        return reset;
    }

    private static boolean isReset(final SocketException ex)
    {
        final String message = String.valueOf(ex.getMessage());
        return message.contains("reset") || message.contains("closed") || message.contains("abort");
    }

    /** Send {@code bytes} in {@code pieces} writes of random sizes (at least one byte each), flushing each. */
    boolean send(final byte[] bytes, final int pieces, final java.util.Random random)
    {
        final int n = Math.max(1, Math.min(pieces, bytes.length));
        final int[] cuts = random.ints(n - 1, 1, Math.max(2, bytes.length)).sorted().toArray();
        int from = 0;
        for (final int cut : cuts)
        {
            if (cut > from && !send(java.util.Arrays.copyOfRange(bytes, from, cut)))
            {
                return false;
            }
            from = Math.max(from, cut);
        }
        return send(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
    }

    /** Drop the connection with a TCP reset, as a crashed client does. */
    void reset() throws IOException
    {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
