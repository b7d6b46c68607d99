package io.streamline.log;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Bounds the number of read-only segment mappings a store keeps open. When a new mapping would exceed
 * the bound, the least recently used one is dropped from its segment (it is unmapped once its readers
 * release it). Active segments' mappings are not counted: they belong to the writer.
 * <p>
 * Threading: {@link #tick()} is a racy counter read on every retain (approximate recency is enough);
 * {@link #admit} and {@link #removed} synchronize, and are only called on the cold mapping path.
 */
final class MappingCache
{
    private final int maxMappings;
    private final List<Entry> entries = new ArrayList<>();
    private long clock;

    private static final class Entry
    {
        final Mapping mapping;
        final Consumer<Mapping> evictor;

        Entry(final Mapping mapping, final Consumer<Mapping> evictor)
        {
            this.mapping = mapping;
            this.evictor = evictor;
        }
    }

    MappingCache(final int maxMappings)
    {
        if (maxMappings < 1)
        {
            throw new IllegalArgumentException("maxMappings must be >= 1: " + maxMappings);
        }
        this.maxMappings = maxMappings;
    }

    long tick()
    {
        return ++clock;
    }

    /**
     * Register a new read-only mapping, evicting the least recently used ones over the bound.
     *
     * @param mapping the new mapping.
     * @param evictor drops the mapping from its segment (called outside this cache's lock).
     */
    void admit(final Mapping mapping, final Consumer<Mapping> evictor)
    {
        mapping.lastUsed = tick();
        final List<Entry> victims = new ArrayList<>(1);
        synchronized (this)
        {
            entries.add(new Entry(mapping, evictor));
            while (entries.size() > maxMappings)
            {
                int oldest = 0;
                for (int i = 1; i < entries.size(); i++)
                {
                    if (entries.get(i).mapping.lastUsed < entries.get(oldest).mapping.lastUsed)
                    {
                        oldest = i;
                    }
                }
                victims.add(entries.remove(oldest));
            }
        }
        for (final Entry victim : victims)
        {
            victim.evictor.accept(victim.mapping);
        }
    }

    synchronized void removed(final Mapping mapping)
    {
        for (int i = entries.size() - 1; i >= 0; i--)
        {
            if (entries.get(i).mapping == mapping)
            {
                entries.remove(i);
                return;
            }
        }
    }

    /** @return the number of read-only mappings currently counted. */
    synchronized int size()
    {
        return entries.size();
    }

    /** @return the bound. */
    int maxMappings()
    {
        return maxMappings;
    }
}
