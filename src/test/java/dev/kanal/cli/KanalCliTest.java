package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KanalCliTest {

  @TempDir
  Path dir;

  /** What one run printed and returned. */
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KanalCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void help_listsEverySubcommand() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    for (String command : List.of("serve", "demo", "playlist", "channels", "epg", "play", "record", "library",
        "discover", "config", "status", "version", "completion")) {
      assertThat(r.out()).as(command).containsPattern("(?m)^\\s+" + command + "\\s");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"serve", "demo", "playlist", "channels", "epg", "play", "record", "library", "discover",
      "config", "status", "version", "completion"})
  void everySubcommand_hasHelp(String command) {
    Run r = run(command, "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("Usage: kanal " + command);
  }

  @Test
  void noSubcommand_isUsageError() {
    Run r = run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("missing subcommand");
  }

  @Test
  void unknownFlag_givesOneLineAndExit2() {
    Run r = run("serve", "--frobnicate");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("kanal: Unknown option: '--frobnicate'\nRun 'kanal serve --help' for usage.\n");
    assertThat(r.out()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "0s", "61s", "-1s"})
  void discover_badTimeout_givesOneLineAndExit2(String timeout) {
    Run r = run("discover", "--timeout", timeout);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: --timeout").doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void discover_unexpectedArgument_isUsageError() {
    Run r = run("discover", "list");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: Unmatched argument");
  }

  @Test
  void configCheck_onBrokenFile_namesFileLineAndKey() throws IOException {
    Path file = dir.resolve("kanal.yaml");
    Files.writeString(file, "server:\n  port: 8080\nlibrary:\n  folder: /srv\n");
    Run r = run("config", "check", file.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kanal: " + file + ":4: library.folder: unknown key");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void configCheck_json_listsProblems() throws IOException {
    Path file = dir.resolve("kanal.yaml");
    Files.writeString(file, "server:\n  port: 99999\n");
    Run r = run("config", "check", "--json", file.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("\"valid\" : false").contains("\"origin\" : \"" + file + ":2\"")
        .contains("\"key\" : \"server.port\"");
  }

  @Test
  void configInit_writesAFileThatChecksOk_andRefusesToOverwrite() {
    Path file = dir.resolve("kanal.yaml");
    assertThat(run("config", "init", file.toString()).exit()).isZero();
    Run check = run("config", "check", file.toString());
    assertThat(check.exit()).isZero();
    assertThat(check.out()).isEqualTo(file + ": ok\n");
    Run again = run("config", "init", file.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("already exists: use --force");
    Path toml = dir.resolve("kanal.toml");
    assertThat(run("config", "init", toml.toString()).exit()).isZero();
    assertThat(run("config", "check", toml.toString()).exit()).isZero();
  }

  @Test
  void missingConfigFile_isOneClearLine() {
    Path missing = dir.resolve("missing.yaml");
    Run r = run("config", "show", "--config", missing.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("kanal: " + missing + ": config file does not exist\n");
  }

  @Test
  void configShow_appliesFlags() {
    Run r = run("config", "show", "--json", "--config", dir.resolve("none.yaml").toString().replace("none", "none"),
        "--port", "1234");
    // The named file is missing: show must say so rather than silently use defaults.
    assertThat(r.exit()).isEqualTo(1);
    Run ok = run("config", "show", "--port", "1234", "--media", "/a", "--media", "/b");
    assertThat(ok.exit()).isZero();
    assertThat(ok.out()).contains("port: 1234").contains("- /a").contains("- /b");
  }

  @Test
  void serve_withUnwritableDataDir_isOneClearLine() throws IOException {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    Run r = run("serve", "--data", file.resolve("sub").toString(), "--port", "0");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kanal: data folder " + file.resolve("sub") + " cannot be used")
        .contains("choose another with --data");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void serve_withPortInUse_isOneClearLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Run r = run("serve", "--data", dir.toString(), "--port", Integer.toString(taken.getLocalPort()));
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).isEqualTo("kanal: port " + taken.getLocalPort()
          + " on 127.0.0.1 is already in use: stop the other program or choose another port with --port\n");
    }
  }

  @Test
  void debug_addsTheStackTrace() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Run r = run("serve", "--debug", "--data", dir.toString(), "--port", Integer.toString(taken.getLocalPort()));
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).contains("already in use").contains("\tat ");
    }
  }

  @Test
  void badPortValue_namesTheFlag() {
    Run r = run("serve", "--data", dir.toString(), "--port", "eighty");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("kanal: --port: server.port: expected a whole number, got 'eighty'\n");
  }

  @Test
  void completion_printsAScriptForEveryCommand() {
    Run bash = run("completion", "bash");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("serve").contains("playlist").contains("ZSH_VERSION");
    assertThat(run("completion", "fish").exit()).isEqualTo(2);
  }

  @Test
  void version_printsKanalJavaAndFfmpeg() {
    Run r = run("version", "--data", dir.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).containsPattern("(?m)^kanal  \\S+").containsPattern("(?m)^java   \\d+")
        .containsPattern("(?m)^ffmpeg ");
  }

  @Test
  void status_withNoServer_saysSo() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run r = run("status", "--url", "http://127.0.0.1:" + port);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kanal: no Kanal server answers at http://127.0.0.1:" + port);
  }

  @Test
  void tlsIsPreparedEarly_onlyWhenTheCommandLineMayFetchHttps() {
    assertThat(KanalCli.mayFetchHttps(new String[] {"record", "https://example.org/a.m3u8", "-o", "a.ts"})).isTrue();
    assertThat(KanalCli.mayFetchHttps(new String[] {"record", "HTTPS://example.org/a.m3u8"})).isTrue();
    assertThat(KanalCli.mayFetchHttps(new String[] {"play", "Arte HD"})).as("a channel's sources may be https").isTrue();
    assertThat(KanalCli.mayFetchHttps(new String[] {"record", "http://example.org/a.m3u8", "--referer",
        "https://example.org/"})).as("any https URL").isTrue();
    assertThat(KanalCli.mayFetchHttps(new String[] {"record", "http://127.0.0.1:8080/a.m3u8", "-o", "a.ts"})).isFalse();
  }

  @Test
  void streamingCommands_readHttpIn64KbChunks_unlessTheUserChoseASize() {
    String before = System.getProperty(KanalCli.HTTP_BUFFER_PROPERTY);
    try {
      System.clearProperty(KanalCli.HTTP_BUFFER_PROPERTY);
      assertThat(KanalCli.run("record", "--version")).isZero();
      assertThat(System.getProperty(KanalCli.HTTP_BUFFER_PROPERTY)).isEqualTo("65536");
      System.setProperty(KanalCli.HTTP_BUFFER_PROPERTY, "32768");
      assertThat(KanalCli.run("play", "--version")).isZero();
      assertThat(System.getProperty(KanalCli.HTTP_BUFFER_PROPERTY)).isEqualTo("32768");
    } finally {
      if (before == null) {
        System.clearProperty(KanalCli.HTTP_BUFFER_PROPERTY);
      } else {
        System.setProperty(KanalCli.HTTP_BUFFER_PROPERTY, before);
      }
    }
  }
}
