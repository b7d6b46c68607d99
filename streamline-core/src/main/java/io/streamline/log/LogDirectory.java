package io.streamline.log;

/**
 * Where one partition log keeps its segments and its checkpoint: a directory of files, or the
 * in-memory equivalent. Segment logic is written once against this interface.
 */
interface LogDirectory
{
    /** @return base offsets of the segments present, ascending. */
    long[] segmentBaseOffsets();

    /**
     * @param baseOffset the segment's base offset.
     * @param suffix     {@link SegmentDescriptor#DATA_SUFFIX} or one of the index suffixes.
     * @return the region for that segment file (which may not exist yet).
     */
    Region region(long baseOffset, String suffix);

    /** @return the checkpoint's bytes, or null if there is none. */
    byte[] readCheckpoint();

    /**
     * Replace the checkpoint atomically: a crash leaves the old or the new one, never a mix.
     *
     * @param bytes the new checkpoint.
     * @param force true to make it durable before returning.
     */
    void writeCheckpoint(byte[] bytes, boolean force);

    /** Make the directory's entries (new and renamed files) durable. */
    void forceDirectory();

    /** @return true if releasing a mapping should unmap it (files); false where the GC owns memory. */
    boolean unmapsOnRelease();

    /** @return true if mappings of this directory count against the store's mapping bound. */
    boolean boundedMappings();

    /** Delete every file and the directory itself. */
    void deleteAll();

    /** @return a description for log messages: the path, or the in-memory name. */
    String describe();
}
