package io.streamline.kafka;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.EnumMap;
import java.util.Map;

/**
 * The API versions Streamline implements: each range is what the handler supports, within what the
 * pinned kafka-clients can encode and not below Kafka 4's baseline (KIP-896). ApiVersions advertises
 * exactly this table, except Produce's minimum (see {@link #PRODUCE_ADVERTISED_MIN_VERSION}); {@code ApiVersionsMatrixTest} and {@code AdminApisMatrixTest} drive every version of it,
 * and {@code CompatibilityDocTest} keeps src-docs/kafka-compatibility.md equal to it.
 */
final class SupportedApis
{
    private static final Map<ApiKeys, short[]> VERSIONS = new EnumMap<>(ApiKeys.class);

    /**
     * The lowest Produce version advertised, below the lowest served, as Kafka 4 does (KAFKA-18659):
     * librdkafka before 2.10 reads a Produce minimum above 0 as "no compression support" and sends
     * gzip/snappy/lz4 batches uncompressed. Requests of v0-2 are still refused (the connection closes).
     */
    static final short PRODUCE_ADVERTISED_MIN_VERSION = 0;

    static
    {
        add(ApiKeys.PRODUCE, 3, 13);
        add(ApiKeys.FETCH, 4, 18);
        add(ApiKeys.LIST_OFFSETS, 1, 11);
        add(ApiKeys.METADATA, 0, 13);
        add(ApiKeys.API_VERSIONS, 0, 5);
        add(ApiKeys.CREATE_TOPICS, 2, 7);
        add(ApiKeys.INIT_PRODUCER_ID, 0, 6);
        add(ApiKeys.FIND_COORDINATOR, 0, 6);
        add(ApiKeys.DELETE_TOPICS, 1, 6);
        add(ApiKeys.DELETE_RECORDS, 0, 2);
        add(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4);
        add(ApiKeys.DESCRIBE_CONFIGS, 1, 4);
        add(ApiKeys.ALTER_CONFIGS, 0, 2);
        add(ApiKeys.DESCRIBE_LOG_DIRS, 1, 5);
        add(ApiKeys.CREATE_PARTITIONS, 0, 3);
        add(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1);
        add(ApiKeys.DESCRIBE_CLUSTER, 0, 2);
        add(ApiKeys.DESCRIBE_PRODUCERS, 0, 0);
        // Consumer groups (GroupApis): the classic protocol.
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
        // The consumer group protocol (KIP-848).
        add(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, 1);
        add(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, 1);
        // Transactions (TransactionApis), transaction versions 1 and 2: EndTxn v5 bumps the epoch per transaction,
        // Produce v12+ and TxnOffsetCommit v5 add partitions implicitly (KIP-890); see TRANSACTION_VERSION.
        add(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 5);
        add(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 4);
        add(ApiKeys.END_TXN, 0, 5);
        add(ApiKeys.TXN_OFFSET_COMMIT, 0, 5);
        add(ApiKeys.DESCRIBE_TRANSACTIONS, 0, 0);
        add(ApiKeys.LIST_TRANSACTIONS, 0, 2);
    }

    /** The feature that tells clients which transaction protocol the coordinator speaks (KIP-890). */
    static final String TRANSACTION_VERSION_FEATURE = "transaction.version";
    /** The {@value #TRANSACTION_VERSION_FEATURE} supported (0..2) and finalized: 2, so Kafka 4 clients use transaction version 2. */
    static final short TRANSACTION_VERSION = 2;
    /**
     * The epoch of the finalized features: fixed, as they never change; clients take features only from a
     * response whose epoch is above the last one they saw (initially -1).
     */
    static final long FINALIZED_FEATURES_EPOCH = 1;

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

    /** @return the versions served, per API. */
    static Map<ApiKeys, short[]> versions()
    {
        return VERSIONS;
    }

    /** @return the lowest version ApiVersions advertises for {@code api}, which is served from {@link #versions()}. */
    static short advertisedMin(final ApiKeys api)
    {
        return api == ApiKeys.PRODUCE ? PRODUCE_ADVERTISED_MIN_VERSION : VERSIONS.get(api)[0];
    }

    /**
     * @param errorCode the response's error.
     * @param version   the ApiVersions version answered: v3+ carries the features (supported and finalized
     *                  {@value #TRANSACTION_VERSION_FEATURE}), as Kafka.
     * @return the response.
     */
    static ApiVersionsResponseData apiVersionsResponse(final short errorCode, final short version)
    {
        final ApiVersionsResponseData response = new ApiVersionsResponseData().setErrorCode(errorCode);
        if (version >= 3 && errorCode == 0)
        {
            response.supportedFeatures().add(new ApiVersionsResponseData.SupportedFeatureKey().setName(TRANSACTION_VERSION_FEATURE)
                .setMinVersion((short)0).setMaxVersion(TRANSACTION_VERSION));
            response.setFinalizedFeaturesEpoch(FINALIZED_FEATURES_EPOCH);
            response.finalizedFeatures().add(new ApiVersionsResponseData.FinalizedFeatureKey().setName(TRANSACTION_VERSION_FEATURE)
                .setMinVersionLevel(TRANSACTION_VERSION).setMaxVersionLevel(TRANSACTION_VERSION));
        }
        for (final Map.Entry<ApiKeys, short[]> e : VERSIONS.entrySet())
        {
            response.apiKeys().add(new ApiVersionsResponseData.ApiVersion()
                .setApiKey(e.getKey().id)
                .setMinVersion(advertisedMin(e.getKey()))
                .setMaxVersion(e.getValue()[1]));
        }
        return response;
    }
}
