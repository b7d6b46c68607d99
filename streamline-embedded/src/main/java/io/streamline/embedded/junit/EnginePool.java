package io.streamline.embedded.junit;

import io.streamline.embedded.StreamlineEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Engines of one {@link EngineSettings}, each used by one isolation scope (a test or a class) at a time:
 * a scope takes an idle engine, or a new one, empties it (see {@link EngineLease}) and gives it back. Tests that run one after another
 * therefore reuse a single engine; tests that run concurrently get one each, so they never see each
 * other's topics. Kept in a JUnit store, which closes it (and its engines) when the class or the run ends.
 * <p>
 * Threading: thread-safe.
 */
final class EnginePool implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EnginePool.class);
    private static final long MAX_WAIT_MS = TimeUnit.MINUTES.toMillis(10);

    private final EngineSettings settings;
    private final ArrayDeque<StreamlineEngine> idle = new ArrayDeque<>();
    private final List<StreamlineEngine> all = new ArrayList<>();
    private int starting;
    private int nextIndex;
    private boolean closed;

    EnginePool(final EngineSettings settings)
    {
        this.settings = settings;
    }

    /**
     * @return an engine for the caller's use alone, until {@link #giveBack}: an idle one, or a new one if
     *         none is idle and the settings allow another (else this waits for one).
     */
    StreamlineEngine take() throws InterruptedException
    {
        final int index;
        synchronized (this)
        {
            final long deadline = System.currentTimeMillis() + MAX_WAIT_MS;
            while (idle.isEmpty() && all.size() + starting >= settings.maxEngines())
            {
                final long left = deadline - System.currentTimeMillis();
                if (left <= 0 || closed)
                {
                    throw new IllegalStateException("no engine of " + settings + " became free within " + MAX_WAIT_MS + " ms");
                }
                wait(left);
            }
            ensureOpen();
            if (!idle.isEmpty())
            {
                return idle.pop();
            }
            index = nextIndex++;
            starting++; // Counts the engine while it starts outside the lock.
        }
        final StreamlineEngine engine;
        try
        {
            engine = settings.start(index);
        }
        catch (final RuntimeException ex)
        {
            synchronized (this)
            {
                starting--;
                notifyAll();
            }
            throw ex;
        }
        synchronized (this)
        {
            starting--;
            if (!closed)
            {
                all.add(engine);
                return engine;
            }
        }
        engine.close();
        throw new IllegalStateException("engine pool of " + settings + " closed while an engine started");
    }

    /**
     * Take back an engine from {@link #take}: it becomes idle as it is (the next taker empties it, see
     * {@link EngineLease}), or is closed if the pool is.
     *
     * @param engine the engine.
     */
    void giveBack(final StreamlineEngine engine)
    {
        synchronized (this)
        {
            if (!closed)
            {
                idle.push(engine);
                notifyAll();
                return;
            }
        }
        engine.close(); // Closing twice is harmless: the pool may have closed it already.
    }

    /**
     * Drop an engine from {@link #take} that failed (its reset or preparation threw), and close it.
     *
     * @param engine the engine.
     */
    void discard(final StreamlineEngine engine)
    {
        synchronized (this)
        {
            all.remove(engine);
            notifyAll();
        }
        engine.close();
    }

    /** @return how many engines this pool has started and not closed, for tests. */
    synchronized int size()
    {
        return all.size();
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("engine pool of " + settings + " is closed");
        }
    }

    /** Close every engine, idle or not: the class or the run has ended. */
    @Override
    public void close()
    {
        final List<StreamlineEngine> engines;
        synchronized (this)
        {
            closed = true;
            engines = new ArrayList<>(all);
            all.clear();
            idle.clear();
            notifyAll();
        }
        RuntimeException failure = null;
        for (final StreamlineEngine engine : engines)
        {
            try
            {
                engine.close();
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("engine of {} failed to close", settings, ex);
                if (failure == null)
                {
                    failure = ex;
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }
}
