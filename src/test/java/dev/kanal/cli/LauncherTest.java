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

  private static void setTime(Path file, long millis) throws IOException {
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(millis));
  }
}
