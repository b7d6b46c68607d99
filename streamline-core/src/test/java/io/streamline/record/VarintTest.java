package io.streamline.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Varints against Kafka's ByteUtils: same bytes written, same values read, same inputs refused. */
class VarintTest
{
    @Property(tries = 2000)
    void varintMatchesKafka(@ForAll final int value)
    {
        final ByteBuffer kafka = ByteBuffer.allocate(8);
        KafkaRecords.writeVarint(value, kafka);
        final ByteBuffer ours = ByteBuffer.allocate(11);
        final int written = Varint.putVarint(ours, 3, value);
        assertEquals(kafka.position(), written);
        assertEquals(written, Varint.sizeOfVarint(value));
        assertArrayEquals(java.util.Arrays.copyOf(kafka.array(), written),
            java.util.Arrays.copyOfRange(ours.array(), 3, 3 + written));
        assertEquals(value, Varint.getVarint(ours, 3, 3 + written));
        assertEquals(written, Varint.varintLength(ours, 3, 3 + written));
    }

    @Property(tries = 2000)
    void varlongMatchesKafka(@ForAll final long value)
    {
        final ByteBuffer kafka = ByteBuffer.allocate(10);
        KafkaRecords.writeVarlong(value, kafka);
        final ByteBuffer ours = ByteBuffer.allocate(12);
        final int written = Varint.putVarlong(ours, 2, value);
        assertEquals(kafka.position(), written);
        assertEquals(written, Varint.sizeOfVarlong(value));
        assertArrayEquals(java.util.Arrays.copyOf(kafka.array(), written),
            java.util.Arrays.copyOfRange(ours.array(), 2, 2 + written));
        assertEquals(value, Varint.getVarlong(ours, 2, 2 + written));
        assertEquals(written, Varint.varlongLength(ours, 2, 2 + written));
    }

    /** Any bytes: Kafka and Streamline agree on the value and length, or both refuse. */
    @Property(tries = 3000)
    void arbitraryBytesDecodeLikeKafka(@ForAll @Size(max = 12) final byte[] bytes)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        Integer kafkaValue = null;
        int kafkaLength = -1;
        try
        {
            kafkaValue = KafkaRecords.readVarint(buffer.duplicate());
            final ByteBuffer probe = buffer.duplicate();
            KafkaRecords.readVarint(probe);
            kafkaLength = probe.position();
        }
        catch (final IllegalArgumentException | BufferUnderflowException ex)
        {
            kafkaValue = null;
        }
        if (kafkaValue == null)
        {
            assertThrows(InvalidBatchException.class, () -> Varint.getVarint(buffer, 0, bytes.length));
            assertThrows(InvalidBatchException.class, () -> Varint.varintLength(buffer, 0, bytes.length));
        }
        else
        {
            assertEquals(kafkaValue.intValue(), Varint.getVarint(buffer, 0, bytes.length));
            assertEquals(kafkaLength, Varint.varintLength(buffer, 0, bytes.length));
        }

        Long kafkaLong;
        int kafkaLongLength = -1;
        try
        {
            final ByteBuffer probe = buffer.duplicate();
            kafkaLong = KafkaRecords.readVarlong(probe);
            kafkaLongLength = probe.position();
        }
        catch (final IllegalArgumentException | BufferUnderflowException ex)
        {
            kafkaLong = null;
        }
        if (kafkaLong == null)
        {
            assertThrows(InvalidBatchException.class, () -> Varint.getVarlong(buffer, 0, bytes.length));
        }
        else
        {
            assertEquals(kafkaLong.longValue(), Varint.getVarlong(buffer, 0, bytes.length));
            assertEquals(kafkaLongLength, Varint.varlongLength(buffer, 0, bytes.length));
        }
    }

    @Example
    void limitIsRespectedEvenWhenTheBufferGoesOn()
    {
        final ByteBuffer buffer = ByteBuffer.wrap(new byte[] {(byte)0x96, 0x01, 0, 0});
        assertEquals(75, Varint.getVarint(buffer, 0, 2));
        final InvalidBatchException ex = assertThrows(InvalidBatchException.class, () -> Varint.getVarint(buffer, 0, 1));
        assertEquals(InvalidBatchException.Reason.CORRUPT_RECORD, ex.reason());
        assertEquals("CORRUPT_RECORD: varint at index=0 runs past limit=1", ex.getMessage());
    }

    @Example
    void nonMinimalEncodingsAreAcceptedAsKafkaDoes()
    {
        final ByteBuffer zero = ByteBuffer.wrap(new byte[] {(byte)0x80, (byte)0x80, 0x00});
        assertEquals(0, Varint.getVarint(zero, 0, 3));
        assertEquals(3, Varint.varintLength(zero, 0, 3));
        assertEquals(0, KafkaRecords.readVarint(zero.duplicate()));
    }
}
