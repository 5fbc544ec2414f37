package dev.kanal.server;

import dev.kanal.config.KanalConfig.VodConfig;
import dev.kanal.media.Packages;
import java.nio.file.Path;

/**
 * What the VOD HLS routes ({@code /vod/{id}/...}) need besides the video library.
 *
 * @param config segment grid, cache size, run-ahead, encoder, CORS, packaging
 * @param cacheDir where on-demand segments and key-frame indexes are cached ({@code dataDir/cache/vod})
 * @param ffmpeg the ffmpeg executable
 * @param ffprobe the ffprobe executable
 * @param packages published packages and packaging jobs; {@link Packages#none()} without packaging
 */
public record VodSetup(VodConfig config, Path cacheDir, Path ffmpeg, Path ffprobe, Packages packages) {}
