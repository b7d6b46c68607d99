package io.streamline.embedded.junit;

import io.streamline.embedded.StreamlineEngine;

import java.util.Map;
import java.util.TreeMap;

/**
 * One isolation scope's hold on an engine of a pool: the engine emptied by one reset when the scope takes it,
 * with the scope's topics (and the bootstrap property) set while no Kafka connection is accepted, so that a
 * client left open by an earlier scope cannot create one of them first. Kept in the scope's JUnit store, which
 * closes it when the scope ends; closing gives the engine back to the pool as it is.
 */
final class EngineLease implements AutoCloseable
{
    private final EnginePool pool;
    private final StreamlineEngine engine;
    private final StreamlineTest test;

    private EngineLease(final EnginePool pool, final StreamlineEngine engine, final StreamlineTest test)
    {
        this.pool = pool;
        this.engine = engine;
        this.test = test;
    }

    /**
     * Take an engine from the pool and prepare it for {@code test}.
     *
     * @param pool the pool.
     * @param test the settings of the class.
     * @return the lease.
     */
    static EngineLease take(final EnginePool pool, final StreamlineTest test)
    {
        final StreamlineEngine engine;
        try
        {
            engine = pool.take();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an engine", ex);
        }
        final EngineLease lease = new EngineLease(pool, engine, test);
        try
        {
            // Whatever an earlier scope (or, with a data directory, an earlier run) left, including what a client
            // it left open did since: emptied, and the topics created before any connection is accepted again.
            engine.reset(e -> lease.prepare());
        }
        catch (final RuntimeException ex)
        {
            try
            {
                pool.discard(engine);
            }
            catch (final RuntimeException suppressed)
            {
                ex.addSuppressed(suppressed);
            }
            throw ex;
        }
        return lease;
    }

    StreamlineEngine engine()
    {
        return engine;
    }

    /** Between two tests that share this lease (a class with one test instance): empty the engine again. */
    void resetAndPrepare()
    {
        engine.reset(e -> prepare());
    }

    private void prepare()
    {
        for (final TestTopic topic : test.topics())
        {
            engine.admin().createTopic(topic.name(), topic.partitions(), configs(topic));
        }
        if (!test.bootstrapServersProperty().isEmpty() && test.listener())
        {
            System.setProperty(test.bootstrapServersProperty(), engine.kafkaBootstrapServers());
        }
    }

    private static Map<String, String> configs(final TestTopic topic)
    {
        final Map<String, String> configs = new TreeMap<>();
        for (final String entry : topic.configs())
        {
            final int eq = entry.indexOf('=');
            if (eq <= 0)
            {
                throw new IllegalArgumentException("topic " + topic.name() + ": config '" + entry + "' is not name=value");
            }
            configs.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return configs;
    }

    /** Give the engine back to the pool (the next scope to take it empties it). */
    @Override
    public void close()
    {
        pool.giveBack(engine);
    }
}
