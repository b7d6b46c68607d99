package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DescribeLogDirs v1-5: one log directory, the engine's data directory (or {@value #IN_MEMORY_LOG_DIR}
 * for an in-memory engine), with the size in bytes of each partition asked for (all of them when the
 * request's topics are null; unknown topics and partitions are left out, as in Kafka), offset lag 0 (the
 * only replica is the leader), and from v4 the file store's total and usable bytes (-1, unknown, in memory).
 */
final class DescribeLogDirsHandler
{
    static final String IN_MEMORY_LOG_DIR = "in-memory";

    private final StreamlineEngine engine;

    DescribeLogDirsHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    /** @return the name of the engine's log directory, as DescribeLogDirs reports it. */
    static String logDir(final StreamlineEngine engine)
    {
        final Path dir = engine.dataDir();
        return dir == null ? IN_MEMORY_LOG_DIR : dir.toAbsolutePath().toString();
    }

    DescribeLogDirsResponseData handle(final DescribeLogDirsRequestData request)
    {
        final DescribeLogDirsResponseData.DescribeLogDirsResult dir = new DescribeLogDirsResponseData.DescribeLogDirsResult()
            .setErrorCode(Errors.NONE.code()).setLogDir(logDir(engine)).setIsCordoned(false);
        spaceOf(engine.dataDir(), dir);
        if (request.topics() == null)
        {
            for (final Topic topic : engine.topicManager().topics().values())
            {
                addTopic(dir, topic, null);
            }
        }
        else
        {
            for (final DescribeLogDirsRequestData.DescribableLogDirTopic wanted : request.topics())
            {
                final Topic topic = Topics.byName(engine, wanted.topic());
                if (topic != null)
                {
                    addTopic(dir, topic, new HashSet<>(wanted.partitions()));
                }
            }
        }
        final DescribeLogDirsResponseData response = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
        response.results().add(dir);
        return response;
    }

    private static void addTopic(final DescribeLogDirsResponseData.DescribeLogDirsResult dir, final Topic topic,
        final Set<Integer> partitions)
    {
        final List<DescribeLogDirsResponseData.DescribeLogDirsPartition> found = new ArrayList<>();
        for (int p = 0; p < topic.partitionCount(); p++)
        {
            if (partitions == null || partitions.contains(p))
            {
                found.add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                    .setPartitionIndex(p).setPartitionSize(topic.partition(p).sizeInBytes()).setOffsetLag(0).setIsFutureKey(false));
            }
        }
        if (!found.isEmpty())
        {
            dir.topics().add(new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(topic.name()).setPartitions(found));
        }
    }

    private static void spaceOf(final Path dataDir, final DescribeLogDirsResponseData.DescribeLogDirsResult dir)
    {
        if (dataDir == null)
        {
            dir.setTotalBytes(-1).setUsableBytes(-1);
            return;
        }
        try
        {
            final FileStore store = Files.getFileStore(dataDir);
            dir.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        }
        catch (final IOException ex)
        {
            dir.setTotalBytes(-1).setUsableBytes(-1);
        }
    }
}
