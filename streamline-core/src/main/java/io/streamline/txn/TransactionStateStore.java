package io.streamline.txn;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transaction coordinator's state: the metadata of every live transactional id. Changed only by
 * {@link #replay}, on the coordinator's thread (normal operation and loading alike); read by any thread
 * (values are immutable), so Produce can check a transactional batch's partition without a round trip.
 */
final class TransactionStateStore
{
    private final Map<String, TransactionMetadata> byId = new ConcurrentHashMap<>();

    /** Apply one record: a Dead value removes the transactional id, any other installs it. */
    void replay(final TransactionRecord record)
    {
        if (record.value().state() == TransactionState.DEAD)
        {
            byId.remove(record.transactionalId());
        }
        else
        {
            byId.put(record.transactionalId(), record.value());
        }
    }

    /** @return the transactional id's metadata, or null. */
    TransactionMetadata get(final String transactionalId)
    {
        return byId.get(transactionalId);
    }

    /** @return every transactional id's metadata (a live, read-only view). */
    Collection<TransactionMetadata> all()
    {
        return Collections.unmodifiableCollection(byId.values());
    }

    int size()
    {
        return byId.size();
    }
}
