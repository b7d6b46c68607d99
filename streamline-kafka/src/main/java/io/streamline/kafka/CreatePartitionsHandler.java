package io.streamline.kafka;

import io.streamline.StreamlineException;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicManager;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CreatePartitions v0-3: grows a topic to {@code count} partitions; {@code validateOnly} checks without
 * changing anything. Manual assignments must give one assignment per new partition, each of them
 * exactly node 0 (INVALID_REPLICA_ASSIGNMENT otherwise). A topic named twice gets INVALID_REQUEST.
 */
final class CreatePartitionsHandler
{
    private final StreamlineEngine engine;

    CreatePartitionsHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    CreatePartitionsResponseData handle(final CreatePartitionsRequestData request)
    {
        final CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        final Set<String> seen = new HashSet<>();
        final Set<String> duplicates = new HashSet<>();
        for (final CreatePartitionsRequestData.CreatePartitionsTopic t : request.topics())
        {
            if (!seen.add(t.name()))
            {
                duplicates.add(t.name());
            }
        }
        duplicates.forEach(name -> response.results().add(result(name, Errors.INVALID_REQUEST.code(), "Duplicate topic name.")));
        final TopicManager topics = engine.topicManager();
        for (final CreatePartitionsRequestData.CreatePartitionsTopic t : request.topics())
        {
            if (duplicates.contains(t.name()))
            {
                continue;
            }
            try
            {
                final Topic topic = topics.validateCreatePartitions(t.name(), t.count());
                final String badAssignment = checkAssignments(t, t.count() - topic.partitionCount());
                if (badAssignment != null)
                {
                    response.results().add(result(t.name(), Errors.INVALID_REPLICA_ASSIGNMENT.code(), badAssignment));
                    continue;
                }
                if (!request.validateOnly())
                {
                    topics.createPartitions(t.name(), t.count());
                }
                response.results().add(result(t.name(), Errors.NONE.code(), null));
            }
            catch (final StreamlineException ex)
            {
                response.results().add(result(t.name(), ex.errorCode().code(), ex.getMessage()));
            }
        }
        return response;
    }

    /** @return why the manual assignments cannot be used, or null if there are none or they are fine. */
    private static String checkAssignments(final CreatePartitionsRequestData.CreatePartitionsTopic topic, final int additional)
    {
        if (topic.assignments() == null)
        {
            return null;
        }
        if (topic.assignments().size() != additional)
        {
            return "Attempted to add " + additional + " additional partition(s), but only " +
                topic.assignments().size() + " assignment(s) were specified.";
        }
        for (final CreatePartitionsRequestData.CreatePartitionsAssignment a : topic.assignments())
        {
            if (!List.of(MetadataHandler.NODE_ID).equals(a.brokerIds()))
            {
                return "The manual partition assignment " + a.brokerIds() + " is not [0]: the only broker is node 0.";
            }
        }
        return null;
    }

    private static CreatePartitionsResponseData.CreatePartitionsTopicResult result(
        final String name, final short error, final String message)
    {
        return new CreatePartitionsResponseData.CreatePartitionsTopicResult()
            .setName(name).setErrorCode(error).setErrorMessage(message);
    }
}
