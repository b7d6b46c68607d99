package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.LogSlice;
import io.streamline.log.PartitionLog;
import io.streamline.record.RecordBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/** What the interop tests share: the engine with its listener, a look at the stored batches, and where the tools are. */
final class Interop
{
    /** A class that exists only in streamline-kafka's shaded jar (kafka-clients 4.x relocated). */
    static final String SHADED_MESSAGE_CLASS =
        "io.streamline.kafka.shaded.org.apache.kafka.common.message.ApiVersionsRequestData";

    /** The kafkajs version scripts/run-tests.sh installs. */
    static final String KAFKAJS_VERSION = "2.2.4";

    private static final String RUN_TESTS = "run scripts/run-tests.sh once: it installs the tools these tests drive";

    private Interop()
    {
    }

    /**
     * Starts an in-memory engine whose Kafka listener is on 127.0.0.1 at a free port; topics are only created
     * explicitly. Fails first, saying why, when streamline-kafka is not its shaded jar here.
     */
    static StreamlineEngine startEngine()
    {
        requireShadedListener();
        return StreamlineEngine.builder().inMemory().autoCreateTopics(false).kafkaListener(0).build();
    }

    static void requireShadedListener()
    {
        try
        {
            Class.forName(SHADED_MESSAGE_CLASS, false, Interop.class.getClassLoader());
        }
        catch (final ClassNotFoundException ex)
        {
            fail("streamline-kafka is not its shaded jar on this classpath (" + SHADED_MESSAGE_CLASS + " is missing): " +
                "run these tests in a reactor `mvn verify` (the package phase of streamline-kafka builds the shaded jar); " +
                "`mvn test` puts its unshaded classes here");
        }
    }

    /** One stored record batch's header fields, as the listener wrote them to the log. */
    record StoredBatch(long baseOffset, int recordCount, int compressionId, long producerId, int baseSequence)
    {
    }

    /** @return every batch of a partition, read straight from its log. */
    static List<StoredBatch> storedBatches(final StreamlineEngine engine, final String topic, final int partition)
    {
        final PartitionLog log = engine.topicManager().topic(topic).partition(partition);
        final List<StoredBatch> batches = new ArrayList<>();
        final RecordBatch batch = new RecordBatch();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset())
        {
            try (LogSlice slice = log.read(offset, Integer.MAX_VALUE))
            {
                final ByteBuffer bytes = slice.batches();
                if (slice.isEmpty())
                {
                    fail("no batch at offset=" + offset + ", logEnd=" + log.logEndOffset());
                }
                for (int at = bytes.position(); at < bytes.limit(); at += batch.sizeInBytes())
                {
                    batch.wrap(bytes, at);
                    batches.add(new StoredBatch(batch.baseOffset(), batch.recordCount(), batch.compressionId(),
                        batch.producerId(), batch.baseSequence()));
                    offset = batch.nextOffset();
                }
            }
        }
        return batches;
    }

    /** @return the root of the repository (where {@code .tools/} is), passed in by the build. */
    static Path repoRoot()
    {
        final String root = System.getProperty("streamline.repo.root");
        if (root == null || root.isBlank())
        {
            fail("system property streamline.repo.root is not set: run the tests through Maven (the module's surefire " +
                "configuration sets it)");
        }
        return Path.of(root);
    }

    /** @return this module's directory (surefire's {@code basedir}). */
    static Path moduleDir()
    {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    }

    /**
     * @return the executable {@code name} found on the PATH; fails (never skips) when it is missing, since CI
     *     installs it first and a skip would hide a broken install step.
     */
    static Path requireExecutable(final String name, final String installedBy)
    {
        final String path = System.getenv("PATH");
        if (path != null)
        {
            for (final String dir : path.split(java.io.File.pathSeparator))
            {
                final Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                {
                    return candidate;
                }
            }
        }
        return fail(name + " is not on the PATH (" + installedBy + "): " + RUN_TESTS);
    }

    /**
     * @return {@code <repo>/.tools/node/node_modules}, failing unless kafkajs {@value #KAFKAJS_VERSION} is installed
     *     there (the script uses some of its internal classes).
     */
    static Path requireKafkajs() throws IOException
    {
        final Path modules = repoRoot().resolve(".tools").resolve("node").resolve("node_modules");
        final Path packageJson = modules.resolve("kafkajs").resolve("package.json");
        if (!Files.isRegularFile(packageJson))
        {
            fail("kafkajs is not installed in " + modules + " (npm kafkajs@" + KAFKAJS_VERSION + "): " + RUN_TESTS);
        }
        final Matcher version = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(packageJson));
        if (!version.find() || !KAFKAJS_VERSION.equals(version.group(1)))
        {
            fail("kafkajs in " + modules + " is not version " + KAFKAJS_VERSION + ": " + RUN_TESTS);
        }
        return modules;
    }
}
