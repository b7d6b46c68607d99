package io.streamline.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The native Admin's view of a consumer group: committed offsets, and lag against the high watermark. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsumerGroupLagTest
{
    private static void produce(final StreamlineEngine engine, final int partition, final int count)
    {
        try (Producer<byte[], byte[]> producer = engine.producer())
        {
            for (int i = 0; i < count; i++)
            {
                producer.send(new ProducerRecord<>("orders", partition, null, ("r" + i).getBytes(), List.of(), null));
            }
            producer.flush();
        }
    }

    @Test
    void lagIsTheHighWatermarkMinusTheCommittedOffsetPerPartition()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("orders", 3);
            produce(engine, 0, 10);
            produce(engine, 1, 10);
            produce(engine, 2, 7);
            try (Consumer<byte[], byte[]> consumer = engine.consumer(ConsumerOptions.defaults().withGroupId("billing").withAutoCommit(false)))
            {
                consumer.commitSync(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(10, "done"),
                    new TopicPartition("orders", 1), new OffsetAndMetadata(4)));
            }
            final Admin admin = engine.admin();
            assertEquals(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(10, "done"),
                new TopicPartition("orders", 1), new OffsetAndMetadata(4)), admin.listConsumerGroupOffsets("billing"));
            assertEquals(Map.of(new TopicPartition("orders", 0), new PartitionLag(10, 10, 0),
                new TopicPartition("orders", 1), new PartitionLag(4, 10, 6)), admin.consumerGroupLag("billing"),
                "partition 2 has no commit, so no lag to show");

            produce(engine, 0, 5);
            assertEquals(new PartitionLag(10, 15, 5), admin.consumerGroupLag("billing").get(new TopicPartition("orders", 0)),
                "new records raise the lag");
            assertEquals(Map.of(), admin.consumerGroupLag("nobody"), "an unknown group has no lag");

            admin.deleteRecords(new TopicPartition("orders", 1), 8);
            assertEquals(new PartitionLag(4, 10, 6), admin.consumerGroupLag("billing").get(new TopicPartition("orders", 1)),
                "lag counts from the committed offset even below the log start, as Kafka's tool does");
        }
    }
}
