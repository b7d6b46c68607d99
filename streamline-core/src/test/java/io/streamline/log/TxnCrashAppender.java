package io.streamline.log;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child process of {@link TxnCrashRecoveryTest}: appends a seeded random sequence of transactional
 * batches, commit and abort markers and plain batches ({@link TxnModel#randomOp}) to a file-backed log,
 * one at a time, writing {@code <offset>} to stdout after each append returns, until it is killed.
 * The parent regenerates the same sequence from the seed.
 * <p>
 * Arguments: {@code <dataDir> <never|always> <seed> <maxOps>}. Halts by itself when its stdin reaches end of
 * file or after {@link CrashAppender#MAX_LIFETIME_MS}.
 */
public final class TxnCrashAppender
{
    static final String LOG_NAME = "txn-0";

    private TxnCrashAppender()
    {
    }

    /** Small segments, so the child rolls (and snapshots producer state) often. */
    static LogConfig config()
    {
        return LogConfig.builder().segmentBytes(2048).segmentIndexBytes(4096).indexIntervalBytes(256).build();
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dataDir = Path.of(args[0]);
        final FsyncPolicy fsync = FsyncPolicy.parse(args[1]);
        final long seed = Long.parseLong(args[2]);
        final int maxOps = Integer.parseInt(args[3]);
        CrashAppender.startOrphanGuard();
        final BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
        final LogStore store = LogStore.builder().directory(dataDir).fsync(fsync).build();
        final PartitionLog log = store.openLog(LOG_NAME, config());
        final SplittableRandom random = new SplittableRandom(seed);
        final TxnModel model = new TxnModel();
        for (int i = 0; i < maxOps; i++)
        {
            final long offset = model.apply(model.randomOp(random), log);
            out.write(offset + "\n");
            out.flush();
        }
        Thread.sleep(CrashAppender.MAX_LIFETIME_MS);
        Runtime.getRuntime().halt(4);
    }
}
