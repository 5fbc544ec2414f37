package dev.kanal.store;

import java.util.List;

/**
 * One user's progress in one video across devices.
 *
 * @param latest the newest position over all devices (resume from here)
 * @param devices every device's own entry, newest first
 */
public record VideoProgress(ProgressEntry latest, List<ProgressEntry> devices) {
  public VideoProgress {
    devices = List.copyOf(devices);
  }
}
