package io.streamline.group;

/**
 * The group coordinator's {@link io.streamline.coordinator.CoordinatorResult}: keyed by
 * {@link CoordinatorKey}, carrying {@link GroupRecord}s.
 *
 * @param <T> the response type.
 */
final class CoordinatorResult<T> extends io.streamline.coordinator.CoordinatorResult<T, CoordinatorKey, GroupRecord>
{
    private CoordinatorResult(final Effects effects, final T response, final CoordinatorKey parkKey)
    {
        super(effects, response, parkKey);
    }

    /** Collects what one group operation wants done. */
    static final class Effects extends io.streamline.coordinator.CoordinatorResult.Effects<CoordinatorKey, GroupRecord>
    {
        Effects(final long nowMs)
        {
            super(nowMs);
        }

        @Override
        public <T> CoordinatorResult<T> respond(final T response)
        {
            return new CoordinatorResult<>(this, response, null);
        }

        @Override
        public <T> CoordinatorResult<T> park(final CoordinatorKey key)
        {
            return new CoordinatorResult<>(this, null, key);
        }
    }
}
