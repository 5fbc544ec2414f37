package dev.kanal.discovery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * mDNS responses (RFC 6762/6763) for fuzzing: a service's PTR, SRV, TXT and A records, with random
 * instance names, random TXT bytes, and, when asked, lengths that lie, cut-off packets and flipped bytes.
 */
final class DnsPackets {

  static final String[] TYPES = {"_rtsp._tcp", "_hls._tcp", "_http._tcp", "_kanal._tcp"};
  private static final String[] TXT = {"video=h264", "res=1920x1080", "fps=30", "audio=aac", "path=/live", "id=0A1B2C3D",
      "version=1.0", "api=/api", "live=1", "video=", "=x", "res=99999x1", "fps=1e9", "path=../../etc", "VIDEO=HEVC"};

  private DnsPackets() {}

  /** A well-formed response announcing one service, its TXT record made of random entries and random bytes. */
  static byte[] response(Random random) {
    String type = TYPES[random.nextInt(TYPES.length)] + ".local";
    String instance = randomLabel(random) + "." + type;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeShort(out, 0);
    writeShort(out, 0x8400); // response, authoritative
    writeShort(out, 0);
    writeShort(out, 4);
    writeShort(out, 0);
    writeShort(out, 0);
    record(out, type, 12, name(instance));
    ByteArrayOutputStream srv = new ByteArrayOutputStream();
    writeShort(srv, 0);
    writeShort(srv, 0);
    writeShort(srv, random.nextInt(65536));
    srv.writeBytes(name("fuzz-host.local"));
    record(out, instance, 33, srv.toByteArray());
    record(out, instance, 16, txt(random));
    record(out, "fuzz-host.local", 1, new byte[] {127, 0, 0, (byte) (1 + random.nextInt(3))});
    return out.toByteArray();
  }

  /** A response as {@link #response} with something broken: a lying length, a cut, flipped bytes. */
  static byte[] brokenTxtResponse(Random random) {
    byte[] p = response(random);
    switch (random.nextInt(4)) {
      case 0 -> {
        return java.util.Arrays.copyOf(p, 12 + random.nextInt(Math.max(1, p.length - 12)));
      }
      case 1 -> {
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
          p[12 + random.nextInt(p.length - 12)] = (byte) random.nextInt(256);
        }
        return p;
      }
      case 2 -> {
        p[6] = (byte) 0xff; // thousands of answers announced, four there
        p[7] = (byte) 0xff;
        return p;
      }
      default -> {
        byte[] longer = java.util.Arrays.copyOf(p, p.length + random.nextInt(64));
        for (int i = p.length; i < longer.length; i++) {
          longer[i] = (byte) random.nextInt(256);
        }
        return longer;
      }
    }
  }

  /** TXT record data: random known entries, random strings, and length bytes that may run past the end. */
  static byte[] txt(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < random.nextInt(12); i++) {
      switch (random.nextInt(4)) {
        case 0, 1 -> {
          byte[] s = TXT[random.nextInt(TXT.length)].getBytes(StandardCharsets.UTF_8);
          out.write(s.length);
          out.writeBytes(s);
        }
        case 2 -> {
          byte[] s = new byte[random.nextInt(256)];
          random.nextBytes(s);
          out.write(s.length);
          out.writeBytes(s);
        }
        default -> {
          byte[] s = ("video=" + randomLabel(random)).getBytes(StandardCharsets.UTF_8);
          out.write(Math.min(255, s.length + random.nextInt(3)));
          out.writeBytes(s);
        }
      }
    }
    return out.toByteArray();
  }

  static String randomLabel(Random random) {
    String[] parts = {"Cam", "Evil", " ", "\u00e9", "\u0000", "\u202e", "(2)", "x", "\ud83d\udcf7", "\n", "..", "a"};
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 1 + random.nextInt(6); i++) {
      s.append(parts[random.nextInt(parts.length)]);
    }
    return s.toString().replace(".", "");
  }

  private static void record(ByteArrayOutputStream out, String name, int type, byte[] data) {
    out.writeBytes(name(name));
    writeShort(out, type);
    writeShort(out, 1);
    writeShort(out, 0);
    writeShort(out, 120);
    writeShort(out, data.length);
    out.writeBytes(data);
  }

  private static byte[] name(String dotted) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : dotted.split("\\.")) {
      byte[] b = label.getBytes(StandardCharsets.UTF_8);
      int n = Math.min(63, b.length);
      out.write(n);
      out.write(b, 0, n);
    }
    out.write(0);
    return out.toByteArray();
  }

  private static void writeShort(ByteArrayOutputStream out, int v) {
    out.write((v >> 8) & 0xff);
    out.write(v & 0xff);
  }
}
