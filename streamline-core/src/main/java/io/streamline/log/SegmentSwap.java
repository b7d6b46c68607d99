package io.streamline.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk protocol by which the log cleaner replaces a sealed segment with its cleaned copy, so that a
 * crash at any point leaves either the old or the new segment, never a mix (ADR 0010):
 * <ol>
 *   <li>the cleaned copy is written as {@code <base>.cleaned} and forced;</li>
 *   <li>under the log's write lock, once the old segment is known to be still in the log, it is renamed to
 *       {@code <base>.swap} and the directory forced: from here the new segment is committed;</li>
 *   <li>the old segment's indexes are deleted and {@code <base>.swap} is renamed over {@code <base>.strm}
 *       (an atomic replace); the indexes are rebuilt from the new data when it is first used.</li>
 * </ol>
 * On open ({@link #recover}), every {@code .cleaned} file is deleted (an unfinished copy: the old segment is
 * intact) and every {@code .swap} file is installed as in step 3 (a committed copy).
 */
final class SegmentSwap
{
    /** Suffix of a cleaned copy still being written. */
    static final String CLEANED_SUFFIX = ".cleaned";
    /** Suffix of a cleaned copy that is complete and durable, waiting to replace its segment. */
    static final String SWAP_SUFFIX = ".swap";

    private static final Logger LOG = LoggerFactory.getLogger(SegmentSwap.class);

    private SegmentSwap()
    {
    }

    /**
     * Finish or undo the swaps a crash interrupted; called before the segments are listed on open.
     *
     * @param dir  the log's directory.
     * @param name the log's name, for messages.
     */
    static void recover(final LogDirectory dir, final String name)
    {
        final long[] unfinished = dir.baseOffsetsWithSuffix(CLEANED_SUFFIX);
        for (final long base : unfinished)
        {
            dir.region(base, CLEANED_SUFFIX).delete();
        }
        final long[] committed = dir.baseOffsetsWithSuffix(SWAP_SUFFIX);
        for (final long base : committed)
        {
            install(dir, base);
        }
        if (unfinished.length > 0 || committed.length > 0)
        {
            LOG.info("{}: log cleaner swap recovery: {} unfinished cleaned segment(s) deleted, {} committed one(s) installed",
                name, unfinished.length, committed.length);
        }
    }

    /**
     * Step 2: make the forced {@code <base>.cleaned} the committed {@code <base>.swap}.
     *
     * @param dir  the log's directory.
     * @param base the segment's base offset.
     */
    static void commit(final LogDirectory dir, final long base)
    {
        dir.rename(base, CLEANED_SUFFIX, SWAP_SUFFIX);
        dir.forceDirectory();
    }

    /**
     * Step 3: replace {@code <base>.strm} by {@code <base>.swap}; the old indexes go first, so stale
     * indexes never describe the new data.
     *
     * @param dir  the log's directory.
     * @param base the segment's base offset.
     */
    static void install(final LogDirectory dir, final long base)
    {
        dir.region(base, SegmentDescriptor.OFFSET_INDEX_SUFFIX).delete();
        dir.region(base, SegmentDescriptor.TIME_INDEX_SUFFIX).delete();
        dir.rename(base, SWAP_SUFFIX, SegmentDescriptor.DATA_SUFFIX);
        dir.forceDirectory();
    }

    /**
     * Drop a cleaned copy that will not be installed (its segment changed or went away meanwhile).
     *
     * @param dir  the log's directory.
     * @param base the segment's base offset.
     */
    static void discard(final LogDirectory dir, final long base)
    {
        dir.region(base, CLEANED_SUFFIX).delete();
        dir.region(base, SWAP_SUFFIX).delete();
    }
}
