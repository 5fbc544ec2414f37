package dev.kanal.store;

/**
 * The outcome of a progress write.
 *
 * @param applied false when the device already had a newer entry (a stale write, kept out)
 * @param progress the video's progress after the write
 */
public record ProgressUpdate(boolean applied, VideoProgress progress) {}
