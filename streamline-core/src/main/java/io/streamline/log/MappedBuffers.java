package io.streamline.log;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Releases the memory behind a direct or mapped {@link ByteBuffer} now rather than at some later GC.
 * Uses {@code sun.misc.Unsafe.invokeCleaner}, exported by the {@code jdk.unsupported} module, so no JVM
 * flag is needed on Java 17 to 25.
 * <p>
 * The caller must guarantee that nothing reads the buffer, or any view of it, afterwards: doing so
 * crashes the JVM. {@link Mapping} reference counts exist to give that guarantee.
 */
final class MappedBuffers
{
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static
    {
        Object unsafe = null;
        Method invokeCleaner = null;
        try
        {
            final Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            final Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            unsafe = theUnsafe.get(null);
            invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            unsafe = null;
            invokeCleaner = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
    }

    private MappedBuffers()
    {
    }

    /**
     * Unmap or free {@code buffer} if it is a direct buffer that owns its memory; do nothing for heap
     * buffers, for views (slices, duplicates) and where the cleaner is unavailable (the GC then frees it).
     *
     * @param buffer the buffer to release.
     */
    static void release(final ByteBuffer buffer)
    {
        if (buffer == null || !buffer.isDirect() || INVOKE_CLEANER == null)
        {
            return;
        }
        try
        {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            // A view (IllegalArgumentException: duplicate or slice) or an already freed buffer: leave it to the GC.
        }
    }
}
