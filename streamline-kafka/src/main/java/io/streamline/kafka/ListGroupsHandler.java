package io.streamline.kafka;

import io.streamline.group.GroupCoordinator;
import io.streamline.group.ListGroups;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;

import java.util.HashSet;
import java.util.concurrent.CompletableFuture;

/** ListGroups v0-5; v4+ filter by state and answer it, v5+ filter by type and answer it ({@code classic}). */
final class ListGroupsHandler
{
    private ListGroupsHandler()
    {
    }

    static CompletableFuture<ListGroupsResponseData> handle(final GroupCoordinator groups, final ListGroupsRequestData request)
    {
        final ListGroups.Request list = new ListGroups.Request(new HashSet<>(request.statesFilter()), new HashSet<>(request.typesFilter()));
        return groups.listGroups(list).thenApply(r ->
        {
            final ListGroupsResponseData response = new ListGroupsResponseData().setErrorCode(r.error().code());
            for (final ListGroups.Group g : r.groups())
            {
                response.groups().add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId())
                    .setProtocolType(g.protocolType()).setGroupState(g.state()).setGroupType(g.type()));
            }
            return response;
        });
    }
}
