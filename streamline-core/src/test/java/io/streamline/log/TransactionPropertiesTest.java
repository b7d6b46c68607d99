package io.streamline.log;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Property: random interleavings of transactional producers that commit or abort (markers appended to the
 * log directly), plain producers, segment rolls and clean or crash reopens. After every step a read_committed
 * reader (Kafka's algorithm, {@link TxnModel#readCommitted}) sees exactly the committed and plain records
 * below the model's last stable offset, in offset order, never an aborted one or an open one; the log's last
 * stable offset is the model's.
 */
class TransactionPropertiesTest
{
    /** A step: a producer op, or a roll / reopen of the log. */
    record Step(TxnModel.Op op, int control)
    {
        static final int NONE = 0;
        static final int ROLL = 1;
        static final int CLEAN_REOPEN = 2;
        static final int CRASH_REOPEN = 3;
    }

    @Provide
    Arbitrary<List<Step>> steps()
    {
        final Arbitrary<Integer> producer = Arbitraries.integers().between(0, TxnModel.PRODUCERS - 1);
        final Arbitrary<Step> data = Combinators.combine(producer, Arbitraries.integers().between(1, 4))
            .as((p, n) -> new Step(new TxnModel.Op(TxnModel.Kind.DATA, p, n), Step.NONE));
        final Arbitrary<Step> plain = Arbitraries.integers().between(1, 3)
            .map(n -> new Step(new TxnModel.Op(TxnModel.Kind.PLAIN, 0, n), Step.NONE));
        final Arbitrary<Step> commit = producer.map(p -> new Step(new TxnModel.Op(TxnModel.Kind.COMMIT, p, 0), Step.NONE));
        final Arbitrary<Step> abort = producer.map(p -> new Step(new TxnModel.Op(TxnModel.Kind.ABORT, p, 0), Step.NONE));
        final Arbitrary<Step> control = Arbitraries.of(Step.ROLL, Step.CLEAN_REOPEN, Step.CRASH_REOPEN)
            .map(c -> new Step(null, c));
        return Arbitraries.frequencyOf(
            Tuple.of(10, data), Tuple.of(2, plain), Tuple.of(4, commit), Tuple.of(4, abort), Tuple.of(2, control))
            .list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 150)
    void readCommittedSeesExactlyTheCommittedRecordsInOrder(
        @ForAll("steps") final List<Step> steps, @ForAll("maxBytes") final int maxBytes) throws IOException
    {
        final Path dir = Files.createTempDirectory("txn-prop");
        final LogConfig config = LogConfig.builder().segmentBytes(700).segmentIndexBytes(4096).indexIntervalBytes(128).build();
        try
        {
            final LogStore store = LogStore.builder().directory(dir).build();
            PartitionLog log = store.openLog("t-0", config);
            final TxnModel model = new TxnModel();
            for (final Step step : steps)
            {
                if (step.op() != null)
                {
                    model.apply(step.op(), log);
                }
                else if (step.control() == Step.ROLL)
                {
                    log.roll();
                }
                else
                {
                    if (step.control() == Step.CLEAN_REOPEN)
                    {
                        log.close();
                    }
                    else
                    {
                        log.abandon();
                    }
                    log = store.openLog("t-0", config);
                }
                assertEquals(model.end(), log.logEndOffset());
                assertEquals(model.lastStableOffset(), log.lastStableOffset(), "last stable offset after " + step);
                assertEquals(model.expectedCommitted(), TxnModel.readCommitted(log, maxBytes), "read_committed after " + step);
            }
            store.close();
        }
        finally
        {
            try (Stream<Path> walk = Files.walk(dir))
            {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<Integer> maxBytes()
    {
        return Arbitraries.integers().between(1, 2000);
    }
}
