package dev.kanal.server;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a viewer joining a running {@code /live/{id}.ts} stream starts: the last PAT and PMT, then
 * everything since the last video key frame (a TS packet of the video PID with the
 * payload_unit_start and random_access_indicator flags, ISO/IEC 13818-1 2.4.3.5, as ffmpeg's muxer
 * sets them). So a new viewer decodes at once from a key frame instead of a mid-GOP cut, and a
 * player that sniffs the stream (Plex, Jellyfin, ffprobe) finds the program tables first. Bounded:
 * a GOP longer than {@code maxBytes} is not kept, and viewers then start at the live edge.
 * Not thread-safe; the session calls it under its lock.
 */
final class TsGopCache {

  static final int PACKET = 188;
  private static final int SYNC = 0x47;

  private final long maxBytes;
  private int pmtPid = -1;
  private int videoPid = -1;
  private Buffer pat;
  private Buffer pmt;
  private final List<Buffer> gop = new ArrayList<>();
  private long gopBytes;
  private boolean gopValid;

  TsGopCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Forgets everything (a new ffmpeg run starts new tables and timestamps). */
  void reset() {
    pmtPid = -1;
    videoPid = -1;
    pat = null;
    pmt = null;
    clearGop();
  }

  /** The video PID found in the PMT, or -1. */
  int videoPid() {
    return videoPid;
  }

  /** Reads a chunk of whole packets as it goes out to viewers. */
  void accept(byte[] chunk, Buffer whole) {
    int keyAt = -1;
    for (int off = 0; off + PACKET <= chunk.length; off += PACKET) {
      if ((chunk[off] & 0xff) != SYNC) {
        reset();
        return;
      }
      int pid = ((chunk[off + 1] & 0x1f) << 8) | (chunk[off + 2] & 0xff);
      boolean start = (chunk[off + 1] & 0x40) != 0;
      if (!start) {
        continue;
      }
      if (pid == 0) {
        pat = Buffer.buffer(slice(chunk, off));
        parsePat(chunk, off);
      } else if (pid == pmtPid) {
        pmt = Buffer.buffer(slice(chunk, off));
        parsePmt(chunk, off);
      } else if (pid == videoPid && randomAccess(chunk, off)) {
        keyAt = off;
      }
    }
    if (keyAt >= 0) {
      clearGop();
      gopValid = true;
      append(keyAt == 0 ? whole : whole.getBuffer(keyAt, chunk.length));
    } else if (gopValid) {
      append(whole);
    }
  }

  /** What a joining viewer gets first; empty while no key frame (or no tables) has been seen. */
  List<Buffer> start() {
    if (!gopValid || pat == null || pmt == null) {
      return List.of();
    }
    List<Buffer> out = new ArrayList<>(gop.size() + 2);
    out.add(pat);
    out.add(pmt);
    out.addAll(gop);
    return out;
  }

  private void append(Buffer b) {
    gop.add(b);
    gopBytes += b.length();
    if (gopBytes > maxBytes) {
      clearGop();
    }
  }

  private void clearGop() {
    gop.clear();
    gopBytes = 0;
    gopValid = false;
  }

  private static byte[] slice(byte[] chunk, int off) {
    byte[] p = new byte[PACKET];
    System.arraycopy(chunk, off, p, 0, PACKET);
    return p;
  }

  /** The offset of the payload of the packet at {@code off}, or -1 when it has none. */
  private static int payload(byte[] b, int off) {
    int control = (b[off + 3] >> 4) & 0x3;
    if (control == 1) {
      return off + 4;
    }
    if (control == 3) {
      int p = off + 5 + (b[off + 4] & 0xff);
      return p < off + PACKET ? p : -1;
    }
    return -1;
  }

  private static boolean randomAccess(byte[] b, int off) {
    int control = (b[off + 3] >> 4) & 0x3;
    return (control == 2 || control == 3) && (b[off + 4] & 0xff) > 0 && (b[off + 5] & 0x40) != 0;
  }

  /** The start of the section after the pointer field, or -1. */
  private static int section(byte[] b, int off) {
    int p = payload(b, off);
    if (p < 0) {
      return -1;
    }
    int s = p + 1 + (b[p] & 0xff);
    return s + 3 < off + PACKET ? s : -1;
  }

  /** PAT (2.4.4.3): the PID of the first program's PMT. */
  private void parsePat(byte[] b, int off) {
    int s = section(b, off);
    if (s < 0 || (b[s] & 0xff) != 0x00) {
      return;
    }
    int end = Math.min(s + 3 + (((b[s + 1] & 0x0f) << 8) | (b[s + 2] & 0xff)) - 4, off + PACKET);
    for (int i = s + 8; i + 4 <= end; i += 4) {
      int program = ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
      if (program != 0) {
        int pid = ((b[i + 2] & 0x1f) << 8) | (b[i + 3] & 0xff);
        if (pid != pmtPid) {
          pmtPid = pid;
          videoPid = -1;
          pmt = null;
        }
        return;
      }
    }
  }

  /** PMT (2.4.4.8): the first video elementary stream (MPEG-1/2, MPEG-4 part 2, H.264, HEVC). */
  private void parsePmt(byte[] b, int off) {
    int s = section(b, off);
    if (s < 0 || (b[s] & 0xff) != 0x02 || s + 12 > off + PACKET) {
      return;
    }
    int end = Math.min(s + 3 + (((b[s + 1] & 0x0f) << 8) | (b[s + 2] & 0xff)) - 4, off + PACKET);
    int i = s + 12 + (((b[s + 10] & 0x0f) << 8) | (b[s + 11] & 0xff));
    while (i + 5 <= end) {
      int type = b[i] & 0xff;
      int pid = ((b[i + 1] & 0x1f) << 8) | (b[i + 2] & 0xff);
      if (type == 0x01 || type == 0x02 || type == 0x10 || type == 0x1b || type == 0x24) {
        if (pid != videoPid) {
          videoPid = pid;
          clearGop();
        }
        return;
      }
      i += 5 + (((b[i + 3] & 0x0f) << 8) | (b[i + 4] & 0xff));
    }
  }
}
