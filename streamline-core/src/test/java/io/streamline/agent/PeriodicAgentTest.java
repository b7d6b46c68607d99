package io.streamline.agent;

import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeriodicAgentTest
{
    private static boolean threadAlive(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void runsTheWorkEveryIntervalKeepsGoingAfterErrorsAndCloseJoinsTheThread() throws Exception
    {
        final AtomicInteger runs = new AtomicInteger();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final PeriodicAgent.Running agent = PeriodicAgent.start("periodic-agent-test", SystemEpochClock.INSTANCE, 1, () ->
        {
            if (runs.incrementAndGet() % 2 == 0)
            {
                throw new IllegalStateException("run " + runs.get());
            }
            return 1;
        }, errors::add);
        while (runs.get() < 6)
        {
            Thread.sleep(1);
        }
        assertTrue(threadAlive("periodic-agent-test"));
        agent.close();
        assertFalse(threadAlive("periodic-agent-test"), "close joins the agent's thread");
        final int afterClose = runs.get();
        assertTrue(errors.size() >= 3 && errors.stream().allMatch(e -> e instanceof IllegalStateException), errors.toString());
        Thread.sleep(20);
        assertEquals(afterClose, runs.get(), "no work after close");
    }

    @Test
    void closingAnAgentThatSleepsALongIntervalWakesIt()
    {
        final AtomicInteger runs = new AtomicInteger();
        final PeriodicAgent.Running agent = PeriodicAgent.start("periodic-agent-sleeper", SystemEpochClock.INSTANCE,
            TimeUnit.HOURS.toMillis(1), runs::incrementAndGet, Throwable::printStackTrace);
        agent.close();
        assertFalse(threadAlive("periodic-agent-sleeper"));
        assertEquals(0, runs.get(), "an hour's interval had not passed");
    }
}
