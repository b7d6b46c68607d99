package io.streamline.jmh;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * The Chronicle Queue side of the end-to-end comparison: a single queue
 * ({@code ChronicleQueue.singleBuilder(dir)}: binary wire, default roll cycle and block size, files
 * memory-mapped under {@code java.io.tmpdir}), messages of {@link E2e#VALUE_SIZE} raw bytes written
 * inside a document (Chronicle adds a 4-byte header), read back by one tailer.
 * <p>
 * Chronicle Queue on Java 17 needs JVM flags; they are given only to the forks of the Chronicle
 * benchmarks, in their {@code @Fork(jvmArgsPrepend = ...)} (prepend, because {@code jmh/run.sh}
 * passes its own {@code -jvmArgsAppend}, which would replace an annotation's append list). The set is
 * {@code jvm.requiredArgs} of the {@code java17} profile of {@code net.openhft:java-parent-pom} 2026.0,
 * the parent of chronicle-queue 2026.4, plus {@code chronicle.analytics.disable} (the usage-reporting
 * client is also excluded from the classpath in {@code jmh/pom.xml}) and {@code jvm.resource.tracing=false}
 * as Chronicle's own benchmarks run.
 */
final class ChronicleQueues
{
    private ChronicleQueues()
    {
    }

    /** @return a new queue in {@code directory}. */
    static ChronicleQueue open(final Path directory)
    {
        return ChronicleQueue.singleBuilder(directory).build();
    }

    /** Append one message: the payload's 100 bytes, stamped with the send and scheduled times. */
    static void write(final ExcerptAppender appender, final byte[] payload, final long sendNanos, final long scheduledNanos)
    {
        E2e.stamp(payload, sendNanos, scheduledNanos);
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(payload, 0, payload.length);
        }
    }

    /** Reads the stamps of the message a tailer is positioned on. */
    interface Reader
    {
        /**
         * @param sendNanos      the producer's time at send.
         * @param scheduledNanos when the pacer meant to send it.
         * @param length         the message's length.
         */
        void onMessage(long sendNanos, long scheduledNanos, long length);
    }

    /**
     * Read the next message if there is one.
     *
     * @return whether a message was read.
     */
    static boolean read(final ExcerptTailer tailer, final Reader reader)
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            final Bytes<?> bytes = dc.wire().bytes();
            final long start = bytes.readPosition();
            // Chronicle reads in native (little-endian) order; the stamps are big-endian.
            reader.onMessage(Long.reverseBytes(bytes.readLong(start + E2e.SEND_NANOS)),
                Long.reverseBytes(bytes.readLong(start + E2e.SCHEDULED_NANOS)), bytes.readRemaining());
            return true;
        }
    }
}
