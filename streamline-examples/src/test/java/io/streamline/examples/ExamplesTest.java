package io.streamline.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExamplesTest
{
    @TempDir
    Path tmp;

    @Test
    void readmeExampleReadsBackWhatItWrote()
    {
        assertEquals(java.util.List.of("customer-42 = {\"total\": 12}"), ReadmeExample.run(tmp.resolve("readme")));
    }

    @Test
    void storageDemoWritesReadsAndReopens()
    {
        final String first = runDemo("--data-dir", tmp.resolve("demo").toString(), "--records", "12345", "--compression", "snappy");
        assertTrue(first.contains("read back and decoded 12,345 records"), first);
        assertTrue(first.contains("log end offset 12345"), first);
        final String second = runDemo("--data-dir", tmp.resolve("demo").toString(), "--records", "5");
        assertTrue(second.contains("log end offset 12345"), "restored on reopen: " + second);
        assertTrue(second.contains("log end offset 12350"), second);
    }

    @Test
    void quickstartConsumesEverythingItProduced()
    {
        assertEquals(200_000, Quickstart.run(tmp.resolve("quickstart"), 200_000));
        assertEquals(50_000, Quickstart.run(null, 50_000));
    }

    private static String runDemo(final String... args)
    {
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            StorageDemo.main(args);
        }
        finally
        {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
