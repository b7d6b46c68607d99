package io.streamline.kafka;

import io.streamline.StreamlineException;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * DeleteTopics v1-6: by name, and from v6 on by topic id (a v6 entry names one or the other). Each
 * topic gets its own result: UNKNOWN_TOPIC_OR_PARTITION for an unknown name, UNKNOWN_TOPIC_ID for an
 * unknown id, INVALID_REQUEST for a topic given twice (by name, by id, or by a name whose id was also
 * given) or for an entry with neither or both, with Kafka's messages.
 */
final class DeleteTopicsHandler
{
    private final StreamlineEngine engine;

    DeleteTopicsHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    DeleteTopicsResponseData handle(final DeleteTopicsRequestData request, final short version)
    {
        final DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        final Set<String> names = new LinkedHashSet<>();
        final Set<String> duplicateNames = new LinkedHashSet<>();
        final Set<Uuid> ids = new LinkedHashSet<>();
        final Set<Uuid> duplicateIds = new LinkedHashSet<>();
        final List<String> requested = new ArrayList<>(version < 6 ? request.topicNames() : List.of());
        if (version >= 6)
        {
            for (final DeleteTopicsRequestData.DeleteTopicState state : request.topics())
            {
                final boolean noId = Uuid.ZERO_UUID.equals(state.topicId());
                if (state.name() == null && noId)
                {
                    add(response, null, Uuid.ZERO_UUID, Errors.INVALID_REQUEST.code(), "Neither topic name nor id were specified.");
                }
                else if (state.name() != null && !noId)
                {
                    add(response, state.name(), state.topicId(), Errors.INVALID_REQUEST.code(),
                        "You may not specify both topic name and topic id.");
                }
                else if (state.name() != null)
                {
                    requested.add(state.name());
                }
                else if (!ids.add(state.topicId()))
                {
                    duplicateIds.add(state.topicId());
                }
            }
        }
        for (final String name : requested)
        {
            if (!names.add(name))
            {
                duplicateNames.add(name);
            }
        }
        names.removeAll(duplicateNames);
        ids.removeAll(duplicateIds);
        duplicateNames.forEach(name -> add(response, name, Uuid.ZERO_UUID, Errors.INVALID_REQUEST.code(), "Duplicate topic name."));
        duplicateIds.forEach(id -> add(response, null, id, Errors.INVALID_REQUEST.code(), "Duplicate topic id."));

        final Map<UUID, Topic> byId = new LinkedHashMap<>();
        for (final Uuid id : ids)
        {
            final Topic topic = Topics.byId(engine, id);
            if (topic == null)
            {
                add(response, null, id, Errors.UNKNOWN_TOPIC_ID.code(), "Topic id " + id + " does not exist.");
            }
            else
            {
                byId.put(topic.id(), topic);
            }
        }
        for (final String name : names)
        {
            final Topic topic = Topics.byName(engine, name);
            if (topic != null && byId.remove(topic.id()) != null)
            {
                add(response, name, Topics.toKafka(topic.id()), Errors.INVALID_REQUEST.code(),
                    "The provided topic name maps to an ID that was already supplied.");
            }
            else
            {
                delete(response, name, topic == null ? Uuid.ZERO_UUID : Topics.toKafka(topic.id()));
            }
        }
        for (final Topic topic : byId.values())
        {
            delete(response, topic.name(), topic.id());
        }
        return response;
    }

    private void delete(final DeleteTopicsResponseData response, final String name, final Uuid id)
    {
        try
        {
            engine.topicManager().deleteTopic(name);
            add(response, name, id, Errors.NONE.code(), null);
        }
        catch (final StreamlineException ex)
        {
            add(response, name, id, ex.errorCode().code(), ex.getMessage());
        }
    }

    /** By id: a topic of the same name created since the id was looked up is not deleted. */
    private void delete(final DeleteTopicsResponseData response, final String name, final UUID id)
    {
        try
        {
            engine.topicManager().deleteTopic(id);
            add(response, name, Topics.toKafka(id), Errors.NONE.code(), null);
        }
        catch (final StreamlineException ex)
        {
            add(response, name, Topics.toKafka(id), ex.errorCode().code(), ex.getMessage());
        }
    }

    private static void add(final DeleteTopicsResponseData response, final String name, final Uuid id, final short error,
        final String message)
    {
        response.responses().add(new DeleteTopicsResponseData.DeletableTopicResult()
            .setName(name).setTopicId(id).setErrorCode(error).setErrorMessage(message));
    }
}
