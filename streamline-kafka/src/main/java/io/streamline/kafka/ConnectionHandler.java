package io.streamline.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One connection's requests, handled on its I/O thread one at a time: Kafka clients rely on responses
 * coming back in request order. While a request waits (a long-polling Fetch) the connection stops
 * reading and frames already decoded are queued; they are handled, in order, once it is answered.
 * Any failure while handling a request is logged once and closes this connection only. A frame with an
 * impossible length behind a waiting request closes the connection once the requests before it are
 * answered, in order, as Kafka does (it reads no further frame until the previous one is answered).
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final KafkaApis apis;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Request inFlight;
    private Throwable failWhenAnswered;
    private boolean closing;

    ConnectionHandler(final KafkaApis apis)
    {
        this.apis = apis;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        if (failWhenAnswered != null || closing)
        {
            frame.release(); // Bytes after a bad frame are no requests.
            return;
        }
        if (inFlight != null)
        {
            queued.add(frame);
            return;
        }
        handle(frame);
    }

    private void handle(final ByteBuf frame)
    {
        try
        {
            final ByteBuffer buffer = frame.nioBuffer();
            final Request request = new Request(this, buffer);
            inFlight = request;
            apis.handle(request, buffer);
            if (!request.isDone())
            {
                ctx.channel().config().setAutoRead(false);
            }
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
        }
        finally
        {
            frame.release();
        }
    }

    /** Called on the I/O thread when {@code request} is answered (or needs no answer). */
    void completed(final Request request, final ApiMessage body, final short version, final short headerVersion)
    {
        if (request != inFlight)
        {
            return;
        }
        inFlight = null;
        if (body != null && ctx.channel().isActive())
        {
            ctx.writeAndFlush(encode(request.correlationId(), body, version, headerVersion));
        }
        while (inFlight == null && !queued.isEmpty() && ctx.channel().isActive())
        {
            handle(queued.poll());
        }
        if (inFlight == null && failWhenAnswered != null)
        {
            fail(failWhenAnswered);
            return;
        }
        if (inFlight == null && ctx.channel().isActive() && !ctx.channel().config().isAutoRead())
        {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * Called on the I/O thread: close this connection after a request it cannot answer. Nothing more is
     * read or handled; answers already written are flushed first, so earlier requests keep their answers.
     */
    void fail(final Throwable cause)
    {
        if (closing)
        {
            return;
        }
        closing = true;
        if (ctx.channel().isActive())
        {
            LOG.warn("Closing Kafka connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
            if (LOG.isDebugEnabled())
            {
                LOG.debug("Cause", cause);
            }
        }
        inFlight = null;
        releaseQueued();
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    ChannelHandlerContext context()
    {
        return ctx;
    }

    static ByteBuf encode(final int correlationId, final ApiMessage body, final short version, final short headerVersion)
    {
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        final int headerSize = header.size(cache, headerVersion);
        final int bodySize = body.size(cache, version);
        final ByteBuffer out = ByteBuffer.allocate(4 + headerSize + bodySize);
        out.putInt(headerSize + bodySize);
        final ByteBufferAccessor accessor = new ByteBufferAccessor(out);
        header.write(accessor, cache, headerVersion);
        body.write(accessor, cache, version);
        out.flip();
        return Unpooled.wrappedBuffer(out);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof DecoderException && inFlight != null)
        {
            if (failWhenAnswered == null)
            {
                failWhenAnswered = cause;
            }
            return;
        }
        fail(cause);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        final Request request = inFlight;
        inFlight = null;
        if (request != null)
        {
            request.cancel();
        }
        releaseQueued();
        ctx.fireChannelInactive();
    }

    private void releaseQueued()
    {
        ByteBuf frame;
        while ((frame = queued.poll()) != null)
        {
            frame.release();
        }
    }
}
