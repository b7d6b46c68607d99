package io.streamline.kafka;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tees {@code System.err} into a list of lines while installed. slf4j-simple (the tests' logging backend,
 * see {@code simplelogger.properties}) looks {@code System.err} up on every message, and the JVM prints
 * uncaught exceptions there, so this sees every log line of the listener and of Netty, from any thread.
 */
final class StderrCapture implements AutoCloseable
{
    private final PrintStream original;
    private final List<String> lines = new ArrayList<>();

    private StderrCapture()
    {
        original = System.err;
    }

    /** @return a capture, installed. */
    static StderrCapture install()
    {
        final StderrCapture capture = new StderrCapture();
        System.setErr(new PrintStream(capture.new Tee(), true, StandardCharsets.UTF_8));
        return capture;
    }

    /** @return a copy of the complete lines printed so far. */
    List<String> lines()
    {
        synchronized (lines)
        {
            return new ArrayList<>(lines);
        }
    }

    /** @return how many lines were printed so far: a mark for {@link #linesSince}. */
    int mark()
    {
        synchronized (lines)
        {
            return lines.size();
        }
    }

    /** @return the lines printed after {@code mark} that contain {@code text}. */
    List<String> linesSince(final int mark, final String text)
    {
        final List<String> found = new ArrayList<>();
        final List<String> all = lines();
        for (int i = mark; i < all.size(); i++)
        {
            if (all.get(i).contains(text))
            {
                found.add(all.get(i));
            }
        }
        return found;
    }

    @Override
    public void close()
    {
        System.setErr(original);
    }

    private final class Tee extends OutputStream
    {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(final int b)
        {
            original.write(b);
            collect(b);
        }

        @Override
        public synchronized void write(final byte[] b, final int off, final int len)
        {
            original.write(b, off, len);
            for (int i = off; i < off + len; i++)
            {
                collect(b[i]);
            }
        }

        private void collect(final int b)
        {
            if (b == '\n')
            {
                final String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                synchronized (lines)
                {
                    lines.add(text);
                }
            }
            else
            {
                line.write(b);
            }
        }

        @Override
        public void flush()
        {
            original.flush();
        }
    }
}
