package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The coordinator's record layouts: any record encodes and decodes to itself (for group metadata: to what
 * Kafka keeps of the group), and damaged bytes, cut short or random, decode to CORRUPT_MESSAGE and
 * nothing else.
 */
class GroupRecordCodecPropertiesTest
{
    @Provide
    Arbitrary<String> names()
    {
        return Arbitraries.strings().ofMinLength(0).ofMaxLength(40);
    }

    @Provide
    Arbitrary<OffsetCommitRecord> offsetRecords()
    {
        final Arbitrary<OffsetAndMetadata> values = Combinators.combine(
            Arbitraries.longs(), Arbitraries.integers(), names().injectNull(0.2), Arbitraries.longs().between(-1, Long.MAX_VALUE))
            .as(OffsetAndMetadata::new);
        return Combinators.combine(names(), names(), Arbitraries.integers(), values.injectNull(0.2))
            .as(OffsetCommitRecord::new);
    }

    @Provide
    Arbitrary<ClassicGroup> groups()
    {
        final Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        final Arbitrary<String> protocol = Arbitraries.of("range", "roundrobin", "cooperative-sticky");
        final Arbitrary<List<Object[]>> members = Combinators.combine(names().filter(s -> !s.isEmpty()), names().injectNull(0.5),
            names(), names(), Arbitraries.integers().between(1, 600_000), Arbitraries.integers().between(6000, 1_800_000), bytes, bytes)
            .as((id, instance, client, host, rebalance, session, subscription, assignment) ->
                new Object[] {id, instance, client, host, rebalance, session, subscription, assignment})
            .list().ofMaxSize(6).uniqueElements(m -> m[0]).uniqueElements(m -> m[1] == null ? m[0] : "instance:" + m[1]);
        return Combinators.combine(names(), Arbitraries.of("consumer", "connect", ""), Arbitraries.integers().between(0, 1 << 20),
            protocol, members, Arbitraries.longs().between(-1, Long.MAX_VALUE))
            .as((groupId, type, generation, name, specs, timestamp) ->
            {
                final List<ClassicGroupMember> list = new ArrayList<>();
                for (final Object[] m : specs)
                {
                    list.add(new ClassicGroupMember((String)m[0], (String)m[1], (String)m[2], (String)m[3], (int)m[4], (int)m[5],
                        type, List.of(new JoinGroup.Protocol(name, (byte[])m[6])), (byte[])m[7], false, false, false));
                }
                final String leader = list.isEmpty() ? null : list.get(list.size() / 2).memberId();
                return ClassicGroup.loaded(groupId, type.isEmpty() && list.isEmpty() ? null : type, generation,
                    list.isEmpty() ? null : name, leader, timestamp, list);
            });
    }

    @Property(tries = 300)
    void offsetCommitRecordsRoundTrip(@ForAll("offsetRecords") final OffsetCommitRecord record)
    {
        assertEquals(record, decode(GroupRecordCodec.key(record), GroupRecordCodec.value(record)));
    }

    @Property(tries = 200)
    void groupMetadataRecordsRoundTripTheDurablePart(@ForAll("groups") final ClassicGroup group)
    {
        final GroupMetadataRecord record = new GroupMetadataRecord(group.groupId(), group, true);
        final GroupMetadataRecord decoded = (GroupMetadataRecord)decode(GroupRecordCodec.key(record), GroupRecordCodec.value(record));
        assertEquals(durable(group), durable(decoded.group()));
        assertEquals(group.numMembers() == 0 ? ClassicGroupState.EMPTY : ClassicGroupState.STABLE, decoded.group().state());
        final GroupMetadataRecord tombstone = GroupMetadataRecord.tombstone(group.groupId());
        assertEquals(tombstone, decode(GroupRecordCodec.key(tombstone), null));
    }

    @Property(tries = 300)
    void truncatedRecordsAreCorruptAndNothingElse(@ForAll("offsetRecords") final OffsetCommitRecord offsets,
        @ForAll("groups") final ClassicGroup group, @ForAll @IntRange(min = 0, max = 10_000) final int cut)
    {
        final GroupRecord[] records = {offsets, new GroupMetadataRecord(group.groupId(), group, true)};
        for (final GroupRecord record : records)
        {
            final byte[] key = GroupRecordCodec.key(record);
            final byte[] value = GroupRecordCodec.value(record);
            final int keyCut = cut % key.length;
            assertCorrupt(() -> decode(java.util.Arrays.copyOf(key, keyCut), value));
            if (value != null)
            {
                final int valueCut = cut % value.length;
                assertCorrupt(() -> decode(key, java.util.Arrays.copyOf(value, valueCut)));
                final byte[] longer = java.util.Arrays.copyOf(value, value.length + 1);
                assertCorrupt(() -> decode(key, longer));
            }
        }
    }

    @Property(tries = 500)
    void randomBytesDecodeOrAreCorrupt(@ForAll("randomKeys") final byte[] key, @ForAll final byte[] value)
    {
        try
        {
            assertNotNull(decode(key, value));
        }
        catch (final StreamlineException ex)
        {
            assertEquals(ErrorCode.CORRUPT_MESSAGE, ex.errorCode(), ex.getMessage());
        }
    }

    @Provide
    Arbitrary<byte[]> randomKeys()
    {
        // Mostly plausible headers (a known type and version), so the field decoders get exercised too.
        final Arbitrary<byte[]> header = Arbitraries.of(new byte[] {0, 1, 0, 0}, new byte[] {0, 2, 0, 0}, new byte[] {0, 9, 0, 0},
            new byte[] {0, 1, 0, 1});
        return Combinators.combine(header, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)).as((h, rest) ->
        {
            final byte[] key = java.util.Arrays.copyOf(h, h.length + rest.length);
            System.arraycopy(rest, 0, key, h.length, rest.length);
            return key;
        });
    }

    private static GroupRecord decode(final byte[] key, final byte[] value)
    {
        return GroupRecordCodec.decode(ByteBuffer.wrap(key), value == null ? null : ByteBuffer.wrap(value), 0);
    }

    private static void assertCorrupt(final org.junit.jupiter.api.function.Executable decode)
    {
        final StreamlineException ex = assertThrows(StreamlineException.class, decode);
        assertEquals(ErrorCode.CORRUPT_MESSAGE, ex.errorCode(), ex.getMessage());
    }

    /** What the log keeps of a group, as comparable values. */
    static List<Object> durable(final ClassicGroup group)
    {
        final List<Object> fields = new ArrayList<>(List.of(group.groupId(), String.valueOf(group.protocolType()), group.generationId(),
            String.valueOf(group.protocolName()), String.valueOf(group.leaderId()), group.stateTimestampMs()));
        for (final ClassicGroupMember m : group.members())
        {
            fields.add(List.of(m.memberId(), String.valueOf(m.groupInstanceId()), m.clientId(), m.clientHost(), m.rebalanceTimeoutMs(),
                m.sessionTimeoutMs(), java.util.Arrays.toString(m.metadata(group.protocolName())), java.util.Arrays.toString(m.assignment())));
        }
        return fields;
    }
}
