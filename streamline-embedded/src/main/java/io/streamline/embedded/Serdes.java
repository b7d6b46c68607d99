package io.streamline.embedded;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The built-in serializers and deserializers: {@code byte[]}, {@link ByteBuffer} and UTF-8 {@link String}.
 */
public final class Serdes
{
    private Serdes()
    {
    }

    /** @return a serializer that passes {@code byte[]} through. */
    public static Serializer<byte[]> byteArraySerializer()
    {
        return (topic, data) -> data;
    }

    /** @return a deserializer that copies the bytes into a new {@code byte[]}. */
    public static Deserializer<byte[]> byteArrayDeserializer()
    {
        return (topic, data) -> data == null ? null : copy(data);
    }

    /** @return a serializer of a buffer's remaining bytes (the buffer is not moved). */
    public static Serializer<ByteBuffer> byteBufferSerializer()
    {
        return (topic, data) -> data == null ? null : copy(data);
    }

    /** @return a deserializer that copies the bytes into a new heap buffer. */
    public static Deserializer<ByteBuffer> byteBufferDeserializer()
    {
        return (topic, data) ->
        {
            if (data == null)
            {
                return null;
            }
            final ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data.duplicate()).flip();
            return copy;
        };
    }

    private static byte[] copy(final ByteBuffer data)
    {
        final byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    /** @return a UTF-8 string serializer. */
    public static Serializer<String> stringSerializer()
    {
        return (topic, data) -> data == null ? null : data.getBytes(StandardCharsets.UTF_8);
    }

    /** @return a UTF-8 string deserializer. */
    public static Deserializer<String> stringDeserializer()
    {
        return (topic, data) -> data == null ? null : StandardCharsets.UTF_8.decode(data.duplicate()).toString();
    }
}
