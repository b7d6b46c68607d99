package io.streamline.txn;

import io.streamline.ErrorCode;

import java.util.List;
import java.util.Set;

/** ListTransactions: transactional ids, filtered. */
public final class ListTransactions
{
    private ListTransactions()
    {
    }

    /**
     * A ListTransactions request; empty filters match everything.
     *
     * @param states          Kafka names of the states to list.
     * @param producerIds     producer ids to list.
     * @param minDurationMs   only transactions running longer than this (v1), or -1.
     * @param idPattern       a regular expression the transactional id must match (v2), or null.
     */
    public record Request(Set<String> states, Set<Long> producerIds, long minDurationMs, String idPattern)
    {
        /** Copies the sets. */
        public Request
        {
            states = Set.copyOf(states);
            producerIds = Set.copyOf(producerIds);
        }
    }

    /**
     * One listed transactional id.
     *
     * @param transactionalId the transactional id.
     * @param producerId      its producer id.
     * @param state           its state's Kafka name.
     */
    public record Listing(String transactionalId, long producerId, String state)
    {
    }

    /**
     * A ListTransactions response.
     *
     * @param error               NONE, or INVALID_REGULAR_EXPRESSION for a bad pattern.
     * @param unknownStateFilters requested states that do not exist.
     * @param transactions        the listed ids, sorted by transactional id.
     */
    public record Response(ErrorCode error, List<String> unknownStateFilters, List<Listing> transactions)
    {
        /** Copies the lists. */
        public Response
        {
            unknownStateFilters = List.copyOf(unknownStateFilters);
            transactions = List.copyOf(transactions);
        }
    }
}
