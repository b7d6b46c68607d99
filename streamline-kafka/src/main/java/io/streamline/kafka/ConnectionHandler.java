package io.streamline.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One connection's requests, handled on its I/O thread one at a time: Kafka clients rely on responses
 * coming back in request order. Once a request arrives while another is in flight (a long-polling Fetch),
 * and while the responses not yet taken by the client exceed the channel's write-buffer high-water mark,
 * the connection stops reading; frames already decoded are queued and handled, in order, once it can go on. So a client that
 * sends requests but does not read the answers holds at most that bound of responses in memory.
 * Any failure while handling a request is logged once and closes this connection only. A frame with an
 * impossible length behind requests not yet answered closes the connection once they are answered, in
 * order, as Kafka does (it reads no further frame until the previous one is answered).
 * <p>
 * A Fetch waiting for data when another request arrives answers at once with what there is, instead
 * of holding that request back until its {@code max_wait_ms}: a fetch may always return early, and a client
 * that sends, say, the Fetch that closes its fetch session (kafka-clients' consumer on close) or a heartbeat on
 * the same connection (librdkafka) means to be answered. Clients keep one Fetch in flight per connection, so
 * this never turns into a loop of empty fetches; one that pipelined fetches would only get smaller answers.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final KafkaApis apis;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Request inFlight;
    private boolean handling;
    private Throwable failWhenAnswered;
    private boolean closing;
    private boolean inputShutdown;

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
        if (inFlight != null || !queued.isEmpty() || !ctx.channel().isWritable())
        {
            queued.add(frame);
            ctx.channel().config().setAutoRead(false);
            if (inFlight != null)
            {
                inFlight.hurry(); // A waiting Fetch answers now rather than hold this request back until max_wait_ms.
            }
            return;
        }
        handle(frame);
        drain();
    }

    /**
     * The client shut down its output (half-close): answer what it sent, in order, then close. (Netty is told to
     * allow half-closure so that requests still in flight keep their answers, as with Kafka, which reads no
     * further while a request is in flight.)
     */
    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof ChannelInputShutdownEvent)
        {
            inputShutdown = true;
            if (inFlight != null)
            {
                inFlight.hurry();
            }
            drain();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        drain();
        ctx.fireChannelWritabilityChanged();
    }

    private void handle(final ByteBuf frame)
    {
        handling = true;
        try
        {
            final ByteBuffer buffer = frame.nioBuffer();
            final Request request = new Request(this, frame, buffer);
            inFlight = request;
            apis.handle(request, buffer);
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
        }
        finally
        {
            handling = false;
            frame.release();
        }
    }

    /**
     * Called on the I/O thread when {@code request} is answered (or needs no answer). {@code afterWrite},
     * if any, runs once the frame is written or cannot be.
     */
    void completed(final Request request, final ApiMessage body, final short version, final short headerVersion,
        final int recordBytes, final Runnable afterWrite)
    {
        if (request != inFlight || body == null || !ctx.channel().isActive())
        {
            if (afterWrite != null)
            {
                afterWrite.run();
            }
        }
        else
        {
            final ByteBuf frame;
            try
            {
                frame = ResponseEncoder.encode(request.correlationId(), body, version, headerVersion, recordBytes);
            }
            catch (final RuntimeException ex)
            {
                if (afterWrite != null)
                {
                    afterWrite.run();
                }
                throw ex;
            }
            final ChannelFuture written = ctx.writeAndFlush(frame);
            if (afterWrite != null)
            {
                written.addListener(f -> afterWrite.run());
            }
        }
        if (request == inFlight)
        {
            inFlight = null;
            if (!handling)
            {
                drain(); // Answered later (a Fetch that waited): go on with the queue from here.
            }
        }
    }

    /**
     * Handle queued frames while nothing is in flight and the client keeps up, then read again if it
     * may, or close if a bad frame came after them. A loop, not recursion: requests answered while being
     * handled return here.
     */
    private void drain()
    {
        final Channel channel = ctx.channel();
        while (inFlight == null && !queued.isEmpty() && !closing && channel.isActive() && channel.isWritable())
        {
            handle(queued.poll());
        }
        if (closing)
        {
            return;
        }
        if (inFlight == null && queued.isEmpty() && failWhenAnswered != null)
        {
            fail(failWhenAnswered);
            return;
        }
        if (inputShutdown && inFlight == null && queued.isEmpty())
        {
            closing = true; // The client half-closed and everything it sent is answered.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // While a Fetch waits the connection still reads, so that a next request (or the client's half-close) can
        // hurry it; the first frame queued stops reading again (channelRead).
        final boolean canRead = (inFlight == null || inFlight.canHurry()) && queued.isEmpty() && channel.isWritable() &&
            failWhenAnswered == null && !inputShutdown;
        if (channel.isActive() && canRead != channel.config().isAutoRead())
        {
            channel.config().setAutoRead(canRead);
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
        final Request request = inFlight;
        inFlight = null;
        if (request != null)
        {
            request.cancel(); // A waiting Fetch stops waiting.
        }
        releaseQueued();
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    ChannelHandlerContext context()
    {
        return ctx;
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof DecoderException && (inFlight != null || !queued.isEmpty()))
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
