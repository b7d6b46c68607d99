package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/** ListGroups: the coordinator's groups, optionally filtered by state and type. */
public final class ListGroups
{
    /** The type of groups of the classic protocol. */
    public static final String CLASSIC_TYPE = "classic";
    /** The type of groups of the consumer protocol (KIP-848). */
    public static final String CONSUMER_TYPE = "consumer";

    private ListGroups()
    {
    }

    /**
     * A ListGroups request.
     *
     * @param statesFilter state names (any case, for example {@code Stable}); empty for all.
     * @param typesFilter  group types (any case, for example {@code classic}); empty for all.
     */
    public record Request(Set<String> statesFilter, Set<String> typesFilter)
    {
        /** Checks the fields. */
        public Request
        {
            statesFilter = statesFilter == null ? Set.of() : Set.copyOf(statesFilter);
            typesFilter = typesFilter == null ? Set.of() : Set.copyOf(typesFilter);
        }
    }

    /**
     * A group in the list.
     *
     * @param groupId      the group.
     * @param protocolType its protocol type, "" if none.
     * @param state        its state's name.
     * @param type         its type, {@value #CLASSIC_TYPE} or {@value #CONSUMER_TYPE}.
     */
    public record Group(String groupId, String protocolType, String state, String type)
    {
    }

    /**
     * A ListGroups response.
     *
     * @param error  NONE, or the error.
     * @param groups the groups, by id.
     */
    public record Response(ErrorCode error, List<Group> groups)
    {
        /** Checks the fields. */
        public Response
        {
            Objects.requireNonNull(error, "error");
            groups = List.copyOf(groups);
        }
    }
}
