package dev.kanal.iptv;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Parses a guide file in its own JVM (run with a small heap by {@code XmltvLargeTest}) and prints
 * {@code ok channels=N programmes=N kept=N heapUsedMb=N}, or {@code error ...}.
 */
public final class XmltvParseMain {

  private XmltvParseMain() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Instant now = Instant.ofEpochSecond(Long.parseLong(args[1]));
    Epg.Builder builder = Epg.builder();
    try (InputStream in = Files.newInputStream(file)) {
      XmltvParser.Stats stats = XmltvParser.around(now).parse(in, file.toString(), builder);
      Epg epg = builder.build();
      System.gc();
      Runtime rt = Runtime.getRuntime();
      long usedMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
      System.out.println("ok channels=" + stats.channels() + " programmes=" + stats.programmes() + " kept="
          + epg.programmeCount() + " heapUsedMb=" + usedMb + " maxHeapMb=" + rt.maxMemory() / (1024 * 1024));
    } catch (Exception | OutOfMemoryError e) {
      System.out.println("error " + e);
      System.exit(1);
    }
  }
}
