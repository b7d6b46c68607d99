package io.streamline.log;

import io.streamline.record.RecordBatch;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kills a child JVM ({@link CrashAppender}) with SIGKILL while several threads append to a file-backed
 * log, then recovers the log in this JVM and checks that every acknowledged append is there byte for byte,
 * offsets run contiguously from 0, every batch validates, nothing else is present but the appends that
 * were in flight, and appends continue at the log end offset.
 * <p>
 * {@code fsync=always}: acknowledged means forced, so this would hold across an OS crash too.
 * {@code fsync=never}: a process kill leaves the page cache alone, so nothing acknowledged may be lost
 * either; only an OS crash may lose the unforced tail.
 * <p>
 * Iterations per policy: {@code -Dstreamline.crash.iterations} (the pom passes 20, {@code -Pslow} 200).
 * Reproduce a failure with {@code -Dstreamline.crash.seed=<seed printed in the message>}.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class CrashRecoveryTest
{
    private static final int THREADS = 4;
    private static final long MAX_UNITS_PER_THREAD = 5_000;
    private static final int SIGKILL_EXIT_CODE = 128 + 9;
    private static final long STEP_TIMEOUT_SECONDS = 60;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @ParameterizedTest(name = "fsync={0}")
    @ValueSource(strings = {"always", "never"})
    void killedAppenderLosesNothingAcknowledged(final String policy) throws Exception
    {
        final int iterations = Integer.getInteger("streamline.crash.iterations", 20);
        final long baseSeed = Long.getLong("streamline.crash.seed", System.nanoTime());
        System.out.printf("CrashRecoveryTest fsync=%s: %d iterations, -Dstreamline.crash.seed=%d%n",
            policy, iterations, baseSeed);
        final Random seeds = new Random(baseSeed);
        long totalAcks = 0;
        long totalBatches = 0;
        long totalSegments = 0;
        for (int i = 0; i < iterations; i++)
        {
            final long seed = seeds.nextLong();
            final Outcome outcome = runOnce(policy, tmp.resolve("it-" + i), seed,
                "fsync=" + policy + " iteration=" + i + " seed=" + seed + " (base -Dstreamline.crash.seed=" + baseSeed + ")");
            totalAcks += outcome.acks;
            totalBatches += outcome.batches;
            totalSegments += outcome.segments;
            deleteTree(tmp.resolve("it-" + i));
        }
        System.out.printf("CrashRecoveryTest fsync=%s: %d iterations, %d acknowledged appends, %d batches recovered, " +
            "%.1f segments per recovered log%n", policy, iterations, totalAcks, totalBatches, (double)totalSegments / iterations);
    }

    private static final class Outcome
    {
        long acks;
        long batches;
        int segments;
    }

    private Outcome runOnce(final String policy, final Path dir, final long seed, final String context) throws Exception
    {
        final Random random = new Random(seed);
        final Path data = dir.resolve("data");
        final Path stderr = dir.resolve("child-stderr.txt");
        Files.createDirectories(dir);
        final ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
            CrashAppender.class.getName(), data.toString(), policy, Integer.toString(THREADS),
            Long.toString(MAX_UNITS_PER_THREAD));
        builder.redirectError(stderr.toFile());
        final Process child = builder.start();
        final List<String> lines = new ArrayList<>();
        final CountDownLatch firstAck = new CountDownLatch(1);
        final Thread pipeReader = new Thread(() -> readAcks(child, lines, firstAck), "crash-ack-reader");
        pipeReader.setDaemon(true);
        pipeReader.start();
        final long delayMs = 50 + random.nextInt(351);
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_SECONDS);
            while (!firstAck.await(50, TimeUnit.MILLISECONDS))
            {
                if (!child.isAlive() || System.nanoTime() > deadline)
                {
                    fail(context + ": child acknowledged nothing (alive=" + child.isAlive() + ")\n" + read(stderr));
                }
            }
            Thread.sleep(delayMs);
        }
        finally
        {
            // SIGKILL: on Linux ProcessHandle.destroyForcibly() is kill(pid, SIGKILL), and the exit value check
            // below verifies it (a process ended by signal N reports 128 + N). Not Process.destroyForcibly():
            // that also closes our end of the child's stdout, dropping acknowledgements still in the pipe.
            child.toHandle().destroyForcibly();
        }
        if (!child.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS))
        {
            child.destroyForcibly();
            fail(context + ": child did not die");
        }
        assertEquals(SIGKILL_EXIT_CODE, child.exitValue(),
            context + ": child was not ended by SIGKILL (it failed or exited by itself)\n" + read(stderr));
        pipeReader.join(TimeUnit.SECONDS.toMillis(STEP_TIMEOUT_SECONDS));
        assertFalse(pipeReader.isAlive(), context + ": stdout of the killed child did not reach end of file");

        final List<String> acks;
        synchronized (lines)
        {
            acks = new ArrayList<>(lines);
        }
        // Kept with the data for a post-mortem if the check fails (the temp dir is kept on failure).
        Files.write(dir.resolve("acks.txt"), acks);
        final Outcome outcome = verifyRecovered(policy, data, acks,
            context + " killAfterMs=" + delayMs + " acks=" + acks.size() + " dir=" + dir);
        outcome.acks = acks.size();
        return outcome;
    }

    private static void readAcks(final Process child, final List<String> lines, final CountDownLatch firstAck)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                synchronized (lines)
                {
                    lines.add(line);
                }
                firstAck.countDown();
            }
        }
        catch (final IOException ex)
        {
            // The pipe broke with the child: what was read is what was acknowledged.
        }
    }

    /**
     * Reopen the killed child's log and check it against the acknowledgements.
     */
    private Outcome verifyRecovered(final String policy, final Path data, final List<String> acks, final String context)
    {
        // Expected bytes of every acknowledged batch, by base offset.
        final TreeMap<Long, byte[]> acknowledged = new TreeMap<>();
        final Map<Integer, Long> lastAckedIndex = new HashMap<>();
        for (final String line : acks)
        {
            final String[] parts = line.split(",");
            assertEquals(2, parts.length, context + ": malformed acknowledgement '" + line + "'");
            final long firstOffset = Long.parseLong(parts[0]);
            final long unitSeed = Long.parseLong(parts[1]);
            final int thread = (int)(unitSeed / CrashAppender.UNIT_SEEDS_PER_THREAD) - 1;
            final long index = unitSeed % CrashAppender.UNIT_SEEDS_PER_THREAD;
            final Long previous = lastAckedIndex.put(thread, index);
            assertEquals(previous == null ? 0 : previous + 1, index,
                context + ": acknowledgements of thread " + thread + " out of order");
            long offset = firstOffset;
            for (final ByteBuffer batch : CrashAppender.unitBatches(unitSeed))
            {
                assertNull(acknowledged.put(offset, TestBatches.stored(batch, offset)),
                    context + ": offset " + offset + " acknowledged twice");
                offset += new RecordBatch().wrap(batch, 0).lastOffsetDelta() + 1;
            }
        }
        // Appends that may have been in flight at the kill: the next unit of each thread. At most one per
        // thread, since a thread acknowledges before it appends again. Compared without baseOffset.
        final List<byte[]> inFlight = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final Long last = lastAckedIndex.get(t);
            for (final ByteBuffer batch : CrashAppender.unitBatches(CrashAppender.unitSeed(t, last == null ? 0 : last + 1)))
            {
                inFlight.add(TestBatches.stored(batch, 0));
            }
        }

        final Outcome outcome = new Outcome();
        final long endAfterAppend;
        final FsyncPolicy fsync = FsyncPolicy.parse(policy);
        try (LogStore store = LogStore.builder().directory(data).fsync(fsync).build())
        {
            final PartitionLog log = store.openLog(CrashAppender.LOG_NAME, CrashAppender.config());
            assertEquals(0, log.logStartOffset(), context);
            final long end = log.logEndOffset();
            final RecordBatch batch = new RecordBatch();
            long offset = 0;
            while (offset < end)
            {
                try (LogSlice slice = log.read(offset, 1 << 20))
                {
                    assertFalse(slice.isEmpty(), context + ": empty read at offset " + offset + " below logEnd=" + end);
                    final ByteBuffer view = slice.batches();
                    for (int p = view.position(); p < view.limit(); p += batch.sizeInBytes())
                    {
                        batch.wrap(view, p);
                        batch.validateHeader(view.limit());
                        assertEquals(offset, batch.baseOffset(), context + ": offsets are not contiguous");
                        final byte[] actual = new byte[batch.sizeInBytes()];
                        view.get(p, actual);
                        final byte[] expected = acknowledged.remove(offset);
                        if (expected != null)
                        {
                            assertArrayEquals(expected, actual, context + ": acknowledged batch at offset " + offset + " differs");
                        }
                        else
                        {
                            if (!removeMatching(inFlight, actual))
                            {
                                fail(context + ": batch at offset " + offset + " was neither acknowledged nor in flight: " +
                                    batch + "; " + identify(actual, lastAckedIndex, acks));
                            }
                        }
                        offset = batch.nextOffset();
                        outcome.batches++;
                    }
                    assertEquals(offset, slice.nextOffset(), context);
                }
            }
            assertEquals(end, offset, context + ": batches end at " + offset + " but logEnd=" + end);
            assertTrue(acknowledged.isEmpty(), context + ": acknowledged batches lost after recovery, logEnd=" + end +
                ", missing base offsets " + acknowledged.keySet());
            outcome.segments = log.segmentCount();

            // Appends continue where recovery left the log.
            final ByteBuffer next = TestBatches.batch(3, 40, 1_800_000_000_000L, 424242);
            assertEquals(end, log.append(next), context + ": first append after recovery");
            endAfterAppend = end + 3;
            assertEquals(endAfterAppend, log.logEndOffset(), context);
            try (LogSlice slice = log.read(end, 1 << 20))
            {
                assertArrayEquals(TestBatches.stored(next, end), TestBatches.bytes(slice.batches()), context);
            }
        }
        // And a clean close after recovery keeps all of it.
        try (LogStore store = LogStore.builder().directory(data).fsync(fsync).build())
        {
            final PartitionLog log = store.openLog(CrashAppender.LOG_NAME, CrashAppender.config());
            assertEquals(endAfterAppend, log.logEndOffset(), context + ": logEnd after a clean reopen");
            long offset = 0;
            int batches = 0;
            while (offset < log.logEndOffset())
            {
                try (LogSlice slice = log.read(offset, 1 << 20))
                {
                    batches += TestBatches.validBatches(slice.batches());
                    offset = slice.nextOffset();
                }
            }
            assertEquals(outcome.batches + 1, batches, context + ": batches after a clean reopen");
        }
        return outcome;
    }

    /** For a failure message: which unit, if any, an unexpected batch's bytes belong to. */
    private static String identify(final byte[] actual, final Map<Integer, Long> lastAckedIndex, final List<String> acks)
    {
        for (int t = 0; t < THREADS; t++)
        {
            final long last = lastAckedIndex.getOrDefault(t, -1L);
            for (long index = 0; index <= last + 3; index++)
            {
                final long unitSeed = CrashAppender.unitSeed(t, index);
                final List<ByteBuffer> batches = CrashAppender.unitBatches(unitSeed);
                for (int j = 0; j < batches.size(); j++)
                {
                    final byte[] candidate = TestBatches.stored(batches.get(j), 0);
                    if (sameUnacknowledgedBatch(candidate, actual))
                    {
                        String ackLine = "not acknowledged";
                        for (final String line : acks)
                        {
                            if (line.endsWith("," + unitSeed))
                            {
                                ackLine = "acknowledged as '" + line + "'";
                            }
                        }
                        return "it is batch " + j + " of unit " + index + " of thread " + t + " (seed " + unitSeed +
                            ", " + ackLine + "; last acknowledged unit of that thread: " + last + ")";
                    }
                }
            }
        }
        return "its bytes match no unit the appender could have written";
    }

    /**
     * The producer's bytes after baseOffset, except the leader epoch: the log stamps it in place after the
     * copy, so the very first batch of a log (whose producer base offset 0 is already right) may be
     * recovered unstamped if the process died in between. Acknowledged batches are compared whole.
     */
    private static boolean sameUnacknowledgedBatch(final byte[] candidate, final byte[] actual)
    {
        return candidate.length == actual.length &&
            Arrays.equals(candidate, 8, 12, actual, 8, 12) &&
            Arrays.equals(candidate, 16, candidate.length, actual, 16, actual.length);
    }

    private static boolean removeMatching(final List<byte[]> candidates, final byte[] actual)
    {
        for (int i = 0; i < candidates.size(); i++)
        {
            final byte[] candidate = candidates.get(i);
            if (sameUnacknowledgedBatch(candidate, actual))
            {
                candidates.remove(i);
                return true;
            }
        }
        return false;
    }

    private static String javaBinary()
    {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String read(final Path file)
    {
        try
        {
            final String text = Files.readString(file);
            return text.isEmpty() ? "(child stderr empty)" : "child stderr:\n" + text;
        }
        catch (final IOException ex)
        {
            return "(no child stderr: " + ex + ")";
        }
    }

    private static void deleteTree(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(root))
        {
            for (final Path p : (Iterable<Path>)walk.sorted((a, b) -> b.compareTo(a))::iterator)
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
