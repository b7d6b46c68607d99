package io.streamline.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The buffers of one segment as mapped at one time: data, offset index and time index, released
 * together. Reference counted: the segment holds one reference while the mapping is current, each
 * reader holds one while it uses a view; the buffers are unmapped when the count reaches zero, so
 * no reader ever touches unmapped memory.
 * <p>
 * Threading: {@link #tryRetain()} and {@link #release()} are lock-free and may be called from any thread.
 */
final class Mapping
{
    private static final VarHandle REFS;

    static
    {
        try
        {
            REFS = MethodHandles.lookup().findVarHandle(Mapping.class, "refs", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final ByteBuffer data;
    final ByteBuffer offsetIndex;
    final ByteBuffer timeIndex;
    final boolean unmapOnRelease;
    private final MappingCache cache;
    @SuppressWarnings("unused")
    private volatile int refs = 1;
    volatile long lastUsed;

    Mapping(
        final ByteBuffer data,
        final ByteBuffer offsetIndex,
        final ByteBuffer timeIndex,
        final boolean unmapOnRelease,
        final MappingCache cache)
    {
        this.data = data;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.unmapOnRelease = unmapOnRelease;
        this.cache = cache;
    }

    /**
     * Take a reference if the mapping is still live.
     *
     * @return false if it has already been released for good.
     */
    boolean tryRetain()
    {
        int current;
        do
        {
            current = (int)REFS.getVolatile(this);
            if (current <= 0)
            {
                return false;
            }
        }
        while (!REFS.compareAndSet(this, current, current + 1));
        if (cache != null)
        {
            lastUsed = cache.tick();
        }
        return true;
    }

    /** Drop a reference; the last one unmaps the buffers. */
    void release()
    {
        final int remaining = (int)REFS.getAndAdd(this, -1) - 1;
        if (remaining == 0)
        {
            if (cache != null)
            {
                cache.removed(this);
            }
            if (unmapOnRelease)
            {
                MappedBuffers.release(data);
                MappedBuffers.release(offsetIndex);
                MappedBuffers.release(timeIndex);
            }
        }
        else if (remaining < 0)
        {
            throw new IllegalStateException("mapping released more often than retained");
        }
    }

    /** @return the current reference count, for tests and metrics. */
    int refCount()
    {
        return (int)REFS.getVolatile(this);
    }
}
