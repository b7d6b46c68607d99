package io.streamline.kafka;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

import java.util.UUID;

/** Conversions between the engine's topics and errors and Kafka's wire types. */
final class Topics
{
    /**
     * The leader epoch of every partition: one replica that never changes, so one epoch from the
     * partition's creation on (see KAFKA-SEMANTICS.md).
     */
    static final int LEADER_EPOCH = io.streamline.log.PartitionLog.LEADER_EPOCH;

    private Topics()
    {
    }

    static Uuid toKafka(final UUID id)
    {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    static UUID fromKafka(final Uuid id)
    {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /** @return the topic with that name, or null. */
    static Topic byName(final StreamlineEngine engine, final String name)
    {
        return name == null ? null : engine.topicManager().topic(name);
    }

    /** @return the topic with that id, or null. */
    static Topic byId(final StreamlineEngine engine, final Uuid id)
    {
        return id == null || Uuid.ZERO_UUID.equals(id) ? null : engine.topicManager().topic(fromKafka(id));
    }

    static short code(final ErrorCode code)
    {
        return code.code();
    }

    /**
     * Kafka's check of a request's current leader epoch against the partition's: -1 means "not known"
     * and passes; a newer epoch than the leader's is UNKNOWN_LEADER_EPOCH, an older one FENCED_LEADER_EPOCH.
     *
     * @return the error code, NONE if the epoch is acceptable.
     */
    static short leaderEpochError(final int currentLeaderEpoch)
    {
        if (currentLeaderEpoch == -1 || currentLeaderEpoch == LEADER_EPOCH)
        {
            return Errors.NONE.code();
        }
        return currentLeaderEpoch > LEADER_EPOCH ? Errors.UNKNOWN_LEADER_EPOCH.code() : Errors.FENCED_LEADER_EPOCH.code();
    }

    /**
     * @return the exception's message for an error_message field, cut to 1,000 characters: a message that
     * quotes a client's 32 KiB topic name would not fit the field's 32,767 bytes, and the response could
     * not be written.
     */
    static String message(final RuntimeException ex)
    {
        final String message = ex.getMessage();
        return message == null || message.length() <= 1000 ? message : message.substring(0, 1000) + "...";
    }

    /** @return true if {@code topic} exists and has {@code partition}. */
    static boolean hasPartition(final Topic topic, final int partition)
    {
        return topic != null && partition >= 0 && partition < topic.partitionCount();
    }

    /** @return the error for a partition {@link #hasPartition} refused: by id, an unknown topic is UNKNOWN_TOPIC_ID. */
    static short unknownPartition(final Topic topic, final boolean byId)
    {
        return topic == null && byId ? Errors.UNKNOWN_TOPIC_ID.code() : Errors.UNKNOWN_TOPIC_OR_PARTITION.code();
    }

    /** @return the Kafka error code of an exception from the engine. */
    static short code(final RuntimeException ex)
    {
        if (ex instanceof StreamlineException se)
        {
            return se.errorCode().code();
        }
        return Errors.UNKNOWN_SERVER_ERROR.code();
    }
}
