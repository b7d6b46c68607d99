package io.streamline.kafka;

import io.streamline.group.DeleteGroups;
import io.streamline.group.GroupCoordinator;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;

import java.util.concurrent.CompletableFuture;

/** DeleteGroups v0-3: empty groups and their offsets (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND otherwise). */
final class DeleteGroupsHandler
{
    private DeleteGroupsHandler()
    {
    }

    static CompletableFuture<DeleteGroupsResponseData> handle(final GroupCoordinator groups, final DeleteGroupsRequestData request)
    {
        return groups.deleteGroups(new DeleteGroups.Request(request.groupsNames())).thenApply(r ->
        {
            final DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            for (final DeleteGroups.Result result : r.results())
            {
                if (response.results().find(result.groupId()) == null)
                {
                    response.results().add(new DeleteGroupsResponseData.DeletableGroupResult()
                        .setGroupId(result.groupId()).setErrorCode(result.error().code()));
                }
            }
            return response;
        });
    }
}
