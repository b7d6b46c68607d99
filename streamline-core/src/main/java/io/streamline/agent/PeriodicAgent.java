package io.streamline.agent;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * An agent that does a piece of work every {@code intervalMs} by an injected clock, on its own daemon
 * thread, idling by sleeping in between. Errors go to the error handler and the agent keeps running.
 * Closing it stops the thread at once: a sleep in progress is cut short, not waited out.
 */
public final class PeriodicAgent implements Agent
{
    private final String roleName;
    private final EpochClock clock;
    private final long intervalMs;
    private final IntSupplier work;
    private long nextRunMs;

    private PeriodicAgent(final String roleName, final EpochClock clock, final long intervalMs, final IntSupplier work)
    {
        this.roleName = roleName;
        this.clock = clock;
        this.intervalMs = intervalMs;
        this.work = work;
        this.nextRunMs = clock.time() + intervalMs;
    }

    /**
     * Start {@code work} on a daemon thread named {@code roleName}, every {@code intervalMs}.
     *
     * @param roleName     the thread's and agent's name.
     * @param clock        the clock deciding when the interval has passed.
     * @param intervalMs   the interval, at least 1.
     * @param work         the work; returns how much it did (0 for nothing).
     * @param errorHandler told of every exception the work throws.
     * @return the running agent; close it to stop and join the thread.
     */
    public static Running start(
        final String roleName, final EpochClock clock, final long intervalMs, final IntSupplier work,
        final ErrorHandler errorHandler)
    {
        final WakeableSleep idle = new WakeableSleep(TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(100, intervalMs / 4))));
        final AgentRunner runner = new AgentRunner(idle, errorHandler, null,
            new PeriodicAgent(roleName, clock, Math.max(1, intervalMs), work));
        AgentRunner.startOnThread(runner, r ->
        {
            final Thread thread = new Thread(r);
            thread.setDaemon(true);
            return thread;
        });
        return new Running(runner, idle);
    }

    /** A started agent. */
    public static final class Running implements AutoCloseable
    {
        private final AgentRunner runner;
        private final WakeableSleep idle;

        private Running(final AgentRunner runner, final WakeableSleep idle)
        {
            this.runner = runner;
            this.idle = idle;
        }

        /** Stop the agent (work in progress finishes first) and join its thread. */
        @Override
        public void close()
        {
            idle.stop();
            runner.close();
        }
    }

    /**
     * Sleeps by parking, so that {@link #stop} can wake the agent's thread; once stopped it no longer sleeps, and
     * the runner's loop ends as soon as the runner is closed. (A plain sleep would make every close wait out up
     * to a whole sleep period.)
     */
    private static final class WakeableSleep implements IdleStrategy
    {
        private final long sleepNs;
        private volatile Thread sleeper;
        private volatile boolean stopped;

        WakeableSleep(final long sleepNs)
        {
            this.sleepNs = sleepNs;
        }

        @Override
        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                idle();
            }
        }

        @Override
        public void idle()
        {
            sleeper = Thread.currentThread(); // Written before stopped is read, as stop() writes stopped before reading it.
            if (stopped)
            {
                Thread.onSpinWait();
                return;
            }
            LockSupport.parkNanos(this, sleepNs);
        }

        @Override
        public void reset()
        {
        }

        void stop()
        {
            stopped = true;
            final Thread thread = sleeper;
            if (thread != null)
            {
                LockSupport.unpark(thread);
            }
        }
    }

    @Override
    public int doWork()
    {
        final long now = clock.time();
        if (now < nextRunMs)
        {
            return 0;
        }
        nextRunMs = now + intervalMs;
        return work.getAsInt();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
