package io.streamline.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Layout of the 64-byte header at the start of every segment ({@code <baseOffset>.strm}). Record batches
 * follow it back to back, starting at {@link #HEADER_LENGTH}. Big-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     magic 'S' 'T' 'R' 'M'                     |  0
 *  +---------------------------------------------------------------+
 *  |                     format version (int32)                    |  4
 *  +---------------------------------------------------------------+
 *  |                      base offset (int64)                      |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 creation time, epoch ms (int64)               | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         flags (int32)                         | 24
 *  +---------------------------------------------------------------+
 *  |                  reserved, zero (28 bytes)                    | 28
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 *  |              CRC32C of bytes 0..59 (int32)                    | 60
 *  +---------------------------------------------------------------+
 * </pre>
 * The header is written once when the segment is created and never changes.
 */
public final class SegmentDescriptor
{
    /** 'STRM' as a big-endian int. */
    public static final int MAGIC = 0x5354524D;
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;

    /** Offset of the magic bytes. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the format version. */
    public static final int VERSION_OFFSET = 4;
    /** Offset of the segment's base offset. */
    public static final int BASE_OFFSET_OFFSET = 8;
    /** Offset of the creation time. */
    public static final int CREATED_TIME_OFFSET = 16;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 24;
    /** Offset of the header CRC. */
    public static final int CRC_OFFSET = 60;
    /** Length of the header; batches start here. */
    public static final int HEADER_LENGTH = 64;

    /** Suffix of segment data files. */
    public static final String DATA_SUFFIX = ".strm";
    /** Suffix of sparse offset index files. */
    public static final String OFFSET_INDEX_SUFFIX = ".oix";
    /** Suffix of time index files. */
    public static final String TIME_INDEX_SUFFIX = ".tix";

    private SegmentDescriptor()
    {
    }

    /**
     * Write a header at index 0 of {@code buffer}.
     *
     * @param buffer        the segment's buffer.
     * @param baseOffset    the segment's base offset.
     * @param createdTimeMs the creation time.
     */
    public static void writeHeader(final ByteBuffer buffer, final long baseOffset, final long createdTimeMs)
    {
        buffer.putInt(MAGIC_OFFSET, MAGIC);
        buffer.putInt(VERSION_OFFSET, VERSION);
        buffer.putLong(BASE_OFFSET_OFFSET, baseOffset);
        buffer.putLong(CREATED_TIME_OFFSET, createdTimeMs);
        buffer.putInt(FLAGS_OFFSET, 0);
        for (int i = FLAGS_OFFSET + 4; i < CRC_OFFSET; i++)
        {
            buffer.put(i, (byte)0);
        }
        buffer.putInt(CRC_OFFSET, headerCrc(buffer));
    }

    /**
     * True if {@code buffer} starts with a well-formed header for {@code expectedBaseOffset}.
     *
     * @param buffer             the segment's buffer, at least {@link #HEADER_LENGTH} long.
     * @param expectedBaseOffset the base offset the file name says.
     * @return true if magic, version, base offset and CRC agree.
     */
    public static boolean isValidHeader(final ByteBuffer buffer, final long expectedBaseOffset)
    {
        return buffer.limit() >= HEADER_LENGTH &&
            buffer.getInt(MAGIC_OFFSET) == MAGIC &&
            buffer.getInt(VERSION_OFFSET) == VERSION &&
            buffer.getLong(BASE_OFFSET_OFFSET) == expectedBaseOffset &&
            buffer.getInt(CRC_OFFSET) == headerCrc(buffer);
    }

    /**
     * The creation time stored in a header.
     *
     * @param buffer the segment's buffer.
     * @return creation time in epoch ms.
     */
    public static long createdTimeMs(final ByteBuffer buffer)
    {
        return buffer.getLong(CREATED_TIME_OFFSET);
    }

    /**
     * The file name of a segment's data or index file: the base offset in 20 digits plus the suffix.
     *
     * @param baseOffset the segment's base offset.
     * @param suffix     one of the suffixes above.
     * @return the file name.
     */
    public static String fileName(final long baseOffset, final String suffix)
    {
        return String.format("%020d%s", baseOffset, suffix);
    }

    private static int headerCrc(final ByteBuffer buffer)
    {
        final CRC32C crc = new CRC32C();
        final ByteBuffer view = buffer.duplicate();
        view.limit(CRC_OFFSET).position(0);
        crc.update(view);
        return (int)crc.getValue();
    }
}
