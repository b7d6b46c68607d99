package io.streamline.embedded;

import java.nio.ByteBuffer;

/**
 * Turns a record's key or value bytes back into a value.
 *
 * @param <T> the type produced.
 */
@FunctionalInterface
public interface Deserializer<T>
{
    /**
     * @param topic the topic the record came from.
     * @param data  a read-only buffer over the bytes (position to limit), or null for null; valid only
     *              during the call.
     * @return the value.
     */
    T deserialize(String topic, ByteBuffer data);
}
