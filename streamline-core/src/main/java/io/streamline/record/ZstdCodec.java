package io.streamline.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import com.github.luben.zstd.BufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

/**
 * Zstandard through zstd-jni's streaming API, as Kafka uses it: {@code ZstdOutputStreamNoFinalizer}
 * writes one streaming frame (no content size, no checksum) at the given level, flushed then ended as
 * Kafka's buffered stream does, so the bytes are Kafka's; and
 * {@code ZstdInputStreamNoFinalizer} reads one or more frames. The streams' I/O buffers come from a
 * pool of one buffer kept by this codec; the native stream contexts are made per batch.
 */
final class ZstdCodec extends CompressionCodec
{
    /** Kafka's default zstd level. */
    static final int DEFAULT_LEVEL = 3;

    private static final String NAME = "zstd";

    private final int level;
    private final SingleBufferPool pool = new SingleBufferPool();
    private final BufferOutput output = new BufferOutput();
    private final BufferInput input = new BufferInput();

    ZstdCodec(final int level)
    {
        this.level = level;
    }

    @Override
    int compress(
        final ByteBuffer src, final int srcIndex, final int length, final ByteBuffer dst, final int dstIndex,
        final int dstCapacity)
    {
        output.reset(dst, dstIndex, dstIndex + dstCapacity);
        try
        {
            final ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(output, pool, level);
            try
            {
                if (length > 0)
                {
                    zstd.write(src.array(), srcIndex, length);
                }
                // Kafka's stream is closed through a BufferedOutputStream, which flushes (ending the block)
                // before the frame is ended; doing the same gives the same bytes.
                zstd.flush();
            }
            finally
            {
                zstd.close();
            }
        }
        catch (final Overflow ex)
        {
            throw overflow(NAME, length, dstCapacity);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("zstd compression failed", ex);
        }
        finally
        {
            output.reset(null, 0, 0);
        }
        return output.written;
    }

    @Override
    int decompress(final ByteBuffer src, final int srcIndex, final int length, final GrowableBuffer out)
    {
        if (length == 0)
        {
            throw corrupt(NAME, "empty input");
        }
        input.reset(src, srcIndex, srcIndex + length);
        int outPosition = 0;
        try (ZstdInputStreamNoFinalizer zstd = new ZstdInputStreamNoFinalizer(input, pool))
        {
            while (true)
            {
                if (outPosition == out.capacity())
                {
                    out.ensureCapacity(outPosition + 1L, outPosition);
                }
                final int n = zstd.read(out.array(), outPosition, out.capacity() - outPosition);
                if (n < 0)
                {
                    break;
                }
                outPosition += n;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            if (ex instanceof InvalidBatchException)
            {
                throw (InvalidBatchException)ex;
            }
            throw corrupt(NAME, "bad frame in " + length + " bytes", ex);
        }
        finally
        {
            input.reset(null, 0, 0);
        }
        return outPosition;
    }

    /** Thrown by {@link BufferOutput} when the compressed bytes do not fit. */
    private static final class Overflow extends IOException
    {
        private static final long serialVersionUID = 1L;

        Overflow()
        {
            super("no room in the target buffer");
        }
    }

    /** An output stream over a region of a buffer, written with absolute puts. */
    private static final class BufferOutput extends OutputStream
    {
        private ByteBuffer buffer;
        private int start;
        private int position;
        private int limit;
        int written;

        void reset(final ByteBuffer buffer, final int start, final int limit)
        {
            this.buffer = buffer;
            this.start = start;
            this.position = start;
            this.limit = limit;
            if (buffer != null)
            {
                written = 0;
            }
        }

        @Override
        public void write(final int b) throws IOException
        {
            if (position >= limit)
            {
                throw new Overflow();
            }
            buffer.put(position++, (byte)b);
            written = position - start;
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            if (len > limit - position)
            {
                throw new Overflow();
            }
            buffer.put(position, b, off, len);
            position += len;
            written = position - start;
        }
    }

    /** An input stream over a region of a buffer, read with absolute gets. */
    private static final class BufferInput extends InputStream
    {
        private ByteBuffer buffer;
        private int position;
        private int limit;

        void reset(final ByteBuffer buffer, final int position, final int limit)
        {
            this.buffer = buffer;
            this.position = position;
            this.limit = limit;
        }

        @Override
        public int read()
        {
            return position < limit ? buffer.get(position++) & 0xFF : -1;
        }

        @Override
        public int read(final byte[] b, final int off, final int len)
        {
            if (len == 0)
            {
                return 0;
            }
            final int n = Math.min(len, limit - position);
            if (n <= 0)
            {
                return -1;
            }
            buffer.get(position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available()
        {
            return limit - position;
        }
    }

    /** Keeps one buffer for zstd-jni's stream I/O instead of allocating one per batch. */
    private static final class SingleBufferPool implements BufferPool
    {
        private ByteBuffer cached;

        @Override
        public ByteBuffer get(final int capacity)
        {
            final ByteBuffer buffer = cached;
            if (buffer != null && buffer.capacity() >= capacity)
            {
                cached = null;
                buffer.clear();
                return buffer;
            }
            return ByteBuffer.allocate(capacity);
        }

        @Override
        public void release(final ByteBuffer buffer)
        {
            if (cached == null || buffer.capacity() > cached.capacity())
            {
                cached = buffer;
            }
        }
    }
}
