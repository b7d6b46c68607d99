package io.streamline.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@code main} class of these tests run in a child JVM with this JVM's classpath: the test reads the lines it
 * prints, and kills it with SIGKILL (on Linux {@link ProcessHandle#destroyForcibly()} is {@code kill -9}), so it
 * gets no chance to close, flush or commit anything.
 */
final class ChildJvm implements AutoCloseable
{
    /** The exit value of a process ended by SIGKILL (128 + 9). */
    private static final int SIGKILL_EXIT_CODE = 137;

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private ChildJvm(final Process process, final Path stderr)
    {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(this::readLines, "child-jvm-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} with {@code args}, its stderr to a file in {@code dir}. */
    static ChildJvm start(final Path dir, final Class<?> mainClass, final String... args) throws IOException
    {
        final Path stderr = Files.createTempFile(dir, mainClass.getSimpleName() + "-", ".stderr");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ChildJvm(process, stderr);
    }

    /**
     * @return the first line the child prints from now on that starts with {@code prefix}; fails if the child dies
     *     or prints none within the timeout.
     */
    String awaitLine(final String prefix, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix))
            {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty())
            {
                fail("child exited with " + process.exitValue() + " before printing '" + prefix + "'\n" + stderr());
            }
        }
        return fail("child printed no line starting with '" + prefix + "' within " + timeoutMs + " ms\n" + stderr());
    }

    /** Kills the child with SIGKILL and checks that the signal is what ended it. */
    void kill() throws InterruptedException
    {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            fail("child " + process.pid() + " did not die of SIGKILL within 30 s");
        }
        assertEquals(SIGKILL_EXIT_CODE, process.exitValue(),
            "child was not ended by SIGKILL (it failed or exited by itself)\n" + stderr());
    }

    /** @return what the child wrote to stderr so far. */
    String stderr()
    {
        try
        {
            return Files.readString(stderr);
        }
        catch (final IOException ex)
        {
            return "(stderr unreadable: " + ex + ")";
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.toHandle().destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }

    private void readLines()
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            for (String line = in.readLine(); line != null; line = in.readLine())
            {
                lines.add(line);
            }
        }
        catch (final IOException ex)
        {
            lines.add("(stdout unreadable: " + ex + ")");
        }
    }
}
