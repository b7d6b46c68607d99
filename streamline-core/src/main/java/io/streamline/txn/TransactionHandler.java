package io.streamline.txn;

import io.streamline.ErrorCode;
import io.streamline.coordinator.CoordinatorOperation;
import io.streamline.coordinator.CoordinatorResult;
import io.streamline.coordinator.CoordinatorResult.Effects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The transaction coordinator's operations (transaction versions 1 and 2, Kafka's {@code TransactionCoordinator}
 * semantics): each reads the state and returns the records to write, the timers to set and the answer.
 * Writing markers is the one side effect, in {@link #complete}: markers go to other partitions' logs, and
 * writing one twice is harmless (recovery writes them again anyway).
 */
final class TransactionHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(TransactionHandler.class);

    private final TransactionStateStore state;
    private final TransactionConfig config;
    private final LongSupplier producerIds;
    private final MarkerWriter markers;

    TransactionHandler(final TransactionStateStore state, final TransactionConfig config, final LongSupplier producerIds,
        final MarkerWriter markers)
    {
        this.state = state;
        this.config = config;
        this.producerIds = producerIds;
        this.markers = markers;
    }

    private static Effects<TxnTimerKey, TransactionRecord> effects(final long now)
    {
        return new Effects<>(now);
    }

    CoordinatorOperation<InitProducerId.Response, TxnTimerKey, TransactionRecord> initProducerId(final InitProducerId.Request request)
    {
        return now ->
        {
            final Effects<TxnTimerKey, TransactionRecord> effects = effects(now);
            if (request.transactionalId().isEmpty())
            {
                return effects.respond(InitProducerId.Response.error(ErrorCode.INVALID_REQUEST));
            }
            if (request.timeoutMs() <= 0 || request.timeoutMs() > config.maxTimeoutMs())
            {
                return effects.respond(InitProducerId.Response.error(ErrorCode.INVALID_TRANSACTION_TIMEOUT));
            }
            final TransactionMetadata current = state.get(request.transactionalId());
            if (current == null)
            {
                final TransactionMetadata created = new TransactionMetadata(request.transactionalId(), producerIds.getAsLong(), (short)0,
                    (short)-1, request.timeoutMs(), TransactionState.EMPTY, new TreeSet<>(), -1, now);
                effects.record(TransactionRecord.of(created));
                scheduleExpiry(effects, created);
                return effects.respond(new InitProducerId.Response(ErrorCode.NONE, created.producerId(), created.producerEpoch()));
            }
            final boolean givesProducer = request.producerId() >= 0;
            if (givesProducer && request.producerId() == current.producerId() && request.producerEpoch() == current.lastProducerEpoch() &&
                current.state().isIdle())
            {
                // A retry of the InitProducerId that bumped this epoch: the same answer again.
                return effects.respond(new InitProducerId.Response(ErrorCode.NONE, current.producerId(), current.producerEpoch()));
            }
            if (givesProducer && (request.producerId() != current.producerId() || request.producerEpoch() != current.producerEpoch()))
            {
                return effects.respond(InitProducerId.Response.error(ErrorCode.PRODUCER_FENCED));
            }
            switch (current.state())
            {
                case PREPARE_COMMIT, PREPARE_ABORT, PREPARE_EPOCH_FENCE ->
                {
                    return effects.respond(InitProducerId.Response.error(ErrorCode.CONCURRENT_TRANSACTIONS));
                }
                case ONGOING ->
                {
                    // A new incarnation of the producer: fence the old one and abort its transaction; the client
                    // retries until the abort is complete.
                    fence(effects, current);
                    return effects.respond(InitProducerId.Response.error(ErrorCode.CONCURRENT_TRANSACTIONS));
                }
                default ->
                {
                    final TransactionMetadata bumped = bump(current, request.timeoutMs())
                        .transition(TransactionState.EMPTY, new TreeSet<>(), -1, now);
                    effects.record(TransactionRecord.of(bumped));
                    scheduleExpiry(effects, bumped);
                    return effects.respond(new InitProducerId.Response(ErrorCode.NONE, bumped.producerId(), bumped.producerEpoch()));
                }
            }
        };
    }

    /** The next epoch, or a new producer id with epoch 0 once the epoch is exhausted. */
    private TransactionMetadata bump(final TransactionMetadata current, final int timeoutMs)
    {
        if (current.producerEpoch() >= Short.MAX_VALUE - 1)
        {
            return current.withProducer(producerIds.getAsLong(), (short)0, (short)-1, timeoutMs);
        }
        return current.withProducer(current.producerId(), (short)(current.producerEpoch() + 1), current.producerEpoch(), timeoutMs);
    }

    /** Ongoing → PrepareEpochFence (memory only) → PrepareAbort with the epoch bumped, so the old producer is fenced. */
    private void fence(final Effects<TxnTimerKey, TransactionRecord> effects, final TransactionMetadata current)
    {
        final long now = effects.now();
        final TransactionMetadata fencing = current.transition(TransactionState.PREPARE_EPOCH_FENCE, current.partitions(),
            current.txnStartMs(), now);
        effects.record(new TransactionRecord(current.transactionalId(), fencing, false));
        final short epoch = current.producerEpoch() < Short.MAX_VALUE ? (short)(current.producerEpoch() + 1) : current.producerEpoch();
        // As Kafka, the fenced epoch is not kept as the last one: a late EndTxn of it is no retry (transaction version 2).
        final TransactionMetadata aborting = fencing.withProducer(current.producerId(), epoch, (short)-1, current.timeoutMs())
            .transition(TransactionState.PREPARE_ABORT, current.partitions(), current.txnStartMs(), now);
        effects.record(TransactionRecord.of(aborting));
        effects.cancel(new TxnTimerKey(TxnTimerKey.Kind.TIMEOUT, current.transactionalId()));
        effects.schedule(new TxnTimerKey(TxnTimerKey.Kind.COMPLETE, current.transactionalId()), now, complete(current.transactionalId()));
    }

    CoordinatorOperation<AddPartitionsToTxn.Response, TxnTimerKey, TransactionRecord> addPartitions(final AddPartitionsToTxn.Request request)
    {
        return now ->
        {
            final Effects<TxnTimerKey, TransactionRecord> effects = effects(now);
            final TransactionMetadata current = state.get(request.transactionalId());
            if (current != null && current.state().isPreparing() && current.nextProducerId() >= 0 &&
                current.nextProducerId() == request.producerId() && request.producerEpoch() == 0)
            {
                // The producer id the ending transaction hands over (epoch overflow): usable once it is complete.
                return effects.respond(AddPartitionsToTxn.Response.all(request, ErrorCode.CONCURRENT_TRANSACTIONS));
            }
            final ErrorCode error = checkProducer(current, request.producerId(), request.producerEpoch());
            if (error != ErrorCode.NONE)
            {
                return effects.respond(AddPartitionsToTxn.Response.all(request, error));
            }
            if (request.verifyOnly())
            {
                final Map<TxnPartition, ErrorCode> errors = new HashMap<>();
                for (final TxnPartition p : request.partitions())
                {
                    errors.put(p, current.state() == TransactionState.ONGOING && current.partitions().contains(p) ?
                        ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
                }
                return effects.respond(new AddPartitionsToTxn.Response(errors));
            }
            if (current.state().isPreparing() || current.state() == TransactionState.PREPARE_EPOCH_FENCE)
            {
                return effects.respond(AddPartitionsToTxn.Response.all(request, ErrorCode.CONCURRENT_TRANSACTIONS));
            }
            if (current.state() == TransactionState.ONGOING && current.partitions().containsAll(request.partitions()))
            {
                return effects.respond(AddPartitionsToTxn.Response.all(request, ErrorCode.NONE));
            }
            final boolean begins = current.state() != TransactionState.ONGOING;
            final SortedSet<TxnPartition> partitions = new TreeSet<>(begins ? List.of() : current.partitions());
            partitions.addAll(request.partitions());
            final TransactionMetadata next = current.transition(TransactionState.ONGOING, partitions, begins ? now : current.txnStartMs(), now);
            effects.record(TransactionRecord.of(next));
            if (begins)
            {
                effects.cancel(new TxnTimerKey(TxnTimerKey.Kind.EXPIRE, current.transactionalId()));
                effects.schedule(new TxnTimerKey(TxnTimerKey.Kind.TIMEOUT, current.transactionalId()), now + next.timeoutMs(),
                    timeout(current.transactionalId(), now));
            }
            return effects.respond(AddPartitionsToTxn.Response.all(request, ErrorCode.NONE));
        };
    }

    /** Kafka's checks of a transactional request's producer id and epoch. */
    private static ErrorCode checkProducer(final TransactionMetadata current, final long producerId, final short producerEpoch)
    {
        if (current == null || current.producerId() != producerId)
        {
            return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
        }
        if (current.producerEpoch() != producerEpoch)
        {
            return ErrorCode.PRODUCER_FENCED;
        }
        return ErrorCode.NONE;
    }

    CoordinatorOperation<EndTxn.Response, TxnTimerKey, TransactionRecord> endTxn(final EndTxn.Request request)
    {
        return now ->
        {
            final Effects<TxnTimerKey, TransactionRecord> effects = effects(now);
            final TransactionMetadata current = state.get(request.transactionalId());
            if (request.bumpEpoch())
            {
                return endTxnV2(effects, current, request);
            }
            final ErrorCode error = checkProducer(current, request.producerId(), request.producerEpoch());
            if (error != ErrorCode.NONE)
            {
                return effects.respond(new EndTxn.Response(error));
            }
            final boolean commit = request.commit();
            return switch (current.state())
            {
                case ONGOING ->
                {
                    final TransactionMetadata next = current.transition(commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT,
                        current.partitions(), current.txnStartMs(), now);
                    effects.record(TransactionRecord.of(next));
                    effects.cancel(new TxnTimerKey(TxnTimerKey.Kind.TIMEOUT, current.transactionalId()));
                    effects.schedule(new TxnTimerKey(TxnTimerKey.Kind.COMPLETE, current.transactionalId()), now,
                        complete(current.transactionalId()));
                    yield effects.respond(new EndTxn.Response(ErrorCode.NONE));
                }
                // A retry of the EndTxn that completed the transaction: the same answer.
                case COMPLETE_COMMIT -> effects.respond(new EndTxn.Response(commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE));
                case COMPLETE_ABORT -> effects.respond(new EndTxn.Response(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE));
                case PREPARE_COMMIT -> effects.respond(new EndTxn.Response(commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE));
                case PREPARE_ABORT -> effects.respond(new EndTxn.Response(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS));
                default -> effects.respond(new EndTxn.Response(ErrorCode.INVALID_TXN_STATE));
            };
        };
    }

    /**
     * EndTxn v5 (transaction version 2, KIP-890): every end bumps the producer's epoch (an exhausted epoch hands
     * over a new producer id), the markers carry the bumped epoch and the answer carries the producer id and
     * epoch to use next. A retry of the just-ended transaction (the epoch before the bump, or the old producer
     * id after an overflow) is answered as the first time, never applied again; any other older epoch is
     * PRODUCER_FENCED, so a late EndTxn never touches a later transaction. An idle id may abort (the client
     * cannot know whether its produce reached the partition): an empty PrepareAbort that bumps the epoch.
     */
    private CoordinatorResult<EndTxn.Response, TxnTimerKey, TransactionRecord> endTxnV2(final Effects<TxnTimerKey, TransactionRecord> effects,
        final TransactionMetadata current, final EndTxn.Request request)
    {
        if (current == null)
        {
            return effects.respond(new EndTxn.Response(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
        }
        final boolean sameProducer = current.producerId() == request.producerId();
        final boolean lastEpoch = current.lastProducerEpoch() >= 0 && current.lastProducerEpoch() == request.producerEpoch();
        final boolean retryOnBump = sameProducer && lastEpoch && request.producerEpoch() != current.producerEpoch();
        final boolean retryOnOverflow = !sameProducer && lastEpoch && current.previousProducerId() == request.producerId() &&
            current.producerEpoch() == 0;
        final boolean retry = retryOnBump || retryOnOverflow;
        if (!sameProducer && !retryOnOverflow)
        {
            return effects.respond(new EndTxn.Response(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
        }
        final TransactionState s = current.state();
        final boolean ended = s.isPreparing() || s == TransactionState.COMPLETE_COMMIT || s == TransactionState.COMPLETE_ABORT;
        if (retry ? !ended : request.producerEpoch() != current.producerEpoch())
        {
            return effects.respond(new EndTxn.Response(ErrorCode.PRODUCER_FENCED));
        }
        final boolean commit = request.commit();
        final boolean sameOutcome = commit == (s == TransactionState.PREPARE_COMMIT || s == TransactionState.COMPLETE_COMMIT);
        if (retry)
        {
            if (!sameOutcome)
            {
                return effects.respond(new EndTxn.Response(ErrorCode.INVALID_TXN_STATE));
            }
            return effects.respond(s.isPreparing() ? new EndTxn.Response(ErrorCode.CONCURRENT_TRANSACTIONS) :
                new EndTxn.Response(ErrorCode.NONE, current.producerId(), current.producerEpoch()));
        }
        return switch (s)
        {
            case ONGOING -> prepareEnd(effects, current, commit);
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> commit ? effects.respond(new EndTxn.Response(ErrorCode.INVALID_TXN_STATE)) :
                prepareEnd(effects, current, false);
            case PREPARE_COMMIT, PREPARE_ABORT -> effects.respond(new EndTxn.Response(ErrorCode.CONCURRENT_TRANSACTIONS));
            default -> effects.respond(new EndTxn.Response(ErrorCode.INVALID_TXN_STATE));
        };
    }

    /** PrepareCommit or PrepareAbort with the epoch bumped (a new producer id to follow if it is exhausted); markers next. */
    private CoordinatorResult<EndTxn.Response, TxnTimerKey, TransactionRecord> prepareEnd(final Effects<TxnTimerKey, TransactionRecord> effects,
        final TransactionMetadata current, final boolean commit)
    {
        final long now = effects.now();
        final boolean ongoing = current.state() == TransactionState.ONGOING;
        final long next = current.producerEpoch() >= Short.MAX_VALUE - 1 ? producerIds.getAsLong() : -1;
        final TransactionMetadata prepared = current
            .transition(commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT, ongoing ? current.partitions() : new TreeSet<>(),
                ongoing ? current.txnStartMs() : now, now)
            .withProducer(current.producerId(), (short)Math.min(current.producerEpoch() + 1, Short.MAX_VALUE), current.producerEpoch(),
                current.timeoutMs())
            .withProducerIds(current.previousProducerId(), next);
        effects.record(TransactionRecord.of(prepared));
        effects.cancel(new TxnTimerKey(ongoing ? TxnTimerKey.Kind.TIMEOUT : TxnTimerKey.Kind.EXPIRE, current.transactionalId()));
        effects.schedule(new TxnTimerKey(TxnTimerKey.Kind.COMPLETE, current.transactionalId()), now, complete(current.transactionalId()));
        return effects.respond(next >= 0 ? new EndTxn.Response(ErrorCode.NONE, next, (short)0) :
            new EndTxn.Response(ErrorCode.NONE, prepared.producerId(), prepared.producerEpoch()));
    }

    /** Timer: write the markers of a PrepareCommit or PrepareAbort transaction, then complete it. */
    CoordinatorOperation<Void, TxnTimerKey, TransactionRecord> complete(final String transactionalId)
    {
        return now ->
        {
            final Effects<TxnTimerKey, TransactionRecord> effects = effects(now);
            final TransactionMetadata current = state.get(transactionalId);
            if (current == null || !current.state().isPreparing())
            {
                return effects.respond(null);
            }
            final boolean commit = current.state() == TransactionState.PREPARE_COMMIT;
            try
            {
                for (final TxnPartition partition : current.partitions())
                {
                    markers.write(partition, current.producerId(), current.producerEpoch(), commit);
                }
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("transaction {}: markers could not be written, trying again in {} ms: {}", transactionalId,
                    config.markerRetryMs(), ex.toString());
                effects.schedule(new TxnTimerKey(TxnTimerKey.Kind.COMPLETE, transactionalId), now + config.markerRetryMs(),
                    complete(transactionalId));
                return effects.respond(null);
            }
            TransactionMetadata done = current.transition(commit ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT,
                new TreeSet<>(), current.txnStartMs(), now);
            if (current.nextProducerId() >= 0)
            {
                // The ending transaction exhausted the epoch (transaction version 2): the producer continues with
                // the new producer id, epoch 0; the old id is kept to answer a retried EndTxn.
                done = done.withProducer(current.nextProducerId(), (short)0, current.lastProducerEpoch(), current.timeoutMs())
                    .withProducerIds(current.producerId(), -1);
            }
            effects.record(TransactionRecord.of(done));
            scheduleExpiry(effects, done);
            effects.complete(new TxnTimerKey(TxnTimerKey.Kind.AWAIT, transactionalId), new EndTxn.Response(ErrorCode.NONE));
            return effects.respond(null);
        };
    }

    /**
     * Answer once the transactional id's transaction is complete (markers written): at once unless it is
     * in PrepareCommit or PrepareAbort, else parked until it completes.
     */
    CoordinatorOperation<EndTxn.Response, TxnTimerKey, TransactionRecord> awaitCompletion(final String transactionalId)
    {
        return now ->
        {
            final Effects<TxnTimerKey, TransactionRecord> effects = effects(now);
            final TransactionMetadata current = state.get(transactionalId);
            if (current != null && current.state().isPreparing())
            {
                return effects.park(new TxnTimerKey(TxnTimerKey.Kind.AWAIT, transactionalId));
            }
            return effects.respond(new EndTxn.Response(ErrorCode.NONE));
        };
    }

    /** Timer: a transaction still running {@code timeoutMs} after it began (at {@code startMs}) is aborted, fencing its producer. */
    CoordinatorOperation<Void, TxnTimerKey, TransactionRecord> timeout(final String transactionalId, final long startMs)
    {
        return now ->
        {
            final Effects<TxnTimerKey, TransactionRecord> effects = effects(now);
            final TransactionMetadata current = state.get(transactionalId);
            if (current != null && current.state() == TransactionState.ONGOING && current.txnStartMs() == startMs)
            {
                LOG.info("transaction {} of producer {} timed out after {} ms: aborting it", transactionalId, current.producerId(),
                    current.timeoutMs());
                fence(effects, current);
            }
            return effects.respond(null);
        };
    }

    /** Timer: an idle transactional id not used for {@code transactional.id.expiration.ms} is removed. */
    CoordinatorOperation<Void, TxnTimerKey, TransactionRecord> expire(final String transactionalId)
    {
        return now ->
        {
            final Effects<TxnTimerKey, TransactionRecord> effects = effects(now);
            final TransactionMetadata current = state.get(transactionalId);
            if (current != null && current.state().isIdle() && current.lastUpdateMs() + config.idExpirationMs() <= now)
            {
                effects.record(TransactionRecord.of(current.transition(TransactionState.DEAD, new TreeSet<>(), -1, now)));
            }
            return effects.respond(null);
        };
    }

    private void scheduleExpiry(final Effects<TxnTimerKey, TransactionRecord> effects, final TransactionMetadata value)
    {
        effects.schedule(new TxnTimerKey(TxnTimerKey.Kind.EXPIRE, value.transactionalId()), value.lastUpdateMs() + config.idExpirationMs(),
            expire(value.transactionalId()));
    }

    /** After loading: Prepare states are completed, Ongoing ones time out as usual, idle ones expire as usual. */
    CoordinatorResult<Void, TxnTimerKey, TransactionRecord> started(final long now)
    {
        final Effects<TxnTimerKey, TransactionRecord> effects = effects(now);
        for (final TransactionMetadata m : state.all())
        {
            switch (m.state())
            {
                case PREPARE_COMMIT, PREPARE_ABORT ->
                    effects.schedule(new TxnTimerKey(TxnTimerKey.Kind.COMPLETE, m.transactionalId()), now, complete(m.transactionalId()));
                case ONGOING -> effects.schedule(new TxnTimerKey(TxnTimerKey.Kind.TIMEOUT, m.transactionalId()),
                    m.txnStartMs() + m.timeoutMs(), timeout(m.transactionalId(), m.txnStartMs()));
                default -> scheduleExpiry(effects, m);
            }
        }
        return effects.respond(null);
    }

    CoordinatorOperation<DescribeTransactions.Response, TxnTimerKey, TransactionRecord> describe(final List<String> transactionalIds)
    {
        return now ->
        {
            final List<DescribeTransactions.Description> out = new ArrayList<>();
            for (final String id : transactionalIds)
            {
                final TransactionMetadata m = state.get(id);
                out.add(m == null ?
                    new DescribeTransactions.Description(id, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, "", -1, -1, -1, (short)-1, List.of()) :
                    new DescribeTransactions.Description(id, ErrorCode.NONE, m.state().kafkaName(), m.timeoutMs(),
                        m.state() == TransactionState.EMPTY ? -1 : m.txnStartMs(), m.producerId(), m.producerEpoch(),
                        new ArrayList<>(m.partitions())));
            }
            return effects(now).respond(new DescribeTransactions.Response(out));
        };
    }

    CoordinatorOperation<ListTransactions.Response, TxnTimerKey, TransactionRecord> list(final ListTransactions.Request request)
    {
        return now ->
        {
            final Effects<TxnTimerKey, TransactionRecord> effects = effects(now);
            final List<String> unknown = new ArrayList<>();
            final java.util.Set<TransactionState> states = java.util.EnumSet.noneOf(TransactionState.class);
            for (final String name : request.states())
            {
                final TransactionState s = TransactionState.fromKafkaName(name);
                if (s == null)
                {
                    unknown.add(name);
                }
                else
                {
                    states.add(s);
                }
            }
            final Pattern pattern;
            try
            {
                pattern = request.idPattern() == null || request.idPattern().isEmpty() ? null : Pattern.compile(request.idPattern());
            }
            catch (final PatternSyntaxException ex)
            {
                return effects.respond(new ListTransactions.Response(ErrorCode.INVALID_REQUEST, List.of(), List.of()));
            }
            final List<ListTransactions.Listing> out = new ArrayList<>();
            if (!request.states().isEmpty() && states.isEmpty())
            {
                return effects.respond(new ListTransactions.Response(ErrorCode.NONE, unknown, out));
            }
            for (final TransactionMetadata m : state.all())
            {
                if ((states.isEmpty() || states.contains(m.state())) &&
                    (request.producerIds().isEmpty() || request.producerIds().contains(m.producerId())) &&
                    (request.minDurationMs() < 0 || m.state() != TransactionState.EMPTY && m.txnStartMs() >= 0 &&
                        now - m.txnStartMs() > request.minDurationMs()) &&
                    (pattern == null || pattern.matcher(m.transactionalId()).matches()))
                {
                    out.add(new ListTransactions.Listing(m.transactionalId(), m.producerId(), m.state().kafkaName()));
                }
            }
            out.sort(java.util.Comparator.comparing(ListTransactions.Listing::transactionalId));
            return effects.respond(new ListTransactions.Response(ErrorCode.NONE, unknown, out));
        };
    }
}
