package io.streamline.embedded;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Regression (review): the producer used to fill batches up to batch.size (16 KiB) without regard to the topic's
 * max.message.bytes; a topic with a smaller limit rejects the whole batch, so records that are each
 * well under the limit all fail. Kafka's producer splits such a batch and resends (MESSAGE_TOO_LARGE).
 */
class ProducerBatchLimitReviewTest
{
    @Test
    void smallRecordsToATopicWithASmallMaxMessageBytesAreStored()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("small", 1, Map.of("max.message.bytes", "2000"));
            int failed = 0;
            try (Producer<byte[], byte[]> producer = engine.producer(ProducerOptions.defaults().withLinger(Duration.ofMillis(50))))
            {
                final List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < 20; i++)
                {
                    futures.add(producer.send("small", null, new byte[200]));
                }
                producer.flush();
                for (final CompletableFuture<RecordMetadata> f : futures)
                {
                    try
                    {
                        f.join();
                    }
                    catch (final CompletionException ex)
                    {
                        if (failed++ == 0)
                        {
                            System.out.println("send failed: " + ex.getCause());
                        }
                    }
                }
            }
            assertEquals(0, failed, "records of 200 bytes under max.message.bytes=2000 that failed");
        }
    }
}
