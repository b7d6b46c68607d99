package io.streamline.coordinator;

import java.util.ArrayList;
import java.util.List;

/**
 * What an operation returns to the runtime: records to append (the durable ones, in one batch) and replay,
 * timers to set or cancel, parked requests to answer, and the caller's response, or the key under which
 * the caller's request is parked until another operation answers it.
 *
 * @param <T> the response type.
 * @param <K> the coordinator's key type.
 * @param <R> the coordinator's record type.
 */
public class CoordinatorResult<T, K, R>
{
    /** A timer to set ({@code task} non-null) or cancel. */
    public record TimerChange<K>(K key, long deadlineMs, CoordinatorOperation<?, K, ?> task)
    {
    }

    /** A parked request to answer. */
    public record Completion<K>(K key, Object response)
    {
    }

    private final List<R> records;
    private final List<TimerChange<K>> timers;
    private final List<Completion<K>> completions;
    private final T response;
    private final K parkKey;

    protected CoordinatorResult(final Effects<K, R> effects, final T response, final K parkKey)
    {
        this.records = List.copyOf(effects.records);
        this.timers = List.copyOf(effects.timers);
        this.completions = List.copyOf(effects.completions);
        this.response = response;
        this.parkKey = parkKey;
    }

    /** @return the records, in order. */
    public List<R> records()
    {
        return records;
    }

    /** @return the timer changes, in order. */
    public List<TimerChange<K>> timers()
    {
        return timers;
    }

    /** @return the parked requests to answer. */
    public List<Completion<K>> completions()
    {
        return completions;
    }

    /** @return the caller's response; meaningful when {@link #parkKey()} is null. */
    public T response()
    {
        return response;
    }

    /** @return where the caller's request waits, or null if {@link #response()} answers it now. */
    public K parkKey()
    {
        return parkKey;
    }

    /**
     * Collects what one operation wants done. Handlers add to it and finish with {@link #respond} or
     * {@link #park}; it is never shared between operations.
     *
     * @param <K> the coordinator's key type.
     * @param <R> the coordinator's record type.
     */
    public static class Effects<K, R>
    {
        private final long nowMs;
        private final List<R> records = new ArrayList<>();
        private final List<TimerChange<K>> timers = new ArrayList<>();
        private final List<Completion<K>> completions = new ArrayList<>();

        public Effects(final long nowMs)
        {
            this.nowMs = nowMs;
        }

        /** @return the operation's time. */
        public long now()
        {
            return nowMs;
        }

        /** Append (if durable) and replay {@code record}. */
        public void record(final R record)
        {
            records.add(record);
        }

        /** @return the records added so far (read only). */
        public List<R> records()
        {
            return java.util.Collections.unmodifiableList(records);
        }

        /** Set (or move) the timer {@code key} to run {@code task} at {@code deadlineMs}. */
        public void schedule(final K key, final long deadlineMs, final CoordinatorOperation<?, K, R> task)
        {
            timers.add(new TimerChange<>(key, deadlineMs, task));
        }

        /** Cancel the timer {@code key}, if set. */
        public void cancel(final K key)
        {
            timers.add(new TimerChange<>(key, 0, null));
        }

        /** Answer the request parked under {@code key}, if one is. */
        public void complete(final K key, final Object response)
        {
            completions.add(new Completion<>(key, response));
        }

        /** @return the result answering the caller with {@code response}. */
        public <T> CoordinatorResult<T, K, R> respond(final T response)
        {
            return new CoordinatorResult<>(this, response, null);
        }

        /** @return the result parking the caller's request under {@code key}. */
        public <T> CoordinatorResult<T, K, R> park(final K key)
        {
            return new CoordinatorResult<>(this, null, key);
        }
    }
}
