package io.streamline.jmh;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A fixed set of threads that run one task per round: worker {@code i} always runs {@code task(i)}
 * on the same thread, which Chronicle Queue's appenders need (an appender belongs to one thread).
 * Start a round with {@link #start}, wait for it with {@link #join}.
 */
final class Workers implements AutoCloseable
{
    private final Thread[] threads;
    private final CyclicBarrier started;
    private final CyclicBarrier finished;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile IntConsumer task;
    private volatile boolean closed;

    Workers(final String name, final int count)
    {
        threads = new Thread[count];
        started = new CyclicBarrier(count + 1);
        finished = new CyclicBarrier(count + 1);
        for (int i = 0; i < count; i++)
        {
            final int index = i;
            threads[i] = new Thread(() -> loop(index), name + "-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    private void loop(final int index)
    {
        while (true)
        {
            await(started);
            if (closed)
            {
                return;
            }
            try
            {
                task.accept(index);
            }
            catch (final Throwable ex)
            {
                failure.compareAndSet(null, ex);
            }
            await(finished);
        }
    }

    /** @return the number of workers. */
    int size()
    {
        return threads.length;
    }

    /** Start a round: every worker {@code i} runs {@code task.accept(i)}. */
    void start(final IntConsumer task)
    {
        this.task = task;
        await(started);
    }

    /** Wait until every worker has finished the round, and rethrow the first failure. */
    void join()
    {
        await(finished);
        final Throwable ex = failure.getAndSet(null);
        if (ex != null)
        {
            throw new IllegalStateException("a worker failed", ex);
        }
    }

    /** Run one round and wait for it. */
    void run(final IntConsumer task)
    {
        start(task);
        join();
    }

    @Override
    public void close()
    {
        closed = true;
        try
        {
            started.await(10, TimeUnit.SECONDS);
            for (final Thread thread : threads)
            {
                thread.join(10_000);
            }
        }
        catch (final InterruptedException | BrokenBarrierException | TimeoutException ex)
        {
            for (final Thread thread : threads)
            {
                thread.interrupt();
            }
        }
    }

    private static void await(final CyclicBarrier barrier)
    {
        try
        {
            barrier.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        catch (final BrokenBarrierException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
