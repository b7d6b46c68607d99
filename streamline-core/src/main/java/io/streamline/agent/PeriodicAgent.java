package io.streamline.agent;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.function.IntSupplier;

/**
 * An agent that does a piece of work every {@code intervalMs} by an injected clock, on its own daemon
 * thread, idling by sleeping in between. Errors go to the error handler and the agent keeps running.
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
    public static AgentRunner start(
        final String roleName, final EpochClock clock, final long intervalMs, final IntSupplier work,
        final ErrorHandler errorHandler)
    {
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(Math.max(1, Math.min(100, intervalMs / 4))),
            errorHandler, null, new PeriodicAgent(roleName, clock, Math.max(1, intervalMs), work));
        AgentRunner.startOnThread(runner, r ->
        {
            final Thread thread = new Thread(r);
            thread.setDaemon(true);
            return thread;
        });
        return runner;
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
