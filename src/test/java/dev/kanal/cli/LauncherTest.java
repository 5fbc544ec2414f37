package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./kanal} launcher's JDK discovery (it must find a JDK >= 21 when the default java is older). */
class LauncherTest {

  private static final Path LAUNCHER = Path.of("kanal").toAbsolutePath();

  record Result(int exit, String out, String err) {}

  private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    return run(LAUNCHER, env, args);
  }

  private static Result run(Path launcher, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("bash", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("HOME", System.getProperty("user.home"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static int featureVersion(Path javaHome) throws IOException {
    String release = Files.readString(javaHome.resolve("release"));
    String v = release.replaceAll("(?s).*JAVA_VERSION=\"(\\d+).*", "$1");
    return Integer.parseInt(v);
  }

  @Test
  void printJavaEnv_findsAJdkOf21OrNewer_evenWhenJavaHomeIsOlder() throws Exception {
    Result r = run(Map.of("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"), "--print-java-env");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("export JAVA_HOME=");
    Path home = Path.of(r.out().strip().substring("export JAVA_HOME=".length()));
    assertThat(featureVersion(home)).isGreaterThanOrEqualTo(21);
    assertThat(home.resolve("bin/javac")).isExecutable();
  }

  @Test
  void withoutAnySuitableJdk_saysWhatToInstall() throws Exception {
    Result r = run(Map.of("KANAL_JDK_DIRS", "/nonexistent/*", "JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"),
        "--print-java-env");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kanal: no Java 21 or newer found").contains("apt-get install");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void removesClassDataArchivesOlderThanTheJarOrALibrary(@TempDir Path home) throws Exception {
    // The JVM ignores an archive whose jars changed without writing a new one: every later run
    // would start cold. The launcher removes such archives so that the next run writes them again.
    Path launcher = Files.copy(LAUNCHER, home.resolve("kanal"));
    Path target = Files.createDirectories(home.resolve("target"));
    Path lib = Files.createDirectories(target.resolve("lib"));
    Path jar = Files.writeString(target.resolve("kanal.jar"), "not a jar");
    Path library = Files.writeString(lib.resolve("picocli.jar"), "not a jar");
    Path beforeJar = Files.writeString(target.resolve("kanal-jdk25-record.jsa"), "old");
    Path beforeLibrary = Files.writeString(target.resolve("kanal-jdk25-serve.jsa"), "old");
    Path fresh = Files.writeString(target.resolve("kanal-jdk25-cli.jsa"), "fresh");
    long now = System.currentTimeMillis();
    setTime(beforeJar, now - 50_000);
    setTime(jar, now - 40_000);
    setTime(beforeLibrary, now - 30_000);
    setTime(library, now - 20_000);
    setTime(fresh, now - 10_000);

    Result r = run(launcher, Map.of("KANAL_NO_CDS", "1"), "record", "--help");

    assertThat(r.exit()).as("java -jar on a file that is not a jar fails").isNotZero();
    assertThat(beforeJar).as("archive older than the jar").doesNotExist();
    assertThat(beforeLibrary).as("archive older than a library").doesNotExist();
    assertThat(fresh).as("archive newer than the jar and every library").hasContent("fresh");
  }

  @Test
  void recordAndPlay_getAClassCacheOfTheirOwn_andStdoutStaysClean(@TempDir Path home) throws Exception {
    // The cache dance of ./kanal on a stand-in jar: the JVM's own messages must never reach stdout
    // (`kanal record -o -` writes video there), and the third run must load classes from the cache.
    Path launcher = Files.copy(LAUNCHER, home.resolve("kanal"));
    Path target = Files.createDirectories(home.resolve("target"));
    writeHelloJar(target.resolve("kanal.jar"));
    Path javaHome = Path.of(System.getProperty("java.home"));
    int jdk = featureVersion(javaHome);
    Map<String, String> env = Map.of("JAVA_HOME", javaHome.toString());
    String cache = "kanal-jdk" + jdk + "-record";

    Result first = run(launcher, env, "record", "a");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).isEqualTo("hello record a\n");
    Result second = run(launcher, env, "record", "b");
    assertThat(second.out()).isEqualTo("hello record b\n");
    if (jdk >= 25) {
      // The first run recorded a configuration; the second assembles the cache in the background.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(target.resolve(cache + ".aot")) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(target.resolve(cache + ".aot")).as(Files.exists(target.resolve(cache + ".aot.log"))
          ? Files.readString(target.resolve(cache + ".aot.log")) : "no log").exists();
      assertThat(target.resolve(cache + ".aotconf")).doesNotExist();
    } else {
      assertThat(target.resolve(cache + ".jsa")).exists();
    }
    Path classes = home.resolve("classes.log");
    Result third = run(launcher, Map.of("JAVA_HOME", javaHome.toString(),
        "KANAL_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), "record", "c");
    assertThat(third.out()).isEqualTo("hello record c\n");
    assertThat(Files.readAllLines(classes)).filteredOn(l -> l.contains(" dev.kanal.cli.LauncherHello "))
        .singleElement().asString().contains("source: shared objects file");
  }

  /** A jar whose main class is {@link LauncherHello}, as kanal.jar would be. */
  private static void writeHelloJar(Path jar) throws IOException {
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, LauncherHello.class.getName());
    String entry = LauncherHello.class.getName().replace('.', '/') + ".class";
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest);
        var in = LauncherHello.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new java.util.jar.JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
  }

  private static void setTime(Path file, long millis) throws IOException {
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(millis));
  }
}
