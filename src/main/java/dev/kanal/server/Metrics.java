package dev.kanal.server;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Prometheus registry with JVM and process metrics bound, served at {@code /metrics}. */
public final class Metrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** A registry with JVM memory, GC, threads, class loading, CPU, uptime and file descriptor metrics. */
  public static Metrics create(String version) {
    Metrics metrics = new Metrics();
    metrics.registry.config().commonTags("application", "kanal");
    new JvmMemoryMetrics().bindTo(metrics.registry);
    metrics.gc.bindTo(metrics.registry);
    new JvmThreadMetrics().bindTo(metrics.registry);
    new ClassLoaderMetrics().bindTo(metrics.registry);
    new ProcessorMetrics().bindTo(metrics.registry);
    new UptimeMetrics().bindTo(metrics.registry);
    new FileDescriptorMetrics().bindTo(metrics.registry);
    metrics.registry.gauge("kanal.build.info",
        java.util.List.of(io.micrometer.core.instrument.Tag.of("version", version)), 1);
    return metrics;
  }

  /** The registry other components register their meters with. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
