package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.List;

/** DeleteGroups: delete empty groups and their committed offsets. */
public final class DeleteGroups
{
    private DeleteGroups()
    {
    }

    /**
     * A DeleteGroups request.
     *
     * @param groupIds the groups; a null id gets INVALID_GROUP_ID.
     */
    public record Request(List<String> groupIds)
    {
        /** Checks the fields. */
        public Request
        {
            groupIds = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(groupIds));
        }
    }

    /**
     * What happened to one group.
     *
     * @param groupId the group.
     * @param error   NONE, INVALID_GROUP_ID, GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP.
     */
    public record Result(String groupId, ErrorCode error)
    {
    }

    /**
     * A DeleteGroups response.
     *
     * @param results one per requested group, in order.
     */
    public record Response(List<Result> results)
    {
        /** Checks the fields. */
        public Response
        {
            results = List.copyOf(results);
        }
    }
}
