package io.streamline.log;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kills a child JVM ({@link TxnCrashAppender}) with SIGKILL while it appends transactional batches and
 * markers, then recovers the log here and checks: every acknowledged append is there at the offset it was
 * acknowledged with (offsets monotonic across the kill); the log holds exactly the acknowledged appends plus
 * at most the one in flight; the recovered open transactions give the model's last stable offset; a
 * read_committed reader sees exactly the committed records; and appends after recovery continue at the log
 * end, transactions opened before the kill being committed or aborted normally.
 * <p>
 * Iterations: {@code -Dstreamline.txn.crash.iterations} (default 4 per policy). Reproduce a failure with
 * {@code -Dstreamline.txn.crash.seed=<seed printed in the message>}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TxnCrashRecoveryTest
{
    private static final int SIGKILL_EXIT_CODE = 128 + 9;
    private static final long STEP_TIMEOUT_SECONDS = 60;
    private static final int MAX_OPS = 200_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @ParameterizedTest(name = "fsync={0}")
    @ValueSource(strings = {"never", "always"})
    void transactionsSurviveAKilledAppender(final String policy) throws Exception
    {
        final int iterations = Integer.getInteger("streamline.txn.crash.iterations", 4);
        final long baseSeed = Long.getLong("streamline.txn.crash.seed", System.nanoTime());
        System.out.printf("TxnCrashRecoveryTest fsync=%s: %d iterations, -Dstreamline.txn.crash.seed=%d%n",
            policy, iterations, baseSeed);
        final Random seeds = new Random(baseSeed);
        long acks = 0;
        for (int i = 0; i < iterations; i++)
        {
            final long seed = seeds.nextLong();
            acks += runOnce(policy, tmp.resolve("it-" + i), seed, "fsync=" + policy + " iteration=" + i + " seed=" + seed +
                " (base -Dstreamline.txn.crash.seed=" + baseSeed + ")");
        }
        System.out.printf("TxnCrashRecoveryTest fsync=%s: %d acknowledged appends checked%n", policy, acks);
    }

    private int runOnce(final String policy, final Path dir, final long seed, final String context) throws Exception
    {
        final Path data = dir.resolve("data");
        final Path stderr = dir.resolve("child-stderr.txt");
        Files.createDirectories(dir);
        final ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
            TxnCrashAppender.class.getName(), data.toString(), policy, Long.toString(seed), Integer.toString(MAX_OPS));
        builder.redirectError(stderr.toFile());
        final Process child = builder.start();
        final List<String> lines = new ArrayList<>();
        final CountDownLatch firstAck = new CountDownLatch(1);
        final Thread pipeReader = new Thread(() -> readAcks(child, lines, firstAck), "txn-crash-ack-reader");
        pipeReader.setDaemon(true);
        pipeReader.start();
        final long delayMs = 100 + new Random(seed).nextInt(400);
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_SECONDS);
            while (!firstAck.await(50, TimeUnit.MILLISECONDS))
            {
                if (!child.isAlive() || System.nanoTime() > deadline)
                {
                    fail(context + ": child acknowledged nothing (alive=" + child.isAlive() + ")\n" + Files.readString(stderr));
                }
            }
            Thread.sleep(delayMs);
        }
        finally
        {
            // SIGKILL (see CrashRecoveryTest for why not Process.destroyForcibly()).
            child.toHandle().destroyForcibly();
        }
        assertTrue(child.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS), context + ": child did not die");
        assertEquals(SIGKILL_EXIT_CODE, child.exitValue(),
            context + ": child was not ended by SIGKILL\n" + Files.readString(stderr));
        pipeReader.join(TimeUnit.SECONDS.toMillis(STEP_TIMEOUT_SECONDS));
        final List<String> acks;
        synchronized (lines)
        {
            acks = new ArrayList<>(lines);
        }
        verify(policy, data, seed, acks, context + " killAfterMs=" + delayMs + " acks=" + acks.size() + " dir=" + dir);
        return acks.size();
    }

    private static void verify(final String policy, final Path data, final long seed, final List<String> acks,
        final String context)
    {
        // Replay the child's op sequence in a model: each acknowledged op at the offset it was acknowledged with.
        final SplittableRandom random = new SplittableRandom(seed);
        final TxnModel model = new TxnModel();
        for (final String line : acks)
        {
            final long offset = model.apply(model.randomOp(random), null);
            assertEquals(offset, Long.parseLong(line), context + ": acknowledged offset differs from the model's");
        }
        try (LogStore store = LogStore.builder().directory(data).fsync(FsyncPolicy.parse(policy)).build())
        {
            PartitionLog log = store.openLog(TxnCrashAppender.LOG_NAME, TxnCrashAppender.config());
            final long end = log.logEndOffset();
            if (end != model.end())
            {
                // The append in flight at the kill made it: it must be exactly the next op.
                final TxnModel.Op next = model.randomOp(random);
                assertEquals(model.end() + TxnModel.span(next), end,
                    context + ": the log end is neither the acknowledged end nor that plus the op in flight");
                model.apply(next, null);
            }
            check(model, log, context + " (recovered)");
            // Appends go on at the log end; transactions open at the kill are completed normally.
            final SplittableRandom after = new SplittableRandom(seed + 1);
            for (int i = 0; i < 200; i++)
            {
                model.apply(model.randomOp(after), log);
            }
            for (int p = 0; p < TxnModel.PRODUCERS; p++)
            {
                if (model.isOpen(p))
                {
                    model.apply(new TxnModel.Op(TxnModel.Kind.COMMIT, p, 0), log);
                }
            }
            check(model, log, context + " (after more appends)");
            log.close();
            log = store.openLog(TxnCrashAppender.LOG_NAME, TxnCrashAppender.config());
            check(model, log, context + " (clean reopen)");
            assertEquals(model.end(), log.lastStableOffset(), context + ": nothing left open");
        }
    }

    private static void check(final TxnModel model, final PartitionLog log, final String context)
    {
        assertEquals(model.end(), log.logEndOffset(), context + ": log end");
        assertEquals(model.lastStableOffset(), log.lastStableOffset(), context + ": last stable offset");
        assertEquals(model.expectedCommitted(), TxnModel.readCommitted(log, 4096), context + ": read_committed");
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

    private static String javaBinary()
    {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
