package io.streamline.group;

import java.util.ArrayList;
import java.util.List;

/**
 * What an operation returns to the runtime: records to append (the durable ones, in one batch) and replay,
 * timers to set or cancel, parked requests to answer, and the caller's response, or the key under which
 * the caller's request is parked until another operation answers it.
 *
 * @param <T> the response type.
 */
final class CoordinatorResult<T>
{
    /** A timer to set ({@code task} non-null) or cancel. */
    record TimerChange(CoordinatorKey key, long deadlineMs, CoordinatorOperation<?> task)
    {
    }

    /** A parked request to answer. */
    record Completion(CoordinatorKey key, Object response)
    {
    }

    private final List<GroupRecord> records;
    private final List<TimerChange> timers;
    private final List<Completion> completions;
    private final T response;
    private final CoordinatorKey parkKey;

    private CoordinatorResult(final Effects effects, final T response, final CoordinatorKey parkKey)
    {
        this.records = List.copyOf(effects.records);
        this.timers = List.copyOf(effects.timers);
        this.completions = List.copyOf(effects.completions);
        this.response = response;
        this.parkKey = parkKey;
    }

    List<GroupRecord> records()
    {
        return records;
    }

    List<TimerChange> timers()
    {
        return timers;
    }

    List<Completion> completions()
    {
        return completions;
    }

    /** @return the caller's response; meaningful when {@link #parkKey()} is null. */
    T response()
    {
        return response;
    }

    /** @return where the caller's request waits, or null if {@link #response()} answers it now. */
    CoordinatorKey parkKey()
    {
        return parkKey;
    }

    /**
     * Collects what one operation wants done. Handlers add to it and finish with {@link #respond} or
     * {@link #park}; it is never shared between operations.
     */
    static final class Effects
    {
        private final long nowMs;
        private final List<GroupRecord> records = new ArrayList<>();
        private final List<TimerChange> timers = new ArrayList<>();
        private final List<Completion> completions = new ArrayList<>();

        Effects(final long nowMs)
        {
            this.nowMs = nowMs;
        }

        long now()
        {
            return nowMs;
        }

        void record(final GroupRecord record)
        {
            records.add(record);
        }

        /** Set (or move) the timer {@code key} to run {@code task} at {@code deadlineMs}. */
        void schedule(final CoordinatorKey key, final long deadlineMs, final CoordinatorOperation<?> task)
        {
            timers.add(new TimerChange(key, deadlineMs, task));
        }

        void cancel(final CoordinatorKey key)
        {
            timers.add(new TimerChange(key, 0, null));
        }

        /** Answer the request parked under {@code key}, if one is. */
        void complete(final CoordinatorKey key, final Object response)
        {
            completions.add(new Completion(key, response));
        }

        <T> CoordinatorResult<T> respond(final T response)
        {
            return new CoordinatorResult<>(this, response, null);
        }

        <T> CoordinatorResult<T> park(final CoordinatorKey key)
        {
            return new CoordinatorResult<>(this, null, key);
        }
    }
}
