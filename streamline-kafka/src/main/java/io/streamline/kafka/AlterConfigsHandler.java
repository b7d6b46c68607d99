package io.streamline.kafka;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicConfigs;
import io.streamline.topic.TopicManager;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AlterConfigs v0-2 (replace all of a topic's overrides) and IncrementalAlterConfigs v0-1 (SET, DELETE,
 * and APPEND / SUBTRACT on list configs, from the effective value), for topics; {@code validateOnly}
 * checks without changing anything. Each resource succeeds or fails whole, with Kafka's checks and
 * messages: a resource given twice, a key given twice or a null value is INVALID_REQUEST; an unknown
 * key, an invalid value or APPEND / SUBTRACT on a non-list key is INVALID_CONFIG; an unknown topic is
 * UNKNOWN_TOPIC_OR_PARTITION. Broker configs cannot be changed at run time: a change to broker "0" or
 * to the cluster default ("") is INVALID_REQUEST; other resource types are INVALID_REQUEST.
 */
final class AlterConfigsHandler
{
    private final StreamlineEngine engine;

    AlterConfigsHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    AlterConfigsResponseData handle(final AlterConfigsRequestData request)
    {
        final AlterConfigsResponseData response = new AlterConfigsResponseData();
        final Set<String> repeated = repeated(request.resources().stream()
            .map(r -> r.resourceType() + "/" + r.resourceName()).toList());
        for (final AlterConfigsRequestData.AlterConfigsResource resource : request.resources())
        {
            final AlterConfigsResponseData.AlterConfigsResourceResponse result = new AlterConfigsResponseData.AlterConfigsResourceResponse()
                .setResourceType(resource.resourceType()).setResourceName(resource.resourceName()).setErrorCode(Errors.NONE.code());
            response.responses().add(result);
            try
            {
                if (repeated.contains(resource.resourceType() + "/" + resource.resourceName()))
                {
                    throw new StreamlineException(ErrorCode.INVALID_REQUEST, "Each resource must appear at most once.");
                }
                final Map<String, String> configs = new HashMap<>();
                final List<String> names = new ArrayList<>();
                final List<String> nulls = new ArrayList<>();
                for (final AlterConfigsRequestData.AlterableConfig c : resource.configs())
                {
                    names.add(c.name());
                    configs.put(c.name(), c.value());
                    if (c.value() == null)
                    {
                        nulls.add(c.name());
                    }
                }
                checkKeys(names, nulls);
                final String topic = topicOrCheckBroker(resource.resourceType(), resource.resourceName(), names);
                if (topic != null)
                {
                    final TopicManager topics = engine.topicManager();
                    if (request.validateOnly())
                    {
                        topics.validateAlterConfigs(topic, configs, List.of());
                    }
                    else
                    {
                        topics.replaceConfigs(topic, configs);
                    }
                }
            }
            catch (final StreamlineException ex)
            {
                result.setErrorCode(ex.errorCode().code()).setErrorMessage(ex.getMessage());
            }
        }
        return response;
    }

    IncrementalAlterConfigsResponseData handle(final IncrementalAlterConfigsRequestData request)
    {
        final IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        final Set<String> repeated = repeated(request.resources().stream()
            .map(r -> r.resourceType() + "/" + r.resourceName()).toList());
        for (final IncrementalAlterConfigsRequestData.AlterConfigsResource resource : request.resources())
        {
            final IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse result =
                new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                    .setErrorCode(Errors.NONE.code());
            response.responses().add(result);
            try
            {
                if (repeated.contains(resource.resourceType() + "/" + resource.resourceName()))
                {
                    throw new StreamlineException(ErrorCode.INVALID_REQUEST, "Each resource must appear at most once.");
                }
                final List<String> names = new ArrayList<>();
                final List<String> nulls = new ArrayList<>();
                for (final IncrementalAlterConfigsRequestData.AlterableConfig c : resource.configs())
                {
                    names.add(c.name());
                    if (c.value() == null && c.configOperation() != AlterConfigOp.OpType.DELETE.id())
                    {
                        nulls.add(c.name());
                    }
                }
                checkKeys(names, nulls);
                final String topic = topicOrCheckBroker(resource.resourceType(), resource.resourceName(), names);
                if (topic != null)
                {
                    alterTopic(topic, resource.configs(), request.validateOnly());
                }
            }
            catch (final StreamlineException ex)
            {
                result.setErrorCode(ex.errorCode().code()).setErrorMessage(ex.getMessage());
            }
        }
        return response;
    }

    private void alterTopic(final String name, final IncrementalAlterConfigsRequestData.AlterableConfigCollection ops,
        final boolean validateOnly)
    {
        final TopicManager topics = engine.topicManager();
        final Topic topic = topics.require(name);
        final Map<String, String> effective = topics.effectiveConfigs(topic);
        final Map<String, String> set = new HashMap<>();
        final List<String> remove = new ArrayList<>();
        for (final IncrementalAlterConfigsRequestData.AlterableConfig op : ops)
        {
            final AlterConfigOp.OpType type = AlterConfigOp.OpType.forId(op.configOperation());
            if (type == null)
            {
                throw new StreamlineException(ErrorCode.INVALID_REQUEST, "Unknown operation type " + op.configOperation());
            }
            switch (type)
            {
                case SET -> set.put(op.name(), op.value());
                case DELETE -> remove.add(op.name());
                case APPEND, SUBTRACT ->
                {
                    final TopicConfigs.Definition def = TopicConfigs.definition(op.name());
                    if (def == null)
                    {
                        throw new StreamlineException(ErrorCode.INVALID_CONFIG, "Unknown topic config name: " + op.name());
                    }
                    if (def.type() != TopicConfigs.Type.LIST)
                    {
                        throw new StreamlineException(ErrorCode.INVALID_CONFIG, "Can't " + type + " to key " + op.name() +
                            " because its type is not LIST.");
                    }
                    final List<String> items = new ArrayList<>(items(effective.get(op.name())));
                    for (final String item : items(op.value()))
                    {
                        if (type == AlterConfigOp.OpType.SUBTRACT)
                        {
                            items.remove(item);
                        }
                        else if (!items.contains(item))
                        {
                            items.add(item);
                        }
                    }
                    set.put(op.name(), String.join(",", items));
                }
                default -> throw new IllegalStateException(type.name());
            }
        }
        if (validateOnly)
        {
            topics.validateAlterConfigs(name, set, remove);
        }
        else
        {
            topics.alterConfigs(name, set, remove);
        }
    }

    /**
     * @return the topic named by a TOPIC resource, or null for a BROKER resource that changes nothing.
     * @throws StreamlineException INVALID_REQUEST for a broker change or another resource type.
     */
    private static String topicOrCheckBroker(final byte resourceType, final String resourceName, final List<String> names)
    {
        final ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.TOPIC)
        {
            return resourceName;
        }
        if (type != ConfigResource.Type.BROKER)
        {
            throw new StreamlineException(ErrorCode.INVALID_REQUEST, "Unsupported resource type " + type + " (" + resourceType +
                "): Streamline alters topic configs");
        }
        if (resourceName != null && !resourceName.isEmpty())
        {
            final String problem = DescribeConfigsHandler.checkBrokerName(resourceName);
            if (problem != null)
            {
                throw new StreamlineException(ErrorCode.INVALID_REQUEST, problem);
            }
        }
        if (!names.isEmpty())
        {
            throw new StreamlineException(ErrorCode.INVALID_REQUEST, "Cannot update these configs dynamically: " + names +
                " (Streamline's broker configs are set by the engine builder)");
        }
        return null;
    }

    private static void checkKeys(final List<String> names, final List<String> nulls)
    {
        if (!repeated(names).isEmpty())
        {
            throw new StreamlineException(ErrorCode.INVALID_REQUEST, "Error due to duplicate config keys");
        }
        if (!nulls.isEmpty())
        {
            throw new StreamlineException(ErrorCode.INVALID_REQUEST, "Null value not supported for : " + String.join(", ", nulls));
        }
    }

    private static List<String> items(final String list)
    {
        return list == null ? List.of() : Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Set<String> repeated(final List<String> keys)
    {
        final Set<String> seen = new HashSet<>();
        final Set<String> repeated = new HashSet<>();
        for (final String key : keys)
        {
            if (!seen.add(key))
            {
                repeated.add(key);
            }
        }
        return repeated;
    }
}
