package io.streamline.coordinator;

import org.agrona.DeadlineTimerWheel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The coordinator's timers, by key, on Agrona's {@link DeadlineTimerWheel} with millisecond ticks: setting a
 * key again moves its timer. Time is whatever the coordinator's clock says, so a test's manual clock fires
 * timers exactly when it passes their deadlines.
 * <p>
 * The wheel visits one tick per poll; after a long gap (a manual clock moved by days) the wheel is moved
 * to one revolution before now, so a poll catches up in at most one revolution of visits while every
 * timer is still seen (each sits in the slot of its deadline and expires once its deadline has passed).
 * <p>
 * Threading: the coordinator's thread only.
 *
 * @param <K> the coordinator's key type.
 */
public final class CoordinatorTimer<K>
{
    private static final int TICKS_PER_WHEEL = 512;
    private static final int EXPIRY_LIMIT = 1024;

    private final DeadlineTimerWheel wheel;
    private final Map<K, Long> idsByKey = new HashMap<>();
    private final Map<Long, K> keysById = new HashMap<>();
    private final Map<Long, CoordinatorOperation<?, K, ?>> tasksById = new HashMap<>();
    private final Set<K> firing = new HashSet<>();
    private long earliestDeadline = Long.MAX_VALUE;

    public CoordinatorTimer(final long startMs)
    {
        wheel = new DeadlineTimerWheel(TimeUnit.MILLISECONDS, startMs, 1, TICKS_PER_WHEEL);
    }

    /** Set (or move) the timer {@code key}. */
    public void schedule(final K key, final long deadlineMs, final CoordinatorOperation<?, K, ?> task)
    {
        cancel(key);
        final long id = wheel.scheduleTimer(deadlineMs);
        idsByKey.put(key, id);
        keysById.put(id, key);
        tasksById.put(id, task);
        earliestDeadline = Math.min(earliestDeadline, deadlineMs);
    }

    /** Cancel the timer {@code key}, if set. */
    public void cancel(final K key)
    {
        firing.remove(key);
        final Long id = idsByKey.remove(key);
        if (id != null)
        {
            wheel.cancelTimer(id);
            keysById.remove(id);
            tasksById.remove(id);
        }
    }

    /** @return true if the timer {@code key} is set. */
    public boolean isScheduled(final K key)
    {
        return idsByKey.containsKey(key);
    }

    /** @return the deadline of {@code key}'s timer, or -1 if none is set. */
    public long deadline(final K key)
    {
        final Long id = idsByKey.get(key);
        return id == null ? -1 : wheel.deadline(id);
    }

    /** @return the number of timers set. */
    public int size()
    {
        return idsByKey.size();
    }

    /**
     * @return a time at or before the earliest deadline (timers cancelled since may make it earlier than
     *         needed), or {@link Long#MAX_VALUE} with no timer.
     */
    public long earliestDeadline()
    {
        return idsByKey.isEmpty() ? Long.MAX_VALUE : earliestDeadline;
    }

    /**
     * Hand every timer whose deadline has passed to {@code expired}, in wheel order; each is removed before
     * it is handed over, so the action may set the same key again.
     *
     * @return how many expired.
     */
    public int poll(final long nowMs, final BiConsumer<K, CoordinatorOperation<?, K, ?>> expired)
    {
        if (idsByKey.isEmpty() || nowMs < earliestDeadline)
        {
            return 0;
        }
        final long span = (long)TICKS_PER_WHEEL * wheel.tickResolution();
        if (nowMs - wheel.currentTickTime() > span)
        {
            wheel.currentTickTime(nowMs - span);
        }
        int count = 0;
        // Resolve each expired timer to its key and task as the wheel hands it over, before any action runs: an
        // action that sets a timer may get the wheel slot, and so the id, of a timer expired in this same poll.
        final ArrayList<K> dueKeys = new ArrayList<>();
        final ArrayList<CoordinatorOperation<?, K, ?>> dueTasks = new ArrayList<>();
        // Each poll visits the current tick's slot, then moves to the next tick if that one has begun: done
        // when a poll neither expires anything nor moves on (the tick of nowMs has been visited).
        while (wheel.timerCount() > 0)
        {
            final long tickBefore = wheel.currentTickTime();
            final int found = wheel.poll(nowMs, (timeUnit, now, timerId) ->
            {
                final K key = keysById.remove(timerId);
                final CoordinatorOperation<?, K, ?> task = tasksById.remove(timerId);
                if (key != null)
                {
                    idsByKey.remove(key);
                    dueKeys.add(key);
                    dueTasks.add(task);
                }
                return true;
            }, EXPIRY_LIMIT);
            if (found == 0 && wheel.currentTickTime() == tickBefore)
            {
                break;
            }
        }
        firing.addAll(dueKeys);
        try
        {
            for (int i = 0; i < dueKeys.size(); i++)
            {
                // An earlier action of this poll may have cancelled or moved this key: then it does not fire.
                if (firing.remove(dueKeys.get(i)))
                {
                    count++;
                    expired.accept(dueKeys.get(i), dueTasks.get(i));
                }
            }
        }
        finally
        {
            firing.clear();
        }
        earliestDeadline = Long.MAX_VALUE;
        wheel.forEach((deadline, timerId) -> earliestDeadline = Math.min(earliestDeadline, deadline));
        return count;
    }
}
