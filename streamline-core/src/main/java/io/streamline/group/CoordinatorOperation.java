package io.streamline.group;

/**
 * A piece of group coordinator work: a request's handler or an expired timer's action. It reads the state
 * and returns what to change and what to answer; it changes nothing itself.
 *
 * @param <T> the response type.
 */
@FunctionalInterface
interface CoordinatorOperation<T> extends io.streamline.coordinator.CoordinatorOperation<T, CoordinatorKey, GroupRecord>
{
    /**
     * @param nowMs the coordinator clock's time.
     * @return the records, timers, completions and response.
     */
    @Override
    CoordinatorResult<T> run(long nowMs);
}
