package io.streamline.examples;

import io.streamline.embedded.StreamlineEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Starts the dev broker in a child JVM, waits for its ready line, stops it with SIGTERM. */
class StreamlineServerTest
{
    @TempDir
    Path tmp;

    @Test
    void printsReadyAndShutsDownCleanlyOnSigterm() throws Exception
    {
        final Path data = tmp.resolve("server-data");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            StreamlineServer.class.getName(), "--data-dir", data.toString(), "--fsync", "always", "--port", "0",
            "--group-initial-rebalance-delay-ms", "3000", "--consumer-group-heartbeat-interval-ms", "5000")
            .redirectErrorStream(true).start();
        final List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = out.readLine()) != null)
            {
                lines.add(line);
                if (line.startsWith("Streamline ready: "))
                {
                    break;
                }
            }
            final String ready = lines.get(lines.size() - 1);
            assertTrue(ready.matches("Streamline ready: kafka=127\\.0\\.0\\.1:\\d+"), "ready line: " + lines);
            assertTrue(lines.contains("Streamline data: " + data.toAbsolutePath().normalize() + " fsync=always"), lines.toString());
            final int port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port))
            {
                assertTrue(socket.isConnected(), "the Kafka port accepts connections once ready is printed");
            }
            // A real SIGTERM (Process.destroy would also close our end of the pipes).
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "server stops on SIGTERM");
            while ((line = out.readLine()) != null)
            {
                lines.add(line);
            }
        }
        finally
        {
            process.destroyForcibly();
        }
        assertTrue(lines.contains("Streamline stopped"), "clean shutdown: " + lines);
        // The directory lock was released and the engine reopens.
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(data).build())
        {
            assertTrue(engine.admin().listTopics().isEmpty());
        }
    }

    @Test
    void groupSettingsAreOptionsWithTheEngineDefaultsUnlessGiven()
    {
        final StreamlineServer.Options defaults = StreamlineServer.Options.parse(new String[0]);
        assertEquals(-1, defaults.initialRebalanceDelayMs, "the engine's default");
        assertEquals(0, defaults.consumerHeartbeatIntervalMs, "the engine's default");
        final StreamlineServer.Options kafkaLike = StreamlineServer.Options.parse(new String[] {
            "--group-initial-rebalance-delay-ms", "3000", "--consumer-group-heartbeat-interval-ms", "5000"});
        assertEquals(3000, kafkaLike.initialRebalanceDelayMs);
        assertEquals(5000, kafkaLike.consumerHeartbeatIntervalMs);
        assertEquals(0, StreamlineServer.Options.parse(new String[] {"--group-initial-rebalance-delay-ms", "0"}).initialRebalanceDelayMs);

        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> StreamlineServer.Options.parse(new String[] {"--group-initial-rebalance-delay-ms", "-1"}));
        assertEquals("--group-initial-rebalance-delay-ms must be at least 0: -1", negative.getMessage());
        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> StreamlineServer.Options.parse(new String[] {"--consumer-group-heartbeat-interval-ms", "0"}));
        assertEquals("--consumer-group-heartbeat-interval-ms must be at least 1: 0", zero.getMessage());
        final IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
            () -> StreamlineServer.Options.parse(new String[] {"--consumer-group-heartbeat-interval-ms", "fast"}));
        assertEquals("--consumer-group-heartbeat-interval-ms needs a number of milliseconds, not fast", word.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> StreamlineServer.Options.parse(new String[] {"--consumer-group-heartbeat-interval-ms"}));
    }
}
