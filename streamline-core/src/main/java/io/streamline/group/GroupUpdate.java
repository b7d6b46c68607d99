package io.streamline.group;

import io.streamline.group.CoordinatorResult.Effects;

/**
 * One operation's change to one classic group: a draft copy of the group, the operation's effects, and
 * whether the change must be durable. Finishing it records the draft (frozen) as the group's next value
 * if anything changed, so handlers never touch the group the state holds.
 */
final class GroupUpdate
{
    private final ClassicGroup draft;
    private final Effects effects;
    private boolean durable;

    private GroupUpdate(final ClassicGroup draft, final Effects effects, final boolean durable)
    {
        this.draft = draft;
        this.effects = effects;
        this.durable = durable;
    }

    /** A change to an existing group. */
    static GroupUpdate of(final ClassicGroup current, final Effects effects)
    {
        return new GroupUpdate(current.copy(), effects, false);
    }

    /** A new group: durable, so the group exists after a restart as Kafka's empty group record makes it. */
    static GroupUpdate create(final String groupId, final Effects effects)
    {
        return new GroupUpdate(ClassicGroup.create(groupId, effects.now()), effects, true);
    }

    ClassicGroup group()
    {
        return draft;
    }

    Effects effects()
    {
        return effects;
    }

    long now()
    {
        return effects.now();
    }

    /** Make the group's record durable: its metadata is appended to the log. */
    void persist()
    {
        durable = true;
    }

    /** Record the group's next value, if it changed or must be written. Call once, last. */
    void finish()
    {
        if (durable || draft.isChanged())
        {
            effects.record(new GroupMetadataRecord(draft.groupId(), draft.freeze(), durable));
        }
    }

    <T> CoordinatorResult<T> respond(final T response)
    {
        finish();
        return effects.respond(response);
    }

    <T> CoordinatorResult<T> park(final CoordinatorKey key)
    {
        finish();
        return effects.park(key);
    }
}
