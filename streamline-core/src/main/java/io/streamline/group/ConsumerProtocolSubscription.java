package io.streamline.group;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the subscribed topics out of a Java consumer's JoinGroup metadata (Kafka's
 * {@code ConsumerProtocolSubscription}), the one thing the coordinator needs from otherwise opaque member
 * metadata: OffsetDelete refuses, and offset expiry spares, topics a group subscribes to. Every version of
 * that message starts with the same prefix, which is all this reads:
 * <pre>
 *  version (int16, &gt;= 0) | topic count (int32) | [topic length (int16) | UTF-8 topic] ...   (then fields this ignores)
 * </pre>
 */
final class ConsumerProtocolSubscription
{
    private ConsumerProtocolSubscription()
    {
    }

    /**
     * @param metadata a member's metadata for a consumer protocol.
     * @return the subscribed topics, or null if the bytes are not a consumer subscription.
     */
    static List<String> topics(final byte[] metadata)
    {
        final ByteBuffer in = ByteBuffer.wrap(metadata);
        try
        {
            if (in.getShort() < 0)
            {
                return null;
            }
            final int count = in.getInt();
            if (count < 0 || count > in.remaining() / 2)
            {
                return null;
            }
            final List<String> topics = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                final int length = in.getShort();
                if (length < 0 || length > in.remaining())
                {
                    return null;
                }
                topics.add(new String(metadata, in.position(), length, StandardCharsets.UTF_8));
                in.position(in.position() + length);
            }
            return topics;
        }
        catch (final BufferUnderflowException ex)
        {
            return null;
        }
    }
}
