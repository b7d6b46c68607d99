package io.streamline.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.NetUtil;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads and initializes what a listener's start and its first requests need (Netty's event loop, channel
 * and allocator classes; the Kafka message classes of the APIs a client's first minute uses), on a thread
 * of its own while the engine opens. A fresh JVM spends most of a listener's first second loading classes:
 * done beside the engine's own start, on another core, it leaves the critical path. Once per JVM; nothing it
 * creates outlives it; any failure only means less was warmed.
 */
final class WarmUp
{
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    /** Whether this JVM has warmed already: what is loaded stays loaded, so once is enough. */
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private WarmUp()
    {
    }

    /** Start warming on a daemon thread, the first time only; returns at once. */
    static void start()
    {
        if (!STARTED.compareAndSet(false, true))
        {
            return;
        }
        final Thread thread = new Thread(WarmUp::run, "streamline-kafka-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private static void run()
    {
        try
        {
            netty();
            protocol();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            LOG.debug("warming the Kafka listener's classes stopped early", ex);
        }
    }

    private static void netty()
    {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try
        {
            final NioServerSocketChannel server = new NioServerSocketChannel();
            server.pipeline().addLast(new ChannelInboundHandlerAdapter());
            group.register(server).syncUninterruptibly();
            server.close().syncUninterruptibly();
            final NioSocketChannel client = new NioSocketChannel();
            client.pipeline().addLast(new FrameDecoder(1024));
            group.register(client).syncUninterruptibly();
            client.close().syncUninterruptibly();
        }
        finally
        {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
        ByteBufAllocator.DEFAULT.buffer(64).release();
        ByteBufAllocator.DEFAULT.directBuffer(64).release();
        if (NetUtil.LOCALHOST == null)
        {
            throw new IllegalStateException("no loopback address");
        }
    }

    private static void protocol()
    {
        // What producers, consumers in groups, transactions and admin clients send first. (Not a static field:
        // initializing this class must not load the protocol classes on the caller's thread.)
        final List<ApiKeys> firstApis = List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID,
            ApiKeys.PRODUCE, ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT,
            ApiKeys.OFFSET_FETCH, ApiKeys.OFFSET_COMMIT, ApiKeys.LIST_OFFSETS, ApiKeys.FETCH, ApiKeys.LEAVE_GROUP,
            ApiKeys.ADD_PARTITIONS_TO_TXN, ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.END_TXN,
            ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.DESCRIBE_CLUSTER, ApiKeys.CONSUMER_GROUP_HEARTBEAT);
        for (final ApiKeys api : firstApis)
        {
            if (SupportedApis.versions().containsKey(api))
            {
                api.messageType.newRequest();
                api.messageType.newResponse();
            }
        }
        roundTrip(ApiKeys.API_VERSIONS, (short)4, new ApiVersionsRequestData().setClientSoftwareName("warm-up").setClientSoftwareVersion("0"));
        roundTrip(ApiKeys.METADATA, (short)12, new MetadataRequestData().setTopics(null));
        final ByteBuf response = ResponseEncoder.encode(1, SupportedApis.apiVersionsResponse((short)0, (short)4), (short)4, (short)0, 0);
        response.release();
    }

    /** Encode a request as a client would and parse it back as {@link KafkaApis} does. */
    private static void roundTrip(final ApiKeys api, final short version, final ApiMessage body)
    {
        final RequestHeader header = new RequestHeader(api, version, "warm-up", 1);
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final short headerVersion = header.headerVersion();
        final ByteBuffer buffer = ByteBuffer.allocate(header.data().size(cache, headerVersion) + body.size(cache, version));
        final ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        header.data().write(accessor, cache, headerVersion);
        body.write(accessor, cache, version);
        buffer.flip();
        RequestHeader.parse(buffer);
        api.messageType.newRequest().read(new ByteBufferAccessor(buffer.slice()), version);
    }
}
