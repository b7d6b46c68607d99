package io.streamline.kafka;

import io.streamline.embedded.spi.KafkaListenerProvider;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.FsyncPolicy;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server that speaks the Kafka wire protocol in front of a {@link StreamlineEngine}: one broker,
 * node id 0, leader of every partition, advertising the address it is bound to.
 * <p>
 * Threading: one Netty NIO acceptor thread and a small pool of I/O threads; every request of a
 * connection is handled on that connection's I/O thread, one at a time and in order. When appends wait
 * for the disk (fsync=always), Produce appends run on a pool of {@value #BLOCKING_APPEND_THREADS}
 * threads instead, so an I/O thread never waits for a force. A connection stops being read while more
 * than {@value #MAX_PENDING_RESPONSE_BYTES} bytes of its responses wait for the client. A request whose
 * frame is larger than {@link #DEFAULT_MAX_FRAME_BYTES} (Kafka's {@code socket.request.max.bytes})
 * closes its connection before anything is allocated for it; so does input that cannot be parsed.
 * Other connections are never affected.
 */
public final class KafkaListener implements KafkaListenerProvider.Listener
{
    /** Largest request frame accepted by default, as Kafka's {@code socket.request.max.bytes}: 100 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

    /** Bytes of a connection's responses the client has not taken yet beyond which it is not read. */
    static final int MAX_PENDING_RESPONSE_BYTES = 4 * 1024 * 1024;

    static final int BLOCKING_APPEND_THREADS = 8;

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ExecutorService blockingAppends;
    private final Channel serverChannel;
    private final ChannelGroup connections = new DefaultChannelGroup("streamline-kafka-connections", GlobalEventExecutor.INSTANCE);
    private final String host;
    private final int port;
    /**
     * True while {@link #closeConnections} runs: a connection accepted meanwhile (the acceptor may be past the
     * point where pausing it takes effect) is closed before it is served. Read after the connection joins
     * {@link #connections}, written before that group is closed, so each such connection is closed by one side.
     */
    private volatile boolean paused;

    private KafkaListener(final StreamlineEngine engine, final String host, final int port, final int maxFrameBytes,
        final ByteBufAllocator allocator)
    {
        bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(
            Math.min(4, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
        blockingAppends = engine.fsync().kind() == FsyncPolicy.Kind.ALWAYS ? blockingAppendPool() : null;
        try
        {
            final InetSocketAddress requested = new InetSocketAddress(host, port);
            final KafkaApis[] apis = new KafkaApis[1];
            final ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false) // accepts once the request handlers exist (below)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true) // ConnectionHandler closes once all is answered
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                    new WriteBufferWaterMark(MAX_PENDING_RESPONSE_BYTES / 2, MAX_PENDING_RESPONSE_BYTES))
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        connections.add(ch);
                        if (paused)
                        {
                            ch.close(); // accepted just as closeConnections began: never served
                            return;
                        }
                        ch.pipeline()
                            .addLast("frames", new FrameDecoder(maxFrameBytes))
                            .addLast("requests", new ConnectionHandler(apis[0]));
                    }
                });
            serverChannel = bootstrap.bind(requested).syncUninterruptibly().channel();
            final InetSocketAddress bound = (InetSocketAddress)serverChannel.localAddress();
            this.host = bound.getAddress().getHostAddress();
            this.port = bound.getPort();
            apis[0] = new KafkaApis(engine, this.host, this.port, blockingAppends);
            serverChannel.config().setAutoRead(true);
        }
        catch (final RuntimeException ex)
        {
            shutdown();
            throw ex;
        }
    }

    /**
     * Start a listener bound to 127.0.0.1 on a free port.
     *
     * @param engine the engine to serve.
     * @return the running listener.
     */
    public static KafkaListener start(final StreamlineEngine engine)
    {
        return start(engine, "127.0.0.1", 0);
    }

    /**
     * Start a listener.
     *
     * @param engine the engine to serve.
     * @param host   the address to bind to, advertised in Metadata.
     * @param port   the port, or 0 for a free one (see {@link #port()}).
     * @return the running listener.
     */
    public static KafkaListener start(final StreamlineEngine engine, final String host, final int port)
    {
        return start(engine, host, port, DEFAULT_MAX_FRAME_BYTES);
    }

    /**
     * Start a listener with a frame size limit.
     *
     * @param engine        the engine to serve.
     * @param host          the address to bind to, advertised in Metadata.
     * @param port          the port, or 0 for a free one (see {@link #port()}).
     * @param maxFrameBytes the largest request frame accepted; a larger length prefix closes the connection.
     * @return the running listener.
     */
    public static KafkaListener start(final StreamlineEngine engine, final String host, final int port,
        final int maxFrameBytes)
    {
        return start(engine, host, port, maxFrameBytes, ByteBufAllocator.DEFAULT);
    }

    /** As {@link #start(StreamlineEngine, String, int, int)}, with the allocator of every connection's buffers. */
    static KafkaListener start(final StreamlineEngine engine, final String host, final int port,
        final int maxFrameBytes, final ByteBufAllocator allocator)
    {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(allocator, "allocator");
        if (maxFrameBytes <= 0)
        {
            throw new IllegalArgumentException("maxFrameBytes=" + maxFrameBytes + " must be positive");
        }
        return new KafkaListener(engine, host, port, maxFrameBytes, allocator);
    }

    /** @return the address the listener is bound to, as advertised in Metadata. */
    public String host()
    {
        return host;
    }

    /** @return the port the listener is bound to. */
    public int port()
    {
        return port;
    }

    /** @return {@code host:port}, as a client's {@code bootstrap.servers}. */
    public String bootstrapServers()
    {
        return host + ":" + port;
    }

    /**
     * Stop accepting, close every connection and wait until each is closed (a request being handled on a
     * connection's I/O thread finishes first; a waiting Fetch is cancelled), run {@code action}, close any
     * connection accepted meanwhile, and accept again on the same port. Clients see their connections
     * drop and reconnect; connection attempts made while {@code action} runs wait in the accept backlog.
     *
     * @param action runs on the calling thread while no connection is open.
     */
    @Override
    public void closeConnections(final Runnable action)
    {
        paused = true;
        serverChannel.config().setAutoRead(false);
        try
        {
            connections.close().syncUninterruptibly();
            action.run();
            connections.close().syncUninterruptibly();
        }
        finally
        {
            paused = false;
            serverChannel.config().setAutoRead(true);
        }
    }

    /** @return how many connections are open now. */
    int connectionCount()
    {
        return connections.size();
    }

    /** Stop accepting, close every connection and stop the I/O threads. */
    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        shutdown();
    }

    private void shutdown()
    {
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (blockingAppends != null)
        {
            blockingAppends.shutdown();
        }
    }

    private static ExecutorService blockingAppendPool()
    {
        final AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(BLOCKING_APPEND_THREADS, task ->
        {
            final Thread thread = new Thread(task, "streamline-kafka-append-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String toString()
    {
        return "KafkaListener{" + bootstrapServers() + "}";
    }
}
