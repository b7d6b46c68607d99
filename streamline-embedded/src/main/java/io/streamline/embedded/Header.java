package io.streamline.embedded;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record header: a key and a value that may be null.
 *
 * @param key   the header key, not null.
 * @param value the header value, or null.
 */
public record Header(String key, byte[] value)
{
    /**
     * @param key   the header key, not null.
     * @param value the header value, or null.
     */
    public Header
    {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode()
    {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString()
    {
        return "Header{" + key + "=" + (value == null ? "null" : value.length + " bytes") + '}';
    }
}
