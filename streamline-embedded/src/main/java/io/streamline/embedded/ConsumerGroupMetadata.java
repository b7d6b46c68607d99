package io.streamline.embedded;

/**
 * A group member's identity, as Kafka's {@code ConsumerGroupMetadata}.
 *
 * @param groupId         the group.
 * @param generationId    the generation the member joined, or -1 before it has joined.
 * @param memberId        the member id the coordinator gave, or "" before it has joined.
 * @param groupInstanceId the static member id, or null.
 */
public record ConsumerGroupMetadata(String groupId, int generationId, String memberId, String groupInstanceId)
{
}
