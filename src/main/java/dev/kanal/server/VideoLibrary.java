package dev.kanal.server;

import dev.kanal.library.Library;
import dev.kanal.library.Thumbnails;

/**
 * The video library as the server sees it.
 *
 * @param library the catalogue
 * @param thumbnails poster and thumbnail-strip maker
 * @param requestScan asks for a scan soon (the background watcher's), for {@code POST /api/library/scan}
 */
public record VideoLibrary(Library library, Thumbnails thumbnails, Runnable requestScan) {}
