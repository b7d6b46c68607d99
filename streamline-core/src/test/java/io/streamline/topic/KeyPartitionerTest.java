package io.streamline.topic;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeyPartitionerTest
{
    @Test
    void matchesKafkaClientsForRandomKeys()
    {
        final SplittableRandom random = new SplittableRandom(20261122);
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] key = new byte[random.nextInt(0, 64)];
            for (int b = 0; b < key.length; b++)
            {
                key[b] = (byte)random.nextInt(256);
            }
            final int partitions = random.nextInt(1, 1000);
            assertEquals(Utils.murmur2(key), KeyPartitioner.murmur2(key), "murmur2 of key " + i);
            final int expected = Utils.toPositive(Utils.murmur2(key)) % partitions;
            assertEquals(expected, KeyPartitioner.partition(key, partitions), "partition of key " + i);
            final ByteBuffer inside = ByteBuffer.allocate(key.length + 10).position(5);
            inside.put(key).flip().position(5);
            assertEquals(expected, KeyPartitioner.partition(inside, partitions), "partition of buffer key " + i);
            assertEquals(5, inside.position(), "buffer not moved");
        }
    }
}
