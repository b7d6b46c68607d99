package io.streamline.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a tool to completion with a bounded wait: its output goes to files (so a chatty tool never blocks on a
 * full pipe), and a tool still running at the deadline is killed with its children and the test fails.
 */
final class ExternalProcess
{
    /** What a finished tool left: its exit code and its whole output. */
    record Result(List<String> command, int exitCode, String stdout, String stderr)
    {
        /** @return this result, failing with the command and both outputs unless the exit code is 0. */
        Result requireSuccess()
        {
            if (exitCode != 0)
            {
                fail(describe("exited with " + exitCode));
            }
            return this;
        }

        String describe(final String what)
        {
            return String.join(" ", command) + " " + what + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    private ExternalProcess()
    {
    }

    /**
     * @param command     the program and its arguments.
     * @param workDir     the working directory.
     * @param environment variables added to this JVM's environment.
     * @param stdin       what the tool reads on standard input (then closed), or null for nothing.
     * @param timeout     how long to wait for it to exit.
     */
    static Result run(final List<String> command, final Path workDir, final Map<String, String> environment,
        final String stdin, final Duration timeout) throws IOException, InterruptedException
    {
        final Path out = Files.createTempFile("tool-", ".out");
        final Path err = Files.createTempFile("tool-", ".err");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(nullDevice()) : ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(environment);
        final Process process = builder.start();
        IOException stdinError = null;
        try
        {
            if (stdin != null)
            {
                try (OutputStream in = process.getOutputStream())
                {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                catch (final IOException ex)
                {
                    // The tool exited before reading all of it: its exit code and stderr below say why.
                    stdinError = ex;
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                destroy(process);
                fail(new Result(command, -1, Files.readString(out), Files.readString(err))
                    .describe("did not finish within " + timeout + "; killed"));
            }
            final Result result = new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
            if (stdinError != null && result.exitCode() == 0)
            {
                fail(result.describe("exited with 0 without reading all of its input: " + stdinError));
            }
            return result;
        }
        finally
        {
            destroy(process);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static java.io.File nullDevice()
    {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void destroy(final Process process) throws InterruptedException
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
