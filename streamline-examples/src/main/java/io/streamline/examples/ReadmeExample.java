package io.streamline.examples;

import io.streamline.embedded.AutoOffsetReset;
import io.streamline.embedded.Consumer;
import io.streamline.embedded.ConsumerOptions;
import io.streamline.embedded.Producer;
import io.streamline.embedded.Serdes;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.embedded.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The example shown in the README, compiled and run by a test so it cannot drift.
 */
public final class ReadmeExample
{
    private ReadmeExample()
    {
    }

    /**
     * Create a topic, send one record, read it back.
     *
     * @param dataDir where the engine keeps its files.
     * @return what the consumer printed.
     */
    public static List<String> run(final Path dataDir)
    {
        final List<String> printed = new ArrayList<>();
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dataDir).build())
        {
            engine.admin().createTopic("orders", 3);
            try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer()))
            {
                producer.send("orders", "customer-42", "{\"total\": 12}").join();   // CompletableFuture<RecordMetadata>
            }
            try (Consumer<String, String> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
            {
                consumer.assign(List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1),
                    new TopicPartition("orders", 2)));
                consumer.poll(Duration.ofMillis(100)).forEach(r -> printed.add(r.key() + " = " + r.value()));
            }
        }
        return printed;
    }

    /**
     * Run the example in {@code ./example-data}.
     *
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        run(Path.of("example-data")).forEach(System.out::println);
    }
}
