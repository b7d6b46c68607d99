package io.streamline.examples.bench;

import org.junit.platform.launcher.Launcher;
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
        launcher.execute(request, listener);
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
}
