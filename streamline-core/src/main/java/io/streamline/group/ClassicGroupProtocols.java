package io.streamline.group;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's rules for the protocols of a classic group, over its members in join order: whether a joining
 * member's protocols fit the group, which protocol a generation uses, and which topics the members subscribe
 * to. Stateless: {@link ClassicGroup} keeps the members, this reads them.
 */
final class ClassicGroupProtocols
{
    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroupProtocols.class);

    private ClassicGroupProtocols()
    {
    }

    /**
     * Kafka's check of a joining member's protocols: an empty group takes any non-empty type and protocol
     * list; otherwise the type must match and one of the protocols must be supported by every member.
     *
     * @param members            the group's members.
     * @param empty              true if the group is Empty.
     * @param groupProtocolType  the group's protocol type, or null.
     * @param memberProtocolType the joining member's protocol type.
     * @param protocols          the joining member's protocols.
     * @return true if the member may join.
     */
    static boolean supports(final Collection<ClassicGroupMember> members, final boolean empty, final String groupProtocolType,
        final String memberProtocolType, final List<JoinGroup.Protocol> protocols)
    {
        if (empty)
        {
            return !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        if (!memberProtocolType.equals(groupProtocolType))
        {
            return false;
        }
        for (final JoinGroup.Protocol protocol : protocols)
        {
            if (supportedByAll(members, protocol.name()))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Kafka's protocol selection: among the protocols every member supports, each member votes for its most
     * preferred; the most votes win. A tie goes to the protocol that got its first vote earliest, members
     * taken in join order.
     *
     * @param groupId the group, for the error.
     * @param members the members, in join order; not empty.
     * @return the protocol for the next generation.
     */
    static String select(final String groupId, final Collection<ClassicGroupMember> members)
    {
        if (members.isEmpty())
        {
            throw new IllegalStateException("cannot select a protocol for empty group " + groupId);
        }
        final Set<String> candidates = new HashSet<>();
        for (final JoinGroup.Protocol protocol : members.iterator().next().protocols())
        {
            if (supportedByAll(members, protocol.name()))
            {
                candidates.add(protocol.name());
            }
        }
        final Map<String, Integer> votes = new LinkedHashMap<>();
        for (final ClassicGroupMember member : members)
        {
            votes.merge(member.vote(candidates), 1, Integer::sum);
        }
        String best = null;
        int bestVotes = 0;
        for (final Map.Entry<String, Integer> e : votes.entrySet())
        {
            if (e.getValue() > bestVotes)
            {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /**
     * @param groupId          the group, for the log.
     * @param consumerProtocol true if the group's protocol type is {@code consumer} (subscriptions readable).
     * @param protocolName     the generation's protocol, or null.
     * @param members          the members.
     * @return the union of the members' subscribed topics, or null if the coordinator cannot know it.
     */
    static Set<String> subscribedTopics(final String groupId, final boolean consumerProtocol, final String protocolName,
        final Collection<ClassicGroupMember> members)
    {
        if (!consumerProtocol)
        {
            return null;
        }
        if (members.isEmpty())
        {
            return Set.of();
        }
        if (protocolName == null)
        {
            return null;
        }
        final Set<String> topics = new HashSet<>();
        for (final ClassicGroupMember member : members)
        {
            final List<String> subscribed = ConsumerProtocolSubscription.topics(member.metadata(protocolName));
            if (subscribed == null)
            {
                LOG.warn("group {}: cannot read the subscription of member {} ({}): its subscribed topics are unknown",
                    groupId, member.memberId(), protocolName);
                return null;
            }
            topics.addAll(subscribed);
        }
        return Set.copyOf(topics);
    }

    private static boolean supportedByAll(final Collection<ClassicGroupMember> members, final String name)
    {
        for (final ClassicGroupMember member : members)
        {
            if (!member.supports(name))
            {
                return false;
            }
        }
        return true;
    }
}
