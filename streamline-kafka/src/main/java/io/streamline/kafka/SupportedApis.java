package io.streamline.kafka;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.EnumMap;
import java.util.Map;

/**
 * The API versions Streamline implements: each range is what the handler supports, within what the
 * pinned kafka-clients can encode and not below Kafka 4's baseline (KIP-896). ApiVersions advertises
 * exactly this table; {@code KafkaListenerVersionsTest} drives every version of it.
 */
final class SupportedApis
{
    private static final Map<ApiKeys, short[]> VERSIONS = new EnumMap<>(ApiKeys.class);

    static
    {
        add(ApiKeys.PRODUCE, 3, 13);
        add(ApiKeys.FETCH, 4, 18);
        // v7+ adds MAX_TIMESTAMP (-3), v8+ EARLIEST_LOCAL (-4), v9+ LATEST_TIERED (-5): not implemented yet.
        add(ApiKeys.LIST_OFFSETS, 1, 6);
        add(ApiKeys.METADATA, 0, 13);
        add(ApiKeys.API_VERSIONS, 0, 4);
        add(ApiKeys.CREATE_TOPICS, 2, 7);
        add(ApiKeys.INIT_PRODUCER_ID, 0, 6);
        // Consumer groups (GroupApis): the classic protocol.
        add(ApiKeys.FIND_COORDINATOR, 0, 6);
        add(ApiKeys.JOIN_GROUP, 0, 9);
        add(ApiKeys.SYNC_GROUP, 0, 5);
        add(ApiKeys.HEARTBEAT, 0, 4);
        add(ApiKeys.LEAVE_GROUP, 0, 5);
        add(ApiKeys.OFFSET_COMMIT, 2, 10);
        add(ApiKeys.OFFSET_FETCH, 1, 10);
        add(ApiKeys.OFFSET_DELETE, 0, 0);
        add(ApiKeys.LIST_GROUPS, 0, 5);
        add(ApiKeys.DESCRIBE_GROUPS, 0, 6);
        add(ApiKeys.DELETE_GROUPS, 0, 3);
    }

    private SupportedApis()
    {
    }

    private static void add(final ApiKeys api, final int min, final int max)
    {
        if (min < api.oldestVersion() || max > api.latestVersion())
        {
            throw new IllegalStateException(api + " " + min + ".." + max + " is outside what kafka-clients encodes: " +
                api.oldestVersion() + ".." + api.latestVersion());
        }
        VERSIONS.put(api, new short[] {(short)min, (short)max});
    }

    static boolean isSupported(final ApiKeys api, final short version)
    {
        final short[] range = VERSIONS.get(api);
        return range != null && version >= range[0] && version <= range[1];
    }

    static Map<ApiKeys, short[]> versions()
    {
        return VERSIONS;
    }

    static ApiVersionsResponseData apiVersionsResponse(final short errorCode)
    {
        final ApiVersionsResponseData response = new ApiVersionsResponseData().setErrorCode(errorCode);
        for (final Map.Entry<ApiKeys, short[]> e : VERSIONS.entrySet())
        {
            response.apiKeys().add(new ApiVersionsResponseData.ApiVersion()
                .setApiKey(e.getKey().id)
                .setMinVersion(e.getValue()[0])
                .setMaxVersion(e.getValue()[1]));
        }
        return response;
    }
}
