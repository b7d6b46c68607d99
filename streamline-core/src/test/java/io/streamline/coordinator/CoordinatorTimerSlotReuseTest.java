package io.streamline.coordinator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two timers of consecutive milliseconds expire in one poll; the first one's action sets a timer a whole number of
 * wheel turns after now (7 days, as TransactionHandler's transactional.id expiry), which lands in the spoke of the
 * second one and gets its freed slot, and so its id. The second timer must still fire, and the new one must not.
 */
class CoordinatorTimerSlotReuseTest
{
    private static final long START = 1_700_000_000_000L;

    @Test
    void aTimerSetByAnExpiringTimersActionDoesNotReplaceAnotherExpiredTimer()
    {
        final CoordinatorTimer<String> timer = new CoordinatorTimer<>(START);
        final List<String> fired = new ArrayList<>();
        timer.schedule("complete a", START + 10, now -> null);
        timer.schedule("complete b", START + 11, now -> null);
        timer.poll(START + 11, (key, task) ->
        {
            fired.add(key);
            if (key.equals("complete a") || key.equals("complete b"))
            {
                timer.schedule("expire " + key.substring(9), START + 11 + 7L * 24 * 3600 * 1000, now -> null);
            }
        });
        assertEquals(List.of("complete a", "complete b"), fired);
        assertTrue(timer.isScheduled("expire a"));
        assertTrue(timer.isScheduled("expire b"));
        assertEquals(2, timer.size());
    }
}
