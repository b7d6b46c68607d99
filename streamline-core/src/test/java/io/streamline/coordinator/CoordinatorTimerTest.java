package io.streamline.coordinator;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** The coordinator's timers fire exactly when the clock passes their deadlines, also after jumps of days. */
class CoordinatorTimerTest
{
    private static final long START = 1_700_000_000_000L;

    private static String key(final int i)
    {
        return "heartbeat g m" + i;
    }

    @Test
    void schedulesMovesCancelsAndFiresByKey()
    {
        final CoordinatorTimer<String> timer = new CoordinatorTimer<>(START);
        final List<String> fired = new ArrayList<>();
        timer.schedule(key(1), START + 100, now -> null);
        timer.schedule(key(2), START + 50, now -> null);
        timer.schedule(key(1), START + 300, now -> null); // moved
        timer.schedule(key(3), START + 200, now -> null);
        timer.cancel(key(3));
        assertEquals(2, timer.size());
        assertEquals(START + 300, timer.deadline(key(1)));
        assertEquals(0, timer.poll(START + 49, (k, task) -> fired.add(k)));
        assertEquals(1, timer.poll(START + 299, (k, task) -> fired.add(k)));
        assertEquals(List.of(key(2)), fired);
        assertEquals(1, timer.poll(START + 7L * 24 * 3600 * 1000, (k, task) -> fired.add(k)));
        assertEquals(List.of(key(2), key(1)), fired);
        assertEquals(Long.MAX_VALUE, timer.earliestDeadline());
        assertFalse(timer.isScheduled(key(1)));
    }

    @Property(tries = 200)
    void firesExactlyTheTimersWhoseDeadlinesPassed(@ForAll @Size(max = 40) final List<@LongRange(min = 0, max = 30L * 24 * 3600 * 1000) Long> deadlines,
        @ForAll @Size(min = 1, max = 10) final List<@LongRange(min = 0, max = 10L * 24 * 3600 * 1000) Long> steps)
    {
        final CoordinatorTimer<String> timer = new CoordinatorTimer<>(START);
        final TreeMap<Integer, Long> pending = new TreeMap<>();
        for (int i = 0; i < deadlines.size(); i++)
        {
            timer.schedule(key(i), START + deadlines.get(i), now -> null);
            pending.put(i, START + deadlines.get(i));
        }
        long now = START;
        for (final long step : steps)
        {
            now += step;
            final List<String> fired = new ArrayList<>();
            timer.poll(now, (k, task) -> fired.add(k));
            final List<String> expected = new ArrayList<>();
            final long t = now;
            pending.entrySet().removeIf(e ->
            {
                if (e.getValue() <= t)
                {
                    expected.add(key(e.getKey()));
                    return true;
                }
                return false;
            });
            assertEquals(new java.util.HashSet<>(expected), new java.util.HashSet<>(fired), "at +" + (now - START) + " ms");
            assertEquals(pending.size(), timer.size());
            assertTrue(timer.earliestDeadline() <= pending.values().stream().min(Long::compare).orElse(Long.MAX_VALUE));
        }
    }
}
