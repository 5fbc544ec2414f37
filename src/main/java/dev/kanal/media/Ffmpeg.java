package dev.kanal.media;

import java.nio.file.Path;

/**
 * The ffmpeg and ffprobe executables Kanal runs, and where they were found.
 *
 * @param ffmpeg the ffmpeg executable
 * @param ffprobe the ffprobe executable
 * @param source "config", "PATH" or "bundled" (extracted from org.bytedeco:ffmpeg)
 */
public record Ffmpeg(Path ffmpeg, Path ffprobe, String source) {}
