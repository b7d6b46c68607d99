package io.streamline.kafka;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Netty allocator of unpooled buffers that records the largest capacity it ever gave out: every new
 * buffer and every growth of one (a cumulation that expands in place goes through
 * {@link ByteBuf#capacity(int)}, not through the allocator). Buffers are leak-aware, as Netty's own
 * allocators make them. Thread-safe.
 */
final class RecordingAllocator extends AbstractByteBufAllocator
{
    private final AtomicInteger largest = new AtomicInteger();

    RecordingAllocator()
    {
        super(true);
    }

    /** @return the largest capacity of any buffer allocated or grown so far. */
    int largest()
    {
        return largest.get();
    }

    private void record(final int capacity)
    {
        largest.accumulateAndGet(capacity, Math::max);
    }

    @Override
    protected ByteBuf newHeapBuffer(final int initialCapacity, final int maxCapacity)
    {
        record(initialCapacity);
        return toLeakAwareBuffer(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity)
        {
            @Override
            public ByteBuf capacity(final int newCapacity)
            {
                record(newCapacity);
                return super.capacity(newCapacity);
            }
        });
    }

    @Override
    protected ByteBuf newDirectBuffer(final int initialCapacity, final int maxCapacity)
    {
        record(initialCapacity);
        return toLeakAwareBuffer(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity)
        {
            @Override
            public ByteBuf capacity(final int newCapacity)
            {
                record(newCapacity);
                return super.capacity(newCapacity);
            }
        });
    }

    @Override
    public boolean isDirectBufferPooled()
    {
        return false;
    }
}
