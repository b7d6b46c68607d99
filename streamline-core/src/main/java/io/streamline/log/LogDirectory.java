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

    /**
     * @param name a small file's name (the checkpoint, the producer-state snapshot).
     * @return its bytes, or null if there is none.
     */
    byte[] readFile(String name);

    /**
     * Replace a small file atomically: a crash leaves the old or the new one, never a mix.
     *
     * @param name  the file's name.
     * @param bytes its new content.
     * @param force true to make it durable before returning.
     */
    void writeFile(String name, byte[] bytes, boolean force);

    /**
     * Delete a small file if it exists.
     *
     * @param name the file's name.
     */
    void deleteFile(String name);

    /**
     * The length to preallocate for a new active segment.
     *
     * @param configured {@code segment.bytes} plus the header.
     * @param minimum    what the append that opens the segment needs.
     * @return the length; a new segment rolls when it is full.
     */
    int segmentLength(int configured, int minimum);

    /** Make the directory's entries (new and renamed files) durable. */
    void forceDirectory();

    /** @return true if releasing a mapping should unmap it (files); false where the GC owns memory. */
    boolean unmapsOnRelease();

    /** @return true if mappings of this directory count against the store's mapping bound. */
    boolean boundedMappings();

    /** Delete every file and the directory itself. */
    void deleteAll();

    /**
     * @param suffix a segment file suffix, such as the cleaner's {@code .cleaned} or {@code .swap}.
     * @return base offsets of the files with that suffix, ascending.
     */
    long[] baseOffsetsWithSuffix(String suffix);

    /**
     * Rename a segment file atomically, replacing any file of the target name (the log cleaner's swap).
     *
     * @param baseOffset the segment's base offset.
     * @param fromSuffix the current suffix.
     * @param toSuffix   the new suffix.
     */
    void rename(long baseOffset, String fromSuffix, String toSuffix);

    /** @return a description for log messages: the path, or the in-memory name. */
    String describe();
}
