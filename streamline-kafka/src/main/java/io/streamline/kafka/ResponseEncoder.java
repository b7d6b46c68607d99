package io.streamline.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a response frame (length prefix, header, body) without copying the record batches it carries:
 * the fields go into one heap buffer, and each records field becomes its own component of the frame,
 * a view of the stored bytes (for a Fetch, straight into the mapped segment). The caller keeps those
 * bytes valid until the frame has been written.
 * <p>
 * Frame layout, as components of one composite buffer:
 * <pre>
 *   [length, header, fields ...][records of partition A][fields ...][records of partition B][fields ...]
 *    \______ heap _____________/ \____ stored bytes ___/ \_ heap _/ \____ stored bytes ___/ \_ heap _/
 * </pre>
 */
final class ResponseEncoder
{
    private ResponseEncoder()
    {
    }

    /**
     * @param recordBytes the total size of the records fields in {@code body} (0 if it has none): they
     *                    are not copied, so the heap part of the frame is that much smaller.
     * @return the whole frame; its record components are views, valid as long as their source is.
     */
    static ByteBuf encode(final int correlationId, final ApiMessage body, final short version, final short headerVersion,
        final int recordBytes)
    {
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        final int headerSize = header.size(cache, headerVersion);
        final int bodySize = body.size(cache, version);
        final SplittingWriter writer = new SplittingWriter(4 + headerSize + bodySize - recordBytes);
        writer.writeInt(headerSize + bodySize);
        header.write(writer, cache, headerVersion);
        body.write(writer, cache, version);
        return writer.frame();
    }

    /**
     * Writes fields into one heap buffer sized for the frame minus its records (kafka-clients' own
     * accessor does that), and remembers where each records field goes. A caller that overstates the
     * records' size gets a BufferOverflowException.
     */
    private static final class SplittingWriter extends ByteBufferAccessor
    {
        private final ByteBuffer fields;
        private final List<ByteBuffer> parts = new ArrayList<>(4);
        private int cut;

        SplittingWriter(final int fieldBytes)
        {
            this(ByteBuffer.allocate(fieldBytes));
        }

        private SplittingWriter(final ByteBuffer fields)
        {
            super(fields);
            this.fields = fields;
        }

        @Override
        public void writeRecords(final BaseRecords records)
        {
            if (!(records instanceof MemoryRecords memory))
            {
                throw new IllegalArgumentException("cannot encode records of " + records.getClass().getName());
            }
            final ByteBuffer bytes = memory.buffer();
            if (!bytes.hasRemaining())
            {
                return;
            }
            parts.add(fields.duplicate().position(cut).limit(fields.position()));
            parts.add(bytes.duplicate());
            cut = fields.position();
        }

        ByteBuf frame()
        {
            if (parts.isEmpty())
            {
                return Unpooled.wrappedBuffer(fields.flip());
            }
            if (fields.position() > cut)
            {
                parts.add(fields.duplicate().position(cut).limit(fields.position()));
            }
            return Unpooled.wrappedBuffer(parts.size(), parts.toArray(new ByteBuffer[0]));
        }
    }
}
