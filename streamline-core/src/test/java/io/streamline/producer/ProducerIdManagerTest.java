package io.streamline.producer;

import io.streamline.log.LogStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ProducerIdManagerTest
{
    @TempDir
    Path tmp;

    @Test
    void idsAreNeverReusedAcrossCleanAndUncleanRestarts() throws Exception
    {
        final Set<Long> seen = new HashSet<>();
        for (int restart = 0; restart < 4; restart++)
        {
            final LogStore store = LogStore.builder().directory(tmp).build();
            final ProducerIdManager ids = ProducerIdManager.open(store, () -> 1L);
            for (int i = 0; i < 1500; i++)
            {
                final long id = ids.nextProducerId();
                assertTrue(id >= 0);
                assertTrue(seen.add(id), "id " + id + " reused after restart " + restart);
            }
            if (restart % 2 == 0)
            {
                ids.close();
                store.close();
            }
            else
            {
                // As a crash would: no clean close of the id log.
                final java.lang.reflect.Method abandon = LogStore.class.getDeclaredMethod("abandon");
                abandon.setAccessible(true);
                abandon.invoke(store);
            }
        }
        assertEquals(6000, seen.size());
    }
}
