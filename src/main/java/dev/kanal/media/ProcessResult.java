package dev.kanal.media;

/**
 * How an external program ended.
 *
 * @param exitCode its exit code
 * @param output its standard output and error, merged, cut at the capture limit
 */
public record ProcessResult(int exitCode, String output) {}
