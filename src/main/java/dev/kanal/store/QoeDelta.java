package dev.kanal.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What one batch of events changed in a session's QoE, for the metrics of the node that received it.
 *
 * @param startup the startup time, when this batch carried the session's first startup
 * @param stalls stalls that began in this batch
 * @param levelSwitches level switches in this batch
 * @param errorDetails the {@code detail} of each error in this batch
 * @param stallRatio the session's final stall ratio, when this batch ended it (and it played at all)
 * @param ignored events that changed nothing (after the end, a second startup, an unmatched stall end)
 */
public record QoeDelta(Optional<Duration> startup, int stalls, int levelSwitches, List<String> errorDetails,
    OptionalDouble stallRatio, int ignored) {
  public QoeDelta {
    errorDetails = List.copyOf(errorDetails);
  }
}
