package io.streamline.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The small per-log file {@code log.checkpoint}: whether the last close was clean, and the offsets
 * recovery needs. Replaced atomically (write, force, rename).
 * <pre>
 *  0  magic 'SLCP' (int32)
 *  4  version (int32)
 *  8  flags (int32): bit 0 = clean shutdown
 * 12  log start offset (int64)
 * 20  recovery point (int64): base offset of the first segment that may hold bytes not yet forced;
 *     segments below it are trusted without a scan after a crash
 * 28  log end offset (int64): meaningful when clean
 * 36  CRC32C of bytes 0..35 (int32)
 * </pre>
 * A log whose checkpoint is missing or corrupt is opened as after a crash: every segment is scanned.
 */
final class LogCheckpoint
{
    static final int MAGIC = 0x534C4350;
    static final int VERSION = 1;
    static final int CLEAN_SHUTDOWN_FLAG = 1;
    static final int LENGTH = 40;

    final boolean cleanShutdown;
    final long logStartOffset;
    final long recoveryPoint;
    final long logEndOffset;

    LogCheckpoint(final boolean cleanShutdown, final long logStartOffset, final long recoveryPoint, final long logEndOffset)
    {
        this.cleanShutdown = cleanShutdown;
        this.logStartOffset = logStartOffset;
        this.recoveryPoint = recoveryPoint;
        this.logEndOffset = logEndOffset;
    }

    byte[] encode()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.putInt(0, MAGIC);
        buffer.putInt(4, VERSION);
        buffer.putInt(8, cleanShutdown ? CLEAN_SHUTDOWN_FLAG : 0);
        buffer.putLong(12, logStartOffset);
        buffer.putLong(20, recoveryPoint);
        buffer.putLong(28, logEndOffset);
        buffer.putInt(36, crc(buffer));
        return buffer.array();
    }

    /**
     * @param bytes the file's content, may be null.
     * @return the checkpoint, or null if absent or not well formed.
     */
    static LogCheckpoint decode(final byte[] bytes)
    {
        if (bytes == null || bytes.length != LENGTH)
        {
            return null;
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (buffer.getInt(0) != MAGIC || buffer.getInt(4) != VERSION || buffer.getInt(36) != crc(buffer))
        {
            return null;
        }
        return new LogCheckpoint(
            (buffer.getInt(8) & CLEAN_SHUTDOWN_FLAG) != 0, buffer.getLong(12), buffer.getLong(20), buffer.getLong(28));
    }

    private static int crc(final ByteBuffer buffer)
    {
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, 36);
        return (int)crc.getValue();
    }

    @Override
    public String toString()
    {
        return "LogCheckpoint{clean=" + cleanShutdown + ", logStart=" + logStartOffset +
            ", recoveryPoint=" + recoveryPoint + ", logEnd=" + logEndOffset + '}';
    }
}
