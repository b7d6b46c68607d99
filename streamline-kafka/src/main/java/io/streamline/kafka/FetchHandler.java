package io.streamline.kafka;

import io.netty.util.concurrent.ScheduledFuture;
import io.streamline.OffsetOutOfRangeException;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.AbortedTransaction;
import io.streamline.log.AppendListener;
import io.streamline.log.LogSlice;
import io.streamline.log.PartitionLog;
import io.streamline.topic.Topic;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetch v4-18 (v13+ names topics by id). Returns stored batches as they are, below the high watermark,
 * written to the socket straight from the stored bytes (the mapped segment) without a copy through the heap,
 * within the request's {@code max_bytes} (at most {@link #FETCH_MAX_BYTES}) and each partition's max bytes (the first batch found is always
 * returned, as Kafka does, so a consumer can make progress). If fewer than {@code min_bytes} are found
 * the request waits up to {@code max_wait_ms}, woken by appends to the partitions it asked for.
 * Fetch sessions are not kept: every answer says "no session" (session id 0), so clients send full
 * requests; a request naming a session gets FETCH_SESSION_ID_NOT_FOUND. A fetch from a replica (replica
 * id 0 or more) gets NOT_LEADER_OR_FOLLOWER, as Kafka answers a broker that is not a replica.
 * <p>
 * Isolation: every answer carries the partition's last stable offset. Under {@code read_committed}
 * (isolation_level 1) batches stop at the last stable offset and the answer lists the aborted transactions
 * of the range returned (Kafka's rule), so the consumer can drop their batches; under
 * {@code read_uncommitted} the list is null, as Kafka sends it. A read_committed fetch waiting at the last
 * stable offset is woken by the marker that moves it (markers are appends).
 */
final class FetchHandler
{
    /**
     * Kafka's broker default {@code fetch.max.bytes}, which caps a request's {@code max_bytes}: without it a
     * Fetch naming one partition thousands of times would build a response of gigabytes.
     */
    static final int FETCH_MAX_BYTES = 55 * 1024 * 1024;
    private static final byte READ_COMMITTED = 1;

    private final StreamlineEngine engine;

    FetchHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    void handle(final FetchRequestData request, final short version, final Request context,
        final KafkaApis.Responder responder)
    {
        if (request.sessionId() != 0)
        {
            responder.respond(new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                .setSessionId(0));
            return;
        }
        final Attempt first = attempt(request, version);
        if (first.done(request))
        {
            first.send(responder);
            return;
        }
        first.release();
        new Waiter(request, version, context, responder, first.logs).start();
    }

    private Attempt attempt(final FetchRequestData request, final short version)
    {
        final Attempt attempt = new Attempt();
        final FetchResponseData response = attempt.response;
        final boolean byId = version >= 13;
        // A follower's fetch: Streamline has no replicas, so no broker is a follower of any partition.
        final boolean fromReplica = (version >= 15 ? request.replicaState().replicaId() : request.replicaId()) >= 0;
        final boolean readCommitted = request.isolationLevel() == READ_COMMITTED;
        int remaining = Math.max(0, Math.min(request.maxBytes(), FETCH_MAX_BYTES));
        for (final FetchRequestData.FetchTopic wanted : request.topics())
        {
            final Topic topic = byId ? Topics.byId(engine, wanted.topicId()) : Topics.byName(engine, wanted.topic());
            final FetchResponseData.FetchableTopicResponse topicResponse = new FetchResponseData.FetchableTopicResponse()
                .setTopic(wanted.topic()).setTopicId(wanted.topicId());
            response.responses().add(topicResponse);
            for (final FetchRequestData.FetchPartition p : wanted.partitions())
            {
                final FetchResponseData.PartitionData out = new FetchResponseData.PartitionData()
                    .setPartitionIndex(p.partition()).setHighWatermark(-1).setLastStableOffset(-1)
                    .setLogStartOffset(-1).setAbortedTransactions(null).setPreferredReadReplica(-1)
                    .setRecords(KafkaRecords.empty());
                topicResponse.partitions().add(out);
                if (!Topics.hasPartition(topic, p.partition()))
                {
                    out.setErrorCode(Topics.unknownPartition(topic, byId));
                    attempt.error = true;
                    continue;
                }
                if (fromReplica)
                {
                    out.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
                    attempt.error = true;
                    continue;
                }
                try
                {
                    final PartitionLog log = topic.partition(p.partition());
                    attempt.logs.add(log);
                    final long highWatermark = log.highWatermark();
                    final long lastStable = log.lastStableOffset();
                    out.setHighWatermark(highWatermark).setLastStableOffset(lastStable)
                        .setLogStartOffset(log.logStartOffset());
                    final long readable = readCommitted ? lastStable : highWatermark;
                    if (readCommitted)
                    {
                        out.setAbortedTransactions(new ArrayList<>());
                    }
                    if (p.fetchOffset() > readable && p.fetchOffset() <= log.logEndOffset())
                    {
                        continue; // Not yet readable (fsync=always, or an open transaction): nothing yet, as Kafka answers.
                    }
                    final int limit = Math.min(p.partitionMaxBytes(), remaining);
                    if (limit <= 0 && attempt.bytes > 0)
                    {
                        continue;
                    }
                    final LogSlice slice = log.read(p.fetchOffset(), Math.max(limit, 1), readable);
                    attempt.slices.add(slice);
                    if (!slice.isEmpty())
                    {
                        out.setRecords(KafkaRecords.wrap(slice.batches()));
                        attempt.bytes += slice.sizeInBytes();
                        remaining -= slice.sizeInBytes();
                        if (readCommitted)
                        {
                            for (final AbortedTransaction txn : log.abortedTransactions(p.fetchOffset(), slice.nextOffset()))
                            {
                                out.abortedTransactions().add(new FetchResponseData.AbortedTransaction()
                                    .setProducerId(txn.producerId()).setFirstOffset(txn.firstOffset()));
                            }
                        }
                    }
                }
                catch (final OffsetOutOfRangeException ex)
                {
                    out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                    attempt.error = true;
                }
                catch (final RuntimeException ex)
                {
                    out.setErrorCode(Topics.code(ex));
                    attempt.error = true;
                }
            }
        }
        return attempt;
    }

    /** One pass over the partitions asked for; holds the slices until the response is written. */
    private static final class Attempt
    {
        final FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
        final List<LogSlice> slices = new ArrayList<>();
        final Set<PartitionLog> logs = new LinkedHashSet<>();
        int bytes;
        boolean error;

        boolean done(final FetchRequestData request)
        {
            return error || request.maxWaitMs() <= 0 || bytes >= request.minBytes() || logs.isEmpty();
        }

        /** Answer; the slices stay open until the batches they view have been written. */
        void send(final KafkaApis.Responder responder)
        {
            responder.respond(response, bytes, this::release);
        }

        void release()
        {
            for (final LogSlice slice : slices)
            {
                slice.close();
            }
            slices.clear();
        }
    }

    /**
     * A fetch waiting for data. Appends (on the appending thread) only schedule a retry on the
     * connection's I/O thread; all other state is touched on that thread.
     */
    private final class Waiter implements AppendListener
    {
        private final FetchRequestData request;
        private final short version;
        private final Request context;
        private final KafkaApis.Responder responder;
        private final Set<PartitionLog> logs;
        private final AtomicBoolean retryScheduled = new AtomicBoolean();
        private ScheduledFuture<?> timeout;
        private boolean finished;

        Waiter(final FetchRequestData request, final short version, final Request context,
            final KafkaApis.Responder responder, final Set<PartitionLog> logs)
        {
            this.request = request;
            this.version = version;
            this.context = context;
            this.responder = responder;
            this.logs = logs;
        }

        void start()
        {
            context.onCancel(this::stop);
            context.onHurry(() -> finish(true));
            for (final PartitionLog log : logs)
            {
                log.addAppendListener(this);
            }
            timeout = context.executor().schedule(() -> finish(true), request.maxWaitMs(), TimeUnit.MILLISECONDS);
            retry(); // An append between the first attempt and the listeners being added is not missed.
        }

        @Override
        public void onAppend(final PartitionLog log, final long highWatermark)
        {
            if (retryScheduled.compareAndSet(false, true))
            {
                context.executor().execute(this::retry);
            }
        }

        private void retry()
        {
            retryScheduled.set(false);
            finish(false);
        }

        private void finish(final boolean timedOut)
        {
            if (finished || context.isDone())
            {
                stop();
                return;
            }
            final Attempt attempt;
            try
            {
                attempt = attempt(request, version);
            }
            catch (final RuntimeException ex)
            {
                stop();
                context.fail(ex);
                return;
            }
            if (timedOut || attempt.done(request))
            {
                stop();
                try
                {
                    attempt.send(responder);
                }
                catch (final RuntimeException ex)
                {
                    context.fail(ex);
                }
            }
            else
            {
                attempt.release();
            }
        }

        private void stop()
        {
            if (!finished)
            {
                finished = true;
                for (final PartitionLog log : logs)
                {
                    log.removeAppendListener(this);
                }
                if (timeout != null)
                {
                    timeout.cancel(false);
                }
            }
        }
    }
}
