package io.streamline.examples;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.group.GroupConfig;
import io.streamline.log.FsyncPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code streamline-server.jar}: the dev broker. Opens an engine (files in {@code ./streamline-data} by
 * default) with the Kafka listener on 127.0.0.1:9092, prints {@code Streamline ready: kafka=HOST:PORT}
 * once it accepts connections ({@code Streamline ready: data=DIR} with {@code --no-listener}), and runs
 * until SIGTERM or SIGINT, then closes the engine cleanly.
 */
public final class StreamlineServer
{
    private StreamlineServer()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code [--data-dir DIR | --in-memory] [--fsync never|interval[:ms]|always] [--port N] [--host H]
     *             [--no-listener] [--group-initial-rebalance-delay-ms N] [--consumer-group-heartbeat-interval-ms N]}
     * @throws InterruptedException if interrupted while waiting for shutdown.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final Options options = Options.parse(args);
        if (options == null)
        {
            return;
        }
        final StreamlineEngine.Builder builder = StreamlineEngine.builder().fsync(options.fsync);
        if (options.initialRebalanceDelayMs >= 0)
        {
            builder.groupInitialRebalanceDelay(Duration.ofMillis(options.initialRebalanceDelayMs));
        }
        if (options.consumerHeartbeatIntervalMs > 0)
        {
            builder.consumerGroupTimeouts(Duration.ofMillis(options.consumerHeartbeatIntervalMs),
                Duration.ofMillis(GroupConfig.DEFAULT_CONSUMER_SESSION_TIMEOUT_MS));
        }
        if (!options.inMemory)
        {
            builder.dataDir(options.dataDir);
        }
        if (options.listener)
        {
            builder.kafkaListener(options.host, options.port);
        }
        final StreamlineEngine engine = builder.build();
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            engine.close();
            stopped.countDown();
            try
            {
                main.join(5000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "streamline-shutdown"));
        final String data = options.inMemory ? "memory" : options.dataDir.toAbsolutePath().normalize().toString();
        if (options.listener)
        {
            System.out.println("Streamline data: " + data + " fsync=" + options.fsync);
            System.out.println("Streamline ready: kafka=" + engine.kafkaBootstrapServers());
        }
        else
        {
            System.out.println("Streamline fsync=" + options.fsync);
            System.out.println("Streamline ready: data=" + data);
        }
        System.out.flush();
        stopped.await();
        System.out.println("Streamline stopped");
    }

    static final class Options
    {
        Path dataDir = Path.of("streamline-data");
        boolean inMemory;
        FsyncPolicy fsync = FsyncPolicy.never();
        int port = 9092;
        String host = "127.0.0.1";
        boolean listener = true;
        /** {@code group.initial.rebalance.delay.ms}, or -1 for the engine's default (0). */
        int initialRebalanceDelayMs = -1;
        /** {@code group.consumer.heartbeat.interval.ms}, or 0 for the engine's default (500). */
        int consumerHeartbeatIntervalMs;

        static Options parse(final String[] args)
        {
            final Options o = new Options();
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--data-dir" -> o.dataDir = Path.of(value(args, ++i, "--data-dir"));
                    case "--in-memory" -> o.inMemory = true;
                    case "--fsync" -> o.fsync = FsyncPolicy.parse(value(args, ++i, "--fsync"));
                    case "--port" -> o.port = Integer.parseInt(value(args, ++i, "--port"));
                    case "--host" -> o.host = value(args, ++i, "--host");
                    case "--no-listener" -> o.listener = false;
                    case "--group-initial-rebalance-delay-ms" ->
                        o.initialRebalanceDelayMs = atLeast(0, value(args, ++i, "--group-initial-rebalance-delay-ms"), args[i - 1]);
                    case "--consumer-group-heartbeat-interval-ms" ->
                        o.consumerHeartbeatIntervalMs = atLeast(1, value(args, ++i, "--consumer-group-heartbeat-interval-ms"), args[i - 1]);
                    case "--help", "-h" ->
                    {
                        System.out.println("usage: java -jar streamline-server.jar [--data-dir DIR | --in-memory] " +
                            "[--fsync never|interval[:ms]|always] [--port N (default 9092, 0 = any free)] " +
                            "[--host HOST (default 127.0.0.1)] [--no-listener] " +
                            "[--group-initial-rebalance-delay-ms N (default 0; Kafka's is 3000)] " +
                            "[--consumer-group-heartbeat-interval-ms N (default 500; Kafka's is 5000)]");
                        return null;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
                }
            }
            return o;
        }

        private static int atLeast(final int min, final String value, final String flag)
        {
            final int parsed;
            try
            {
                parsed = Integer.parseInt(value);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(flag + " needs a number of milliseconds, not " + value);
            }
            if (parsed < min)
            {
                throw new IllegalArgumentException(flag + " must be at least " + min + ": " + value);
            }
            return parsed;
        }

        private static String value(final String[] args, final int i, final String flag)
        {
            if (i >= args.length)
            {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }
}
