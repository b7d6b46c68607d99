package io.streamline.record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** Test model of one record: what is written, and what either side reads back. */
final class RecordData
{
    /** Test model of one header. */
    static final class Header
    {
        final String key;
        final byte[] value;

        Header(final String key, final byte[] value)
        {
            this.key = key;
            this.value = value;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Header && key.equals(((Header)o).key) && Arrays.equals(value, ((Header)o).value);
        }

        @Override
        public int hashCode()
        {
            return key.hashCode() * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString()
        {
            return key + "=" + hex(value);
        }
    }

    final long offset;
    final long timestamp;
    final byte[] key;
    final byte[] value;
    final List<Header> headers;

    RecordData(final long offset, final long timestamp, final byte[] key, final byte[] value, final List<Header> headers)
    {
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headers = List.copyOf(headers);
    }

    RecordData withOffset(final long offset)
    {
        return new RecordData(offset, timestamp, key, value, headers);
    }

    RecordData withTimestamp(final long timestamp)
    {
        return new RecordData(offset, timestamp, key, value, headers);
    }

    /** @return the headers as the builder takes them. */
    RecordHeaders recordHeaders(final RecordHeaders into)
    {
        into.clear();
        for (final Header header : headers)
        {
            into.add(header.key, header.value);
        }
        return into;
    }

    static List<RecordData> withOffsets(final List<RecordData> records, final long baseOffset)
    {
        final List<RecordData> result = new ArrayList<>();
        for (int i = 0; i < records.size(); i++)
        {
            result.add(records.get(i).withOffset(baseOffset + i));
        }
        return result;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof RecordData))
        {
            return false;
        }
        final RecordData that = (RecordData)o;
        return offset == that.offset && timestamp == that.timestamp && Arrays.equals(key, that.key) &&
            Arrays.equals(value, that.value) && headers.equals(that.headers);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(offset, timestamp, Arrays.hashCode(key), Arrays.hashCode(value), headers);
    }

    @Override
    public String toString()
    {
        return "Record{offset=" + offset + ", ts=" + timestamp + ", key=" + hex(key) + ", value=" + hex(value) +
            ", headers=" + headers + '}';
    }

    static String hex(final byte[] bytes)
    {
        if (bytes == null)
        {
            return "null";
        }
        if (bytes.length > 32)
        {
            return bytes.length + " bytes, hash " + Arrays.hashCode(bytes);
        }
        return HexFormat.of().formatHex(bytes);
    }
}
