package io.streamline.coordinator;

/**
 * A piece of coordinator work: a request's handler or an expired timer's action. It reads the state and
 * returns what to change and what to answer; it changes no coordinator state itself.
 *
 * @param <T> the response type.
 * @param <K> the coordinator's key type (timers, parked requests).
 * @param <R> the coordinator's record type.
 */
@FunctionalInterface
public interface CoordinatorOperation<T, K, R>
{
    /**
     * @param nowMs the coordinator clock's time.
     * @return the records, timers, completions and response.
     */
    CoordinatorResult<T, K, R> run(long nowMs);
}
