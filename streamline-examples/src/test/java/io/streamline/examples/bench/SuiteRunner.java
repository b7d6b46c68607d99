package io.streamline.examples.bench;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

/**
 * Runs the example suite (package {@code io.streamline.examples.suite}, or the package given) in this JVM with
 * the JUnit launcher, for jmh/testkit/run.sh; not a test. Prints one line:
 * {@code suite tests=30 failed=0 run_ms=... jvm_ms=...}: the launcher's run, and the time since the JVM started.
 */
public final class SuiteRunner
{
    private SuiteRunner()
    {
    }

    /**
     * @param args optionally the package to run.
     */
    public static void main(final String[] args)
    {
        final String pkg = args.length > 0 ? args[0] : "io.streamline.examples.suite";
        final LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectPackage(pkg)).build();
        final Launcher launcher = LauncherFactory.create();
        final SummaryGeneratingListener listener = new SummaryGeneratingListener();
        final long start = System.nanoTime();
        if (Boolean.getBoolean("suite.timings"))
        {
            launcher.execute(request, listener, new Timings());
        }
        else
        {
            launcher.execute(request, listener);
        }
        final long runMs = (System.nanoTime() - start) / 1_000_000;
        final TestExecutionSummary summary = listener.getSummary();
        if (summary.getTotalFailureCount() > 0)
        {
            summary.printFailuresTo(new PrintWriter(System.err, true), 20);
        }
        System.out.println("suite tests=" + summary.getTestsFoundCount() + " failed=" + summary.getTotalFailureCount() +
            " run_ms=" + runMs + " jvm_ms=" + (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()));
        System.exit(summary.getTotalFailureCount() == 0 && summary.getTestsFoundCount() > 0 ? 0 : 1);
    }

    /** With {@code -Dsuite.timings=true}: one line per test and class, {@code time ms=... test=...}. */
    private static final class Timings implements TestExecutionListener
    {
        private final java.util.Map<String, Long> started = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void executionStarted(final TestIdentifier id)
        {
            started.put(id.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionFinished(final TestIdentifier id, final TestExecutionResult result)
        {
            final Long at = started.remove(id.getUniqueId());
            if (at != null && (id.isTest() || id.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource).orElse(false)))
            {
                System.out.printf("time ms=%.1f %s=%s%n", (System.nanoTime() - at) / 1e6, id.isTest() ? "test" : "class",
                    id.getLegacyReportingName() + " " + id.getUniqueId().replaceAll(".*class:io.streamline.examples.suite.([A-Za-z]+).*", "$1"));
            }
        }
    }
}
