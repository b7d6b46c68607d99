package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * src-docs/kafka-compatibility.md lists every API key kafka-clients knows, with exactly the versions
 * ApiVersions advertises over the wire: the document cannot drift from the code.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompatibilityDocTest
{
    private static final Pattern ROW = Pattern.compile("^\\| *(\\d+) *\\| *(\\w+) *\\| *([^|]+?) *\\| *([^|]+?) *\\| *(.+?) *\\|$");

    /** One row of the table. */
    private record Row(String name, String streamline, String clients, String notes)
    {
    }

    private static Map<Integer, Row> table() throws Exception
    {
        final Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../src-docs/kafka-compatibility.md");
        final Map<Integer, Row> rows = new TreeMap<>();
        for (final String line : Files.readAllLines(doc, StandardCharsets.UTF_8))
        {
            final Matcher m = ROW.matcher(line.trim());
            if (m.matches())
            {
                final Row previous = rows.put(Integer.parseInt(m.group(1)), new Row(m.group(2), m.group(3), m.group(4), m.group(5)));
                assertNull(previous, "key " + m.group(1) + " listed twice");
            }
        }
        return rows;
    }

    private static String range(final int min, final int max)
    {
        return min + "-" + max;
    }

    @Test
    void tableListsEveryApiKeyWithWhatApiVersionsAdvertises() throws Exception
    {
        final Map<Integer, Row> rows = table();
        final Map<Integer, String> advertised = new TreeMap<>();
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build();
             KafkaListener listener = KafkaListener.start(engine);
             WireClient client = new WireClient(listener.port()))
        {
            final short version = SupportedApis.versions().get(ApiKeys.API_VERSIONS)[1];
            final ApiVersionsResponseData response = client.call(ApiKeys.API_VERSIONS, version,
                new ApiVersionsRequestData().setClientSoftwareName("doc-test").setClientSoftwareVersion("1"));
            assertEquals(Errors.NONE.code(), response.errorCode());
            for (final ApiVersionsResponseData.ApiVersion v : response.apiKeys())
            {
                advertised.put((int)v.apiKey(), range(v.minVersion(), v.maxVersion()));
            }
        }
        assertFalse(advertised.isEmpty());

        assertEquals(ApiKeys.values().length, rows.size(), "one row per API key of kafka-clients");
        for (final ApiKeys api : ApiKeys.values())
        {
            final Row row = rows.get((int)api.id);
            assertNotNull(row, api + " (key " + api.id + ") is missing from the table");
            assertEquals(api.name, row.name(), "key " + api.id);
            assertEquals(api.latestVersion() < 0 ? "none" : range(api.oldestVersion(), api.latestVersion()), row.clients(),
                api + ": kafka-clients column");
            assertEquals(advertised.getOrDefault((int)api.id, "not supported"), row.streamline(),
                api + ": the table says " + row.streamline() + ", ApiVersions advertises " +
                    advertised.getOrDefault((int)api.id, "nothing"));
            assertFalse(row.notes().isBlank(), api + " has no note");
        }
        assertTrue(ApiKeys.values().length > advertised.size(), "some keys are not supported, and say so");
    }
}
