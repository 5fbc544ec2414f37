package dev.kanal.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The conflict rule both stores apply to a progress write: per device, the newest entry wins. */
final class ProgressMerge {

  /** Devices kept per user and video; the oldest entry goes when a new device would pass it. */
  static final int MAX_DEVICES = 32;

  /** Newest first: by {@code updatedAt}, then {@code receivedAt}, then device id (a stable order). */
  static final Comparator<ProgressEntry> NEWEST_FIRST = Comparator.comparing(ProgressEntry::updatedAt)
      .thenComparing(ProgressEntry::receivedAt).reversed().thenComparing(ProgressEntry::deviceId);

  /**
   * The result of writing {@code incoming} over {@code existing}.
   *
   * @param applied whether {@code incoming} replaced (or added) its device's entry
   * @param devices the entries to keep, newest first
   * @param evicted device ids dropped to stay within {@link #MAX_DEVICES}
   */
  record Result(boolean applied, List<ProgressEntry> devices, List<String> evicted) {
    VideoProgress progress() {
      return new VideoProgress(devices.getFirst(), devices);
    }
  }

  private ProgressMerge() {}

  static Result merge(List<ProgressEntry> existing, ProgressEntry incoming) {
    List<ProgressEntry> devices = new ArrayList<>(existing.size() + 1);
    boolean applied = true;
    for (ProgressEntry e : existing) {
      if (e.deviceId().equals(incoming.deviceId())) {
        // Same device: a write that is older than what we have is stale (sent late, or retried).
        if (e.updatedAt().isAfter(incoming.updatedAt())) {
          applied = false;
          devices.add(e);
        }
      } else {
        devices.add(e);
      }
    }
    if (applied) {
      devices.add(incoming);
    }
    devices.sort(NEWEST_FIRST);
    List<String> evicted = new ArrayList<>();
    while (devices.size() > MAX_DEVICES) {
      evicted.add(devices.removeLast().deviceId());
    }
    if (applied && evicted.contains(incoming.deviceId())) {
      applied = false; // older than every one of MAX_DEVICES other devices: nothing to keep
    }
    return new Result(applied, List.copyOf(devices), List.copyOf(evicted));
  }

  /** The entries sorted newest first, or null when there are none. */
  static VideoProgress of(List<ProgressEntry> entries) {
    if (entries.isEmpty()) {
      return null;
    }
    List<ProgressEntry> sorted = new ArrayList<>(entries);
    sorted.sort(NEWEST_FIRST);
    return new VideoProgress(sorted.getFirst(), sorted);
  }
}
