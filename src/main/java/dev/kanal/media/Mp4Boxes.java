package dev.kanal.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Walks the top-level boxes of an ISO BMFF (MP4/MOV) file to catch truncation that ffprobe does not
 * report: a "fast start" file cut short still has its {@code moov} up front and probes fine, but its
 * {@code mdat} claims more bytes than the file has, so playback stops early.
 */
final class Mp4Boxes {

  private static final Set<String> TOP_LEVEL = Set.of("ftyp", "moov", "mdat", "free", "skip", "wide", "uuid",
      "moof", "mfra", "sidx", "styp", "meta", "pdin", "prft", "emsg", "ssix");
  private static final int MAX_BOXES = 100_000;

  private Mp4Boxes() {}

  /**
   * Does nothing unless the file starts like ISO BMFF ({@code ftyp} or another known top-level
   * box); then checks that every top-level box fits inside the file.
   */
  static void checkComplete(Path file, long size) throws IOException, Prober.BrokenMediaException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(16);
      long offset = 0;
      for (int count = 0; offset < size && count < MAX_BOXES; count++) {
        header.clear();
        if (size - offset < 8) {
          if (count == 0) {
            return;
          }
          throw new Prober.BrokenMediaException("truncated: " + (size - offset) + " stray bytes after the last MP4 box");
        }
        header.limit(16);
        int read = readFully(ch, header, offset);
        header.flip();
        long boxSize = Integer.toUnsignedLong(header.getInt());
        byte[] type = new byte[4];
        header.get(type);
        String name = new String(type, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!TOP_LEVEL.contains(name)) {
          if (count == 0) {
            return; // not ISO BMFF at all: ffprobe decides
          }
          throw new Prober.BrokenMediaException("damaged MP4: unknown top-level box at byte " + offset);
        }
        if (boxSize == 1) {
          if (read < 16) {
            throw new Prober.BrokenMediaException("truncated inside the '" + name + "' box header");
          }
          boxSize = header.getLong();
        } else if (boxSize == 0) {
          boxSize = size - offset; // extends to the end of the file
        }
        if (boxSize < 8) {
          throw new Prober.BrokenMediaException("damaged MP4: box '" + name + "' at byte " + offset + " has size " + boxSize);
        }
        if (offset + boxSize > size) {
          throw new Prober.BrokenMediaException("truncated: the '" + name + "' box needs " + (offset + boxSize)
              + " bytes but the file has " + size);
        }
        offset += boxSize;
      }
    }
  }

  private static int readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, position + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}
