package dev.kanal.discovery;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSDP on one set of interface addresses (UPnP Device Architecture 1.1, section 1). As a server it
 * listens on 239.255.255.250:1900, answers {@code M-SEARCH} for {@code ssdp:all},
 * {@code upnp:rootdevice}, {@code urn:schemas-upnp-org:device:MediaServer:1} and its own
 * {@code uuid:} with {@code LOCATION: http://<address>:<port>/device.xml} (after a random delay up
 * to {@code MX}), sends {@code NOTIFY ssdp:alive} with {@code CACHE-CONTROL: max-age=1800} at start
 * and every notify interval, and {@code ssdp:byebye} on close. As a browser it sends
 * {@code M-SEARCH} and hands announcements and responses to {@link SsdpBrowser}.
 *
 * <p>Every address has its own sending socket bound to it, so what Kanal sends comes from the
 * address its {@code LOCATION} names (browsers check that). Threads: one receiver per socket and
 * one timer, all named {@code kanal-ssdp-*}.
 */
final class Ssdp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Ssdp.class);
  static final int PORT = 1900;
  static final InetSocketAddress GROUP = new InetSocketAddress(group(), PORT);
  static final int MAX_AGE = 1800;
  /** Search answers waiting for their random delay at most; more searches are ignored until they are out. */
  static final int MAX_PENDING_ANSWERS = 64;
  static final List<String> TARGETS = List.of(SsdpMessage.ROOT_DEVICE, "uuid", SsdpMessage.MEDIA_SERVER);
  private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  private final Optional<Announcement> self;
  private final List<Interfaces.Local> locals;
  private final Optional<SsdpBrowser> browser;
  private final Duration interval;
  private final String serverHeader;
  private final Map<Interfaces.Local, MulticastSocket> senders = new LinkedHashMap<>();
  private MulticastSocket listener;
  private final ScheduledExecutorService timer;
  private final AtomicInteger pendingAnswers = new AtomicInteger();
  private final List<Thread> receivers = new ArrayList<>();
  private volatile boolean closed;

  private Ssdp(Optional<Announcement> self, List<Interfaces.Local> locals, Optional<SsdpBrowser> browser,
      Duration interval, String version) {
    this.self = self;
    this.locals = List.copyOf(locals);
    this.browser = browser;
    this.interval = interval;
    this.serverHeader = serverHeader(version);
    this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("kanal-ssdp-timer").daemon(true).factory());
  }

  /**
   * Starts SSDP on {@code locals}.
   *
   * @param self what to announce; empty for a browser only ({@code kanal discover}), which does not listen on port 1900
   * @param browser where announcements and search responses go; empty to announce only
   * @param interval how often NOTIFY alive is sent and the LAN searched again
   */
  static Ssdp start(Optional<Announcement> self, List<Interfaces.Local> locals, Optional<SsdpBrowser> browser,
      Duration interval, String version) throws IOException {
    Ssdp ssdp = new Ssdp(self, locals, browser, interval, version);
    try {
      ssdp.open();
    } catch (IOException | RuntimeException e) {
      ssdp.closeSockets();
      ssdp.timer.shutdownNow();
      throw e;
    }
    return ssdp;
  }

  private void open() throws IOException {
    if (self.isPresent()) {
      listener = new MulticastSocket(null);
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(PORT));
      Set<NetworkInterface> joined = new LinkedHashSet<>();
      for (Interfaces.Local local : locals) {
        if (joined.add(local.nif())) {
          listener.joinGroup(GROUP, local.nif());
        }
      }
      receive("kanal-ssdp-listen", listener);
    }
    for (Interfaces.Local local : locals) {
      MulticastSocket s = new MulticastSocket(new InetSocketAddress(local.address(), 0));
      s.setNetworkInterface(local.nif());
      s.setTimeToLive(2);
      s.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
      senders.put(local, s);
      receive("kanal-ssdp-" + local.address().getHostAddress(), s);
    }
    if (self.isPresent()) {
      // Twice at start (UDP may drop one), then every interval.
      timer.schedule(() -> announce("ssdp:alive"), 0, TimeUnit.MILLISECONDS);
      timer.scheduleAtFixedRate(() -> announce("ssdp:alive"), 1000, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (browser.isPresent()) {
      search();
    }
    if (self.isPresent()) {
      log.info("event=ssdp.started addresses={} browse={}", locals, browser.isPresent());
    } else {
      log.debug("event=ssdp.started addresses={} announce=false", locals);
    }
  }

  /** Sends M-SEARCH (MediaServer and root devices) now and 1 s later; a server repeats it every interval. */
  void search() {
    Runnable once = () -> {
      for (Map.Entry<Interfaces.Local, MulticastSocket> e : senders.entrySet()) {
        for (String st : List.of(SsdpMessage.MEDIA_SERVER, SsdpMessage.ROOT_DEVICE)) {
          Map<String, String> h = new LinkedHashMap<>();
          h.put("HOST", "239.255.255.250:1900");
          h.put("MAN", "\"ssdp:discover\"");
          h.put("MX", "1");
          h.put("ST", st);
          h.put("USER-AGENT", serverHeader);
          send(e.getValue(), SsdpMessage.format("M-SEARCH * HTTP/1.1", h), GROUP);
        }
      }
    };
    timer.schedule(once, 0, TimeUnit.MILLISECONDS);
    timer.schedule(once, 1000, TimeUnit.MILLISECONDS);
    if (self.isPresent()) {
      timer.scheduleAtFixedRate(once, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void receive(String name, MulticastSocket socket) {
    Thread t = Thread.ofPlatform().name(name).daemon(true).start(() -> {
      byte[] buffer = new byte[SsdpMessage.MAX_BYTES + 1];
      while (!closed && !socket.isClosed()) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
        } catch (IOException e) {
          if (!closed) {
            log.debug("event=ssdp.receive.failed socket={} error=\"{}\"", name, e.toString());
          }
          if (socket.isClosed()) {
            return;
          }
          continue;
        }
        try {
          onPacket(packet);
        } catch (RuntimeException e) {
          log.debug("event=ssdp.packet.failed sender={} error=\"{}\"", packet.getSocketAddress(), e.toString());
        }
      }
    });
    receivers.add(t);
  }

  private void onPacket(DatagramPacket packet) {
    if (packet.getLength() > SsdpMessage.MAX_BYTES) {
      return; // oversized (or cut by the buffer): ignored whole
    }
    InetAddress sender = packet.getAddress();
    byte[] data = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
    Optional<SsdpMessage> message = SsdpMessage.parse(data, data.length);
    if (message.isEmpty()) {
      return;
    }
    if (message.get().kind() == SsdpMessage.Kind.SEARCH) {
      self.ifPresent(s -> answer(message.get(), (InetSocketAddress) packet.getSocketAddress(), s));
    } else {
      browser.ifPresent(b -> b.onPacket(data, data.length, sender));
    }
  }

  /** Answers a search for one of our targets from the address(es) in the searcher's subnet. */
  private void answer(SsdpMessage search, InetSocketAddress from, Announcement s) {
    if (!search.isDiscover() || from.getPort() == 0 || isOwnSocket(from)) {
      return;
    }
    List<String> targets = targetsFor(search.target(), s.id());
    if (targets.isEmpty()) {
      return;
    }
    List<Interfaces.Local> chosen = locals.stream().filter(l -> l.sameSubnet(from.getAddress())).toList();
    if (chosen.isEmpty()) {
      chosen = locals.isEmpty() ? List.of() : List.of(locals.getFirst());
    }
    log.debug("event=ssdp.search from={} st={} answering={}", from, Text.clean(search.target(), 80), chosen);
    int mx = search.mx().orElse(0);
    for (Interfaces.Local local : chosen) {
      if (pendingAnswers.incrementAndGet() > MAX_PENDING_ANSWERS) {
        pendingAnswers.decrementAndGet();
        return;
      }
      long delay = mx == 0 ? 0 : ThreadLocalRandom.current().nextLong(mx * 1000L);
      List<byte[]> answers = targets.stream().map(t -> response(s, local, t)).toList();
      try {
        timer.schedule(() -> {
          pendingAnswers.decrementAndGet();
          MulticastSocket socket = senders.get(local);
          answers.forEach(a -> send(socket, a, from));
        }, delay, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        pendingAnswers.decrementAndGet();
      }
    }
  }

  private boolean isOwnSocket(InetSocketAddress from) {
    return senders.values().stream().anyMatch(s -> from.equals(s.getLocalSocketAddress()));
  }

  /** The notification types that answer search target {@code st} (ssdp:all: all three). */
  static List<String> targetsFor(String st, String id) {
    String t = st.strip();
    if (t.equalsIgnoreCase("ssdp:all")) {
      return TARGETS;
    }
    if (t.equalsIgnoreCase(SsdpMessage.ROOT_DEVICE)) {
      return List.of(SsdpMessage.ROOT_DEVICE);
    }
    if (t.equalsIgnoreCase(SsdpMessage.MEDIA_SERVER)) {
      return List.of(SsdpMessage.MEDIA_SERVER);
    }
    if (t.equalsIgnoreCase("uuid:" + id)) {
      return List.of("uuid");
    }
    return List.of();
  }

  /** The search response for one target ("uuid" stands for the device's own uuid:ID). */
  byte[] response(Announcement s, Interfaces.Local local, String target) {
    String st = target.equals("uuid") ? "uuid:" + s.id() : target;
    Map<String, String> h = new LinkedHashMap<>();
    h.put("CACHE-CONTROL", "max-age=" + MAX_AGE);
    h.put("DATE", DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
    h.put("EXT", "");
    h.put("LOCATION", location(s, local));
    h.put("SERVER", serverHeader);
    h.put("ST", st);
    h.put("USN", usn(s, target));
    return SsdpMessage.format("HTTP/1.1 200 OK", h);
  }

  private byte[] notification(Announcement s, Interfaces.Local local, String target, String nts) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("HOST", "239.255.255.250:1900");
    if (nts.equals("ssdp:alive")) {
      h.put("CACHE-CONTROL", "max-age=" + MAX_AGE);
      h.put("LOCATION", location(s, local));
      h.put("SERVER", serverHeader);
    }
    h.put("NT", target.equals("uuid") ? "uuid:" + s.id() : target);
    h.put("NTS", nts);
    h.put("USN", usn(s, target));
    return SsdpMessage.format("NOTIFY * HTTP/1.1", h);
  }

  private static String location(Announcement s, Interfaces.Local local) {
    return "http://" + local.address().getHostAddress() + ":" + s.port() + "/device.xml";
  }

  private static String usn(Announcement s, String target) {
    return target.equals("uuid") ? "uuid:" + s.id() : "uuid:" + s.id() + "::" + target;
  }

  private void announce(String nts) {
    self.ifPresent(s -> {
      for (Map.Entry<Interfaces.Local, MulticastSocket> e : senders.entrySet()) {
        for (String target : TARGETS) {
          send(e.getValue(), notification(s, e.getKey(), target, nts), GROUP);
        }
      }
    });
  }

  private void send(MulticastSocket socket, byte[] data, SocketAddress to) {
    if (socket == null || socket.isClosed()) {
      return;
    }
    try {
      socket.send(new DatagramPacket(data, data.length, to));
    } catch (IOException e) {
      log.debug("event=ssdp.send.failed to={} error=\"{}\"", to, e.toString());
    }
  }

  /** The SERVER / USER-AGENT value: {@code OS/version UPnP/1.0 Kanal/<version>}. */
  static String serverHeader(String version) {
    String os = System.getProperty("os.name", "Java").replaceAll("[^A-Za-z0-9._-]", "");
    String osVersion = System.getProperty("os.version", "1").replaceAll("[^A-Za-z0-9._-]", "");
    String v = version.replaceAll("[^0-9A-Za-z.+-]", "");
    return (os.isEmpty() ? "Java" : os) + "/" + (osVersion.isEmpty() ? "1" : osVersion) + " UPnP/1.0 Kanal/"
        + (v.isEmpty() ? "0" : v);
  }

  /** Sends {@code ssdp:byebye} (twice, as UDP may drop one) and stops. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    announce("ssdp:byebye");
    announce("ssdp:byebye");
    closed = true;
    closeSockets();
    for (Thread t : receivers) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (self.isPresent()) {
      log.info("event=ssdp.stopped byebye=true");
    }
  }

  private void closeSockets() {
    closed = true;
    if (listener != null) {
      listener.close();
    }
    senders.values().forEach(MulticastSocket::close);
  }

  private static InetAddress group() {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) 239, (byte) 255, (byte) 255, (byte) 250});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }

  /** An address with dashes for dots, for host names. */
  static String tag(InetAddress a) {
    return a.getHostAddress().replace('.', '-').toLowerCase(Locale.ROOT);
  }
}
