package dev.kanal.library;

import java.time.Duration;
import java.util.List;

/**
 * What one scan found and did.
 *
 * @param files video files found on disk
 * @param added new videos catalogued
 * @param changed videos whose file changed in place (re-probed, same id)
 * @param moved videos found under a new path with the same content (same id)
 * @param removed videos whose file is gone
 * @param unchanged videos seen again as they were
 * @param probed files probed by this scan
 * @param broken files probed as broken by this scan
 * @param skipped files or folders left out, with the reason (symlinks out of the library, unreadable folders)
 * @param problems folders that could not be scanned; their videos are kept as they were
 * @param elapsed how long the scan took
 */
public record ScanReport(int files, int added, int changed, int moved, int removed, int unchanged, int probed,
    int broken, List<String> skipped, List<String> problems, Duration elapsed) {

  public ScanReport {
    skipped = List.copyOf(skipped);
    problems = List.copyOf(problems);
  }
}
