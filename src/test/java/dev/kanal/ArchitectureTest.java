package dev.kanal;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dependencies point one way: cli and server use the capabilities, which use playlist, net and
 * config. Each package may depend only on the packages listed for it here; adding an edge is a
 * design decision made in this file and in docs/ARCHITECTURE.md.
 */
class ArchitectureTest {

  /** The allowed dev.kanal packages each package may use (besides itself). */
  static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  static {
    ALLOWED.put("playlist", Set.of());
    ALLOWED.put("config", Set.of());
    ALLOWED.put("net", Set.of("config", "playlist"));
    ALLOWED.put("store", Set.of("config"));
    ALLOWED.put("media", Set.of("config", "store"));
    ALLOWED.put("hls", Set.of("config", "net", "playlist", "media"));
    ALLOWED.put("iptv", Set.of("config", "net", "playlist", "store", "hls"));
    ALLOWED.put("library", Set.of("config", "store", "media"));
    ALLOWED.put("discovery", Set.of("config", "net"));
    // access control (issue #13): users, passwords, logins, tokens, rate limits; its routes live in server
    ALLOWED.put("auth", Set.of("config", "store"));
    // the live relay: tokens, fan-out cache, failover; its routes live in server
    ALLOWED.put("relay", Set.of("config", "net", "playlist", "store", "media", "hls", "iptv"));
    ALLOWED.put("server", Set.of("config", "net", "playlist", "store", "media", "hls", "iptv", "library", "discovery", "relay",
        "auth"));
    ALLOWED.put("cli", Set.of("config", "net", "playlist", "store", "media", "hls", "iptv", "library", "discovery", "relay", "server",
        "auth"));
  }

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    // Test classes may use the shared fixtures in dev.kanal.testing; only production code is checked.
    // (ArchUnit's DO_NOT_INCLUDE_TESTS only knows target/test-classes, not -Dkanal.buildDir folders.)
    ImportOption productionOnly = location -> !location.contains("/test-classes/");
    classes = new ClassFileImporter().withImportOption(productionOnly).importPackages("dev.kanal");
  }

  static List<String> packages() {
    return new ArrayList<>(ALLOWED.keySet());
  }

  @ParameterizedTest
  @MethodSource("packages")
  void package_dependsOnlyOnAllowedPackages(String pkg) {
    rule("dev.kanal", pkg).check(classes);
  }

  /** The rule itself must catch a violation: a fixture where playlist uses server. */
  @org.junit.jupiter.api.Test
  void rule_whenPlaylistImportsServer_fails() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.kanal.archfixture");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> rule("dev.kanal.archfixture", "playlist").check(fixture))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("dev.kanal.archfixture.playlist.UsesServer")
        .hasMessageContaining("dev.kanal.archfixture.server.Router");
    rule("dev.kanal.archfixture", "server").check(fixture);
  }

  private static com.tngtech.archunit.lang.ArchRule rule(String root, String pkg) {
    List<String> allowed = new ArrayList<>();
    allowed.add(root + "." + pkg + "..");
    ALLOWED.get(pkg).forEach(p -> allowed.add(root + "." + p + ".."));
    return noClasses().that().resideInAPackage(root + "." + pkg + "..")
        .should().dependOnClassesThat(resideInAPackage(root + "..")
            .and(not(resideInAnyPackage(allowed.toArray(String[]::new)))))
        .allowEmptyShould(true)
        .because(pkg + " may use only " + ALLOWED.get(pkg) + " (see docs/ARCHITECTURE.md)");
  }
}
