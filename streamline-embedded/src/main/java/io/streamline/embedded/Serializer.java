package io.streamline.embedded;

/**
 * Turns a value into bytes for a record's key or value.
 *
 * @param <T> the type serialized.
 */
@FunctionalInterface
public interface Serializer<T>
{
    /**
     * @param topic the topic the record goes to.
     * @param data  the value, may be null.
     * @return the bytes, or null for null.
     */
    byte[] serialize(String topic, T data);
}
