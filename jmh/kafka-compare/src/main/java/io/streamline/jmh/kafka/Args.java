package io.streamline.jmh.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --name value} command-line options of the tools in this package: every option takes a value,
 * an unknown or repeated one is an error.
 */
final class Args
{
    private final Map<String, String> values = new HashMap<>();

    private Args()
    {
    }

    static Args parse(final String[] args, final String... names)
    {
        final Args parsed = new Args();
        for (int i = 0; i < args.length; i += 2)
        {
            final String name = args[i];
            if (!name.startsWith("--") || !List.of(names).contains(name.substring(2)))
            {
                throw new IllegalArgumentException("unknown option " + name + ", expected --" + String.join(" --", names));
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(name + " needs a value");
            }
            if (parsed.values.put(name.substring(2), args[i + 1]) != null)
            {
                throw new IllegalArgumentException(name + " given twice");
            }
        }
        return parsed;
    }

    String string(final String name)
    {
        final String value = values.get(name);
        if (value == null)
        {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    String string(final String name, final String defaultValue)
    {
        return values.getOrDefault(name, defaultValue);
    }

    long number(final String name)
    {
        return Long.parseLong(string(name));
    }

    long number(final String name, final long defaultValue)
    {
        final String value = values.get(name);
        return value == null ? defaultValue : Long.parseLong(value);
    }
}
