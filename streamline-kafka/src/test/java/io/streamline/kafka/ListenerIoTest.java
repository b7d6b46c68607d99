package io.streamline.kafka;

import io.netty.buffer.ByteBuf;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.AppendListener;
import io.streamline.log.FsyncPolicy;
import io.streamline.log.PartitionLog;
import io.streamline.topic.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** How the listener moves bytes: zero-copy fetch responses, back-pressure, appends that wait for the disk. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ListenerIoTest
{
    @Test
    void fetchResponseFramesViewTheStoredBatchesInsteadOfCopyingThem()
    {
        final MemoryRecords stored = MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(1L, "k".getBytes(StandardCharsets.UTF_8), "stored value".getBytes(StandardCharsets.UTF_8)));
        final ByteBuffer direct = ByteBuffer.allocateDirect(stored.sizeInBytes());
        direct.put(stored.buffer().duplicate()).flip();
        final FetchResponseData body = new FetchResponseData().setSessionId(0);
        body.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("t").setPartitions(List.of(
            new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(1)
                .setRecords(MemoryRecords.readableRecords(direct.asReadOnlyBuffer())),
            new FetchResponseData.PartitionData().setPartitionIndex(1).setHighWatermark(0)
                .setRecords(MemoryRecords.EMPTY))));
        final short version = 12;
        final short headerVersion = ApiKeys.FETCH.responseHeaderVersion(version);

        final ByteBuf frame = ResponseEncoder.encode(42, body, version, headerVersion, direct.remaining());
        try
        {
            // Changing the stored bytes after encoding changes the frame: it is a view, not a copy. The
            // record ends with its value and a one-byte header count.
            final int valueAt = direct.limit() - 2;
            direct.put(valueAt, (byte)'X');
            final ByteBuffer bytes = ByteBuffer.allocate(frame.readableBytes());
            frame.getBytes(frame.readerIndex(), bytes);
            bytes.flip();
            assertEquals(bytes.remaining() - 4, bytes.getInt());
            assertEquals(42, new ResponseHeaderData(new ByteBufferAccessor(bytes), headerVersion).correlationId());
            final FetchResponseData decoded = new FetchResponseData(new ByteBufferAccessor(bytes), version);
            assertFalse(bytes.hasRemaining());
            final MemoryRecords records = (MemoryRecords)decoded.responses().get(0).partitions().get(0).records();
            final RecordBatch batch = records.batches().iterator().next();
            final byte[] value = new byte[12];
            batch.iterator().next().value().get(value);
            assertEquals("stored valuX", new String(value, StandardCharsets.UTF_8));
            assertEquals(0, decoded.responses().get(0).partitions().get(1).records().sizeInBytes());
        }
        finally
        {
            frame.release();
        }
    }

    @Test
    void aFetchFromAReplicaIsRefused() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build();
            KafkaListener listener = KafkaListener.start(engine);
            WireClient client = new WireClient(listener.port()))
        {
            engine.topicManager().createTopic("t", 1, Map.of());
            for (final short version : new short[] {4, 14, 15, 18})
            {
                final FetchRequestData request = new FetchRequestData().setMaxWaitMs(0).setMaxBytes(1 << 20);
                if (version >= 15)
                {
                    request.setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(1));
                }
                else
                {
                    request.setReplicaId(1);
                }
                request.topics().add(new FetchRequestData.FetchTopic().setTopic("t")
                    .setTopicId(Topics.toKafka(engine.topicManager().topic("t").id()))
                    .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0)
                        .setPartitionMaxBytes(1 << 20))));
                final FetchResponseData response = client.call(ApiKeys.FETCH, version, request);
                assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(),
                    response.responses().get(0).partitions().get(0).errorCode(), "v" + version);
            }
        }
    }

    /**
     * A client that pipelines requests and never reads: the listener stops reading that connection once
     * its unread responses pass the bound, so the client's writes stall; every response then arrives,
     * in order, once the client reads.
     */
    @Test
    void aClientThatDoesNotReadItsResponsesIsNoLongerRead() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build();
            KafkaListener listener = KafkaListener.start(engine);
            SocketChannel channel = SocketChannel.open())
        {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            channel.connect(new InetSocketAddress("127.0.0.1", listener.port()));
            channel.configureBlocking(false);

            final int requestSize = apiVersionsRequest(0).remaining();
            final int maxRequests = 4_000_000; // ~100+ MB of requests: far past any buffer if reading went on.
            int sent = 0;
            long stalledSince = 0;
            ByteBuffer pending = null;
            while (sent < maxRequests)
            {
                if (pending == null)
                {
                    pending = apiVersionsRequest(sent);
                }
                channel.write(pending);
                if (!pending.hasRemaining())
                {
                    pending = null;
                    sent++;
                    stalledSince = 0;
                }
                else if (stalledSince == 0)
                {
                    stalledSince = System.nanoTime();
                }
                else if (System.nanoTime() - stalledSince > TimeUnit.SECONDS.toNanos(2))
                {
                    break; // Writes have made no progress for a while: the server stopped reading.
                }
                else
                {
                    Thread.sleep(1);
                }
            }
            assertTrue(sent < maxRequests, "the server kept reading " + sent + " requests of " + requestSize +
                " bytes whose responses were not taken");

            // Now read: every request is answered, in order (a half-written one is finished by a writer
            // thread while this one reads); then the connection still works.
            channel.configureBlocking(true);
            final DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
            final ByteBuffer rest = pending;
            final Thread writer = new Thread(() ->
            {
                try
                {
                    while (rest != null && rest.hasRemaining())
                    {
                        channel.write(rest);
                    }
                    channel.write(apiVersionsRequest(-7));
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            writer.start();
            final int answered = sent + (pending == null ? 0 : 1);
            for (int i = 0; i < answered; i++)
            {
                assertEquals(i, readCorrelationId(in), "response " + i);
            }
            assertEquals(-7, readCorrelationId(in));
            writer.join();
        }
    }

    private static int readCorrelationId(final DataInputStream in) throws Exception
    {
        final int size = in.readInt();
        final int correlationId = in.readInt();
        in.skipNBytes(size - 4);
        return correlationId;
    }

    private static ByteBuffer apiVersionsRequest(final int correlationId)
    {
        final short version = 3;
        final RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, version, "pipeline", correlationId);
        final ApiVersionsRequestData body = new ApiVersionsRequestData().setClientSoftwareName("pipeline")
            .setClientSoftwareVersion("1");
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final short headerVersion = header.headerVersion();
        final int size = header.data().size(cache, headerVersion) + body.size(cache, version);
        final ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        buffer.putInt(size);
        final ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        header.data().write(accessor, cache, headerVersion);
        body.write(accessor, cache, version);
        return buffer.flip();
    }

    @Test
    void withFsyncAlwaysProduceAppendsOffTheIoThreads(@TempDir final Path dir) throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).fsync(FsyncPolicy.always()).build();
            KafkaListener listener = KafkaListener.start(engine))
        {
            final Topic topic = engine.topicManager().createTopic("durable", 1, Map.of());
            final PartitionLog log = topic.partition(0);
            final Set<String> appendingThreads = ConcurrentHashMap.newKeySet();
            final AppendListener threads = (partition, highWatermark) ->
                appendingThreads.add(Thread.currentThread().getName());
            log.addAppendListener(threads);
            for (final String acks : new String[] {"all", "1", "0"})
            {
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, acks,
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all")),
                    new ByteArraySerializer(), new ByteArraySerializer()))
                {
                    for (int i = 0; i < 20; i++)
                    {
                        producer.send(new ProducerRecord<>("durable", ("v" + i).getBytes(StandardCharsets.UTF_8)))
                            .get(20, TimeUnit.SECONDS);
                    }
                }
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (log.highWatermark() < 60 && System.nanoTime() < deadline)
            {
                Thread.sleep(10); // acks=0 sends are not confirmed: wait for them to be stored.
            }
            assertEquals(60, log.highWatermark());
            log.removeAppendListener(threads);
            assertFalse(appendingThreads.isEmpty());
            for (final String name : appendingThreads)
            {
                assertTrue(name.startsWith("streamline-kafka-append-"), "appended on " + name);
            }
        }
    }
}
