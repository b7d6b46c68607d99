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
 * Emits retained slices of the cumulation buffer: no copy. Bytes of frames already handled are dropped
 * before the buffer would grow, so it never holds more than one partial frame and one socket read,
 * however fast a client pipelines (Netty's default cumulator keeps them for up to 16 reads).
 */
final class FrameDecoder extends ByteToMessageDecoder
{
    private final int maxFrameBytes;

    FrameDecoder(final int maxFrameBytes)
    {
        this.maxFrameBytes = maxFrameBytes;
        setCumulator((alloc, cumulation, in) ->
        {
            if (cumulation.readerIndex() > 0 && cumulation.refCnt() == 1 && in.readableBytes() > cumulation.writableBytes())
            {
                cumulation.discardReadBytes();
            }
            return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
        });
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
