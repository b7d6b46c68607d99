package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Regression (review): a consumer used to keep the PartitionLog object it was assigned. After the topic is deleted (and even
 * re-created) poll silently returns nothing forever (position == the dead log's end), or throws
 * KAFKA_STORAGE_ERROR "log is closed" if its position is below that end.
 * Kafka reports UNKNOWN_TOPIC_OR_PARTITION (and a re-created topic is read after a metadata refresh).
 */
class ConsumerDeletedTopicReviewTest
{
    @Test
    void pollAfterTopicDeleteAndRecreate()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("t", 1);
            try (Producer<byte[], byte[]> producer = engine.producer();
                 Consumer<byte[], byte[]> consumer = engine.consumer(ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
            {
                consumer.assign(List.of(new TopicPartition("t", 0)));
                producer.send("t", null, new byte[10]).join();
                assertEquals(1, consumer.poll(Duration.ofMillis(100)).count());
                engine.admin().deleteTopic("t");
                engine.admin().createTopic("t", 1);
                producer.send("t", null, new byte[10]).join();
                producer.send("t", null, new byte[10]).join();
                int seen = 0;
                try
                {
                    seen = consumer.poll(Duration.ofMillis(200)).count();
                }
                catch (final StreamlineException ex)
                {
                    assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ex.errorCode(), ex.getMessage());
                    return;
                }
                // Neither records of the re-created topic nor an error: the consumer is silently stuck on the dead log.
                assertNotEquals(0, seen, "poll after delete + re-create returned nothing and no error");
            }
        }
    }
}
