package io.streamline.embedded.junit;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.FsyncPolicy;

import java.nio.file.Path;

/**
 * The settings that shape an engine, taken from a {@link StreamlineTest}: classes whose settings are equal
 * share a pool of engines in {@link StreamlineTest#shared()} mode. Topics and isolation are not part of
 * them: they are applied to an engine each time it is handed out.
 */
record EngineSettings(boolean autoCreateTopics, int defaultPartitions, boolean listener, int port, String fsync,
    String dataDir)
{
    static EngineSettings of(final StreamlineTest test)
    {
        FsyncPolicy.parse(test.fsync()); // Fails now, with the value, rather than when the first engine starts.
        return new EngineSettings(test.autoCreateTopics(), test.defaultPartitions(), test.listener(), test.port(),
            test.fsync(), test.dataDir());
    }

    /** @return at most how many engines of these settings may exist at once: one with a fixed port. */
    int maxEngines()
    {
        return listener && port != 0 ? 1 : Integer.MAX_VALUE;
    }

    /**
     * Start engine {@code index} of a pool: in memory, or in {@code <dataDir>/engine-<index>}, emptied.
     *
     * @param index the engine's number in its pool.
     * @return the running engine.
     */
    StreamlineEngine start(final int index)
    {
        final StreamlineEngine.Builder builder = StreamlineEngine.builder()
            .autoCreateTopics(autoCreateTopics)
            .defaultPartitions(defaultPartitions)
            .fsync(FsyncPolicy.parse(fsync));
        if (!dataDir.isEmpty())
        {
            builder.dataDir(Path.of(dataDir).resolve("engine-" + index));
        }
        if (listener)
        {
            builder.kafkaListener(port);
        }
        return builder.build(); // Emptied, with what an earlier run left in a data directory, by EngineLease.take.
    }
}
