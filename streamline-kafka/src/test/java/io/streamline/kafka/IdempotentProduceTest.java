package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.PartitionLog;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kafka's idempotent-producer rules over the wire: a batch retried after its response was lost is
 * stored once and answered with its first offset, also after a restart; a sequence gap and an old epoch
 * are refused with Kafka's errors and store nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdempotentProduceTest
{
    private static final short PRODUCE_VERSION = 11;

    @Test
    void aBatchRetriedAfterALostResponseIsStoredOnce(@TempDir final Path dir) throws Exception
    {
        final long producerId;
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build();
            KafkaListener listener = KafkaListener.start(engine))
        {
            engine.topicManager().createTopic("payments", 1, Map.of());
            final PartitionLog log = engine.topicManager().topic("payments").partition(0);
            try (WireClient client = new WireClient(listener.port()))
            {
                final InitProducerIdResponseData empty = client.call(ApiKeys.INIT_PRODUCER_ID, (short)4,
                    new InitProducerIdRequestData().setTransactionalId("").setTransactionTimeoutMs(60_000));
                assertEquals(Errors.INVALID_REQUEST.code(), empty.errorCode(), "an empty transactional id, as Kafka");
                final InitProducerIdResponseData init = client.call(ApiKeys.INIT_PRODUCER_ID, (short)4,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)
                        .setProducerId(-1).setProducerEpoch((short)-1));
                assertEquals(Errors.NONE.code(), init.errorCode());
                producerId = init.producerId();
                assertEquals(0, produce(client, producerId, (short)0, 0, "a", "b").baseOffset());
            }

            // The response to the next batch is lost: the client sends it and the connection drops.
            try (WireClient lost = new WireClient(listener.port()))
            {
                lost.send(ApiKeys.PRODUCE, PRODUCE_VERSION, request(producerId, (short)0, 2, "c", "d"));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (log.highWatermark() < 4 && System.nanoTime() < deadline)
                {
                    Thread.sleep(5);
                }
                assertEquals(4, log.highWatermark());
            }

            try (WireClient retry = new WireClient(listener.port()))
            {
                final ProduceResponseData.PartitionProduceResponse again = produce(retry, producerId, (short)0, 2, "c", "d");
                assertEquals(Errors.NONE.code(), again.errorCode());
                assertEquals(2, again.baseOffset(), "answered with the offset it was first stored at");
                assertEquals(4, log.logEndOffset(), "stored once");

                final ProduceResponseData.PartitionProduceResponse gap = produce(retry, producerId, (short)0, 7, "x");
                assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(), gap.errorCode());
                assertEquals(4, log.logEndOffset());

                assertEquals(4, produce(retry, producerId, (short)1, 0, "e").baseOffset(), "a new epoch starts at 0");
                final ProduceResponseData.PartitionProduceResponse fenced = produce(retry, producerId, (short)0, 4, "y");
                assertEquals(Errors.INVALID_PRODUCER_EPOCH.code(), fenced.errorCode());
                assertEquals(5, log.logEndOffset());
            }
        }

        // After a restart the producer state is rebuilt: the same retry is still recognised.
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build();
            KafkaListener listener = KafkaListener.start(engine);
            WireClient client = new WireClient(listener.port()))
        {
            final ProduceResponseData.PartitionProduceResponse again = produce(client, producerId, (short)1, 0, "e");
            assertEquals(Errors.NONE.code(), again.errorCode());
            assertEquals(4, again.baseOffset());
            assertEquals(5, engine.topicManager().topic("payments").partition(0).logEndOffset());
            assertEquals(5, produce(client, producerId, (short)1, 1, "f").baseOffset());
        }
    }

    private static ProduceResponseData.PartitionProduceResponse produce(final WireClient client, final long producerId,
        final short epoch, final int sequence, final String... values) throws Exception
    {
        final ProduceResponseData response = client.call(ApiKeys.PRODUCE, PRODUCE_VERSION,
            request(producerId, epoch, sequence, values));
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    private static ProduceRequestData request(final long producerId, final short epoch, final int sequence,
        final String... values)
    {
        final SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++)
        {
            records[i] = new SimpleRecord(1_000L + i, null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        final ProduceRequestData request = new ProduceRequestData().setAcks((short)-1).setTimeoutMs(5000);
        request.topicData().add(new ProduceRequestData.TopicProduceData().setName("payments").setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, sequence, records)))));
        return request;
    }
}
