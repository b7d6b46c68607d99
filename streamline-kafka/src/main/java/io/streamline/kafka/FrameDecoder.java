package io.streamline.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;

import java.util.List;

/**
 * Splits the byte stream into Kafka request frames: a 4-byte big-endian length, then that many bytes.
 * The length is checked against the limit as soon as its 4 bytes arrive, before any byte of the frame is
 * waited for or allocated; a negative, zero or too large length fails the connection.
 * Emits retained slices of the cumulation buffer: no copy.
 */
final class FrameDecoder extends ByteToMessageDecoder
{
    private final int maxFrameBytes;

    FrameDecoder(final int maxFrameBytes)
    {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        while (in.readableBytes() >= 4)
        {
            final int length = in.getInt(in.readerIndex());
            if (length <= 0 || length > maxFrameBytes)
            {
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("request frame length=" + length + " is outside 1.." + maxFrameBytes);
            }
            if (in.readableBytes() < 4 + length)
            {
                return;
            }
            in.skipBytes(4);
            out.add(in.readRetainedSlice(length));
        }
    }
}
