package dev.kanal.hls;

/** Receives the progress of a recording; called from the recording's threads, so keep it quick. */
@FunctionalInterface
public interface RecordListener {

  /** A listener that ignores everything. */
  RecordListener NONE = e -> {};

  /** One event. */
  void on(RecordEvent event);
}
