package dev.kanal.media;

/**
 * How an external program ended, with its two output streams apart.
 *
 * @param exitCode its exit code
 * @param stdout its standard output, cut at the capture limit
 * @param stderr its standard error, cut at the capture limit
 * @param stdoutTruncated whether standard output reached the capture limit
 */
public record ProcessOutput(int exitCode, String stdout, String stderr, boolean stdoutTruncated) {}
