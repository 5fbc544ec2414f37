package dev.kanal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kanal.config.ConfigLoader;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.Nginx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files reference what exists: environment variables that are real config keys,
 * the port the server listens on, probe and health-check routes that answer 200 on a running
 * Kanal, metrics the autoscaler reads, files they mount. nginx starts with the shipped config,
 * and the systemd unit passes {@code systemd-analyze verify}.
 */
class DeployFilesTest {

  static final Path DEPLOY = Path.of("deploy");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Set<String> ENV = new HashSet<>(ConfigLoader.environmentVariables().keySet());

  @TempDir
  static Path dir;

  static KanalProcess kanal;
  static String base;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    ENV.add(ConfigLoader.ENV_CONFIG_FILE);
    int port = Nginx.freePort();
    base = "http://127.0.0.1:" + port;
    kanal = KanalProcess.start(dir, "serve", "--port", String.valueOf(port), "--data", dir.resolve("data").toString());
    kanal.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (kanal != null) {
      kanal.terminate(Duration.ofSeconds(20));
    }
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static void assertRouteAnswers200(String path) throws Exception {
    assertThat(get(path).statusCode()).as("GET %s on a running Kanal", path).isEqualTo(200);
  }

  static void assertKnownEnv(String where, Iterable<String> names) {
    for (String name : names) {
      if (name.startsWith("KANAL_")) {
        assertThat(ENV).as("%s sets %s, which must be a config key's variable", where, name).contains(name);
      }
    }
  }

  /** Compose files use anchors and merge keys ({@code <<: *kanal}): SnakeYAML resolves them, Jackson's reader does not. */
  static JsonNode composeTree(Path file) throws Exception {
    try (var in = Files.newBufferedReader(file)) {
      Object loaded = new org.yaml.snakeyaml.Yaml().load(in);
      return new ObjectMapper().valueToTree(loaded);
    }
  }

  static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void compose_runsTwoNodesBehindNginx_withRedisPrometheusAndGrafana_andReferencesWhatExists() throws Exception {
    JsonNode compose = composeTree(DEPLOY.resolve("compose.yaml"));
    JsonNode services = compose.get("services");
    assertThat(names(services)).contains("kanal-1", "kanal-2", "redis", "nginx", "prometheus", "grafana");
    for (String node : List.of("kanal-1", "kanal-2")) {
      JsonNode s = services.get(node);
      assertKnownEnv("compose " + node, names(s.get("environment")));
      assertThat(s.get("environment").get("KANAL_STORE_REDIS_URL").asText()).startsWith("redis://redis:");
      assertThat(s.get("environment").get("KANAL_SERVER_PORT").asText()).isEqualTo("8080");
      String health = s.get("healthcheck").get("test").toString();
      assertThat(health).contains("http://127.0.0.1:8080/api/health");
      assertRouteAnswers200("/api/health");
      assertThat(s.get("image").asText()).isEqualTo("kanal:latest");
      assertThat(s.get("build").asText()).isEqualTo("..");
      assertThat(Files.isRegularFile(DEPLOY.resolve(s.get("build").asText()).resolve("Dockerfile"))).isTrue();
    }
    // Every file the services mount from this folder exists.
    for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> service = it.next();
      JsonNode volumes = service.getValue().get("volumes");
      for (JsonNode v : volumes == null ? List.<JsonNode>of() : volumes) {
        String source = v.asText().split(":")[0];
        if (source.startsWith("./")) {
          assertThat(DEPLOY.resolve(source)).as("%s mounts %s", service.getKey(), source).exists();
        }
      }
    }
    // nginx balances the two nodes by rewriting the shipped upstreams, which must still be there.
    String nginxConf = Files.readString(DEPLOY.resolve("nginx/kanal.conf"));
    assertThat(services.get("nginx").get("command").toString()).contains("127.0.0.1:8081/kanal-1:8080")
        .contains("127.0.0.1:8082/kanal-2:8080");
    assertThat(nginxConf).contains("server 127.0.0.1:8081").contains("server 127.0.0.1:8082");
    // Prometheus scrapes both nodes' /metrics.
    JsonNode prometheus = YAML.readTree(DEPLOY.resolve("prometheus/prometheus-compose.yml").toFile());
    JsonNode job = prometheus.get("scrape_configs").get(0);
    assertThat(job.get("metrics_path").asText()).isEqualTo("/metrics");
    assertRouteAnswers200("/metrics");
    assertThat(job.get("static_configs").get(0).get("targets").toString()).contains("kanal-1:8080", "kanal-2:8080");
    // Grafana gets the dashboard this project ships.
    JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/kanal-dashboard.json").toFile());
    assertThat(dashboard.get("uid").asText()).isEqualTo("kanal-overview");
  }

  @Test
  void kubernetes_manifestsAreConsistent_andTheirProbesConfigAndMetricsExist() throws Exception {
    Map<String, JsonNode> byKindAndName = new HashMap<>();
    for (Path file : List.of(DEPLOY.resolve("k8s/kanal.yaml"), DEPLOY.resolve("k8s/redis.yaml"))) {
      try (var parser = YAML.getFactory().createParser(file.toFile())) {
        for (Iterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class); docs.hasNext(); ) {
          JsonNode doc = docs.next();
          byKindAndName.put(doc.get("kind").asText() + "/" + doc.get("metadata").get("name").asText(), doc);
        }
      }
    }
    assertThat(byKindAndName).containsKeys("Deployment/kanal", "Service/kanal", "HorizontalPodAutoscaler/kanal",
        "PersistentVolumeClaim/kanal-media", "ConfigMap/kanal-config", "Secret/kanal-secrets", "Deployment/kanal-redis",
        "Service/kanal-redis");

    JsonNode deployment = byKindAndName.get("Deployment/kanal");
    assertThat(deployment.get("spec").get("replicas").asInt()).isGreaterThanOrEqualTo(2);
    JsonNode pod = deployment.get("spec").get("template").get("spec");
    JsonNode container = pod.get("containers").get(0);
    assertThat(container.get("ports").get(0).get("containerPort").asInt()).isEqualTo(8080);
    String portName = container.get("ports").get(0).get("name").asText();
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      JsonNode get = container.get(probe).get("httpGet");
      assertThat(get.get("port").asText()).isEqualTo(portName);
      assertRouteAnswers200(get.get("path").asText());
    }
    assertThat(container.get("resources").get("requests")).isNotNull();
    assertThat(container.get("resources").get("limits")).isNotNull();
    List<String> env = new ArrayList<>();
    container.get("env").forEach(e -> env.add(e.get("name").asText()));
    assertKnownEnv("the Deployment", env);
    String secretName = container.get("envFrom").get(0).get("secretRef").get("name").asText();
    JsonNode secret = byKindAndName.get("Secret/" + secretName);
    assertThat(secret).as("Secret %s", secretName).isNotNull();
    assertKnownEnv("the Secret", names(secret.get("stringData")));
    assertThat(secret.get("stringData").get("KANAL_STORE_REDIS_URL").asText())
        .contains("//" + byKindAndName.get("Service/kanal-redis").get("metadata").get("name").asText() + ":6379");
    for (JsonNode volume : pod.get("volumes")) {
      if (volume.has("configMap")) {
        JsonNode map = byKindAndName.get("ConfigMap/" + volume.get("configMap").get("name").asText());
        Path config = dir.resolve("kanal.yaml");
        Files.writeString(config, map.get("data").get("kanal.yaml").asText(), StandardCharsets.UTF_8);
        // The config the pods get loads and validates like any other.
        ConfigLoader.load(java.util.Optional.of(config), Map.of(), List.of());
      }
      if (volume.has("persistentVolumeClaim")) {
        assertThat(byKindAndName).containsKey("PersistentVolumeClaim/" + volume.get("persistentVolumeClaim").get("claimName").asText());
      }
    }
    assertThat(byKindAndName.get("PersistentVolumeClaim/kanal-media").get("spec").get("accessModes").toString())
        .contains("ReadWriteMany");

    JsonNode service = byKindAndName.get("Service/kanal");
    assertThat(service.get("spec").get("ports").get(0).get("targetPort").asText()).isEqualTo(portName);
    assertThat(service.get("spec").get("selector")).isEqualTo(deployment.get("spec").get("selector").get("matchLabels"));

    JsonNode hpa = byKindAndName.get("HorizontalPodAutoscaler/kanal");
    assertThat(hpa.get("spec").get("scaleTargetRef").get("name").asText()).isEqualTo("kanal");
    String metric = hpa.get("spec").get("metrics").get(1).get("pods").get("metric").get("name").asText();
    assertThat(get("/metrics").body()).as("the autoscaler's metric is exported").contains(metric + "{");
  }

  @Test
  void dockerfile_isMultiStage_nonRoot_checksHealth_andSetsOnlyRealKeys() throws Exception {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertThat(Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count()).isEqualTo(2);
    assertThat(dockerfile).containsPattern("(?m)^EXPOSE 8080$").containsPattern("(?m)^USER 10001");
    Matcher health = Pattern.compile("(?m)CMD curl -fsS http://127\\.0\\.0\\.1:8080(/\\S+)").matcher(dockerfile);
    assertThat(health.find()).isTrue();
    assertRouteAnswers200(health.group(1));
    List<String> env = Pattern.compile("(KANAL_[A-Z_]+)=").matcher(dockerfile).results().map(r -> r.group(1)).toList();
    assertThat(env).contains("KANAL_SERVER_HOST", "KANAL_STORAGE_DATA_DIR");
    assertKnownEnv("the Dockerfile", env);
    assertThat(dockerfile).contains("\"$TARGETARCH\" = \"arm64\" ] && echo -Parm64").contains("ENTRYPOINT [\"java\"");
  }

  @Test
  void systemdUnit_isValid_hardened_andSetsOnlyRealKeys() throws Exception {
    Path unit = DEPLOY.resolve("systemd/kanal.service");
    String text = Files.readString(unit);
    for (String key : List.of("DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "StateDirectory=kanal",
        "ExecStart=", "Restart=on-failure")) {
      assertThat(text).contains(key);
    }
    assertKnownEnv("the unit", Pattern.compile("Environment=(KANAL_[A-Z_]+)=").matcher(text).results()
        .map(r -> r.group(1)).toList());
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (Files.isExecutable(analyze)) {
      Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toAbsolutePath().toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as("systemd-analyze verify: %s", out).isZero();
      assertThat(out).doesNotContain("Unknown key").doesNotContain("Unknown section");
    } else {
      // Without systemd the keys above were checked by name; every line is still key=value or a section.
      for (String line : text.lines().toList()) {
        assertThat(line.isBlank() || line.startsWith("#") || line.matches("\\[[A-Za-z]+]") || line.matches("[A-Za-z]+=.*"))
            .as("unit line '%s'", line).isTrue();
      }
    }
  }

  @Test
  void nginxConfig_startsAsShipped_withOnlyItsPortAndCacheFolderRewritten() throws Exception {
    String shipped = Files.readString(DEPLOY.resolve("nginx/kanal.conf"));
    assertThat(shipped).contains("listen 8080;").contains("/var/cache/nginx/kanal ");
    try (Nginx nginx = Nginx.withHttpBlock((prefix, port) -> shipped
        .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
        .replace("/var/cache/nginx/kanal ", prefix.resolve("cache") + " "))) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(nginx.url() + "/api/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      // No node listens on 8081/8082 here: nginx itself answers, after trying both upstreams.
      assertThat(r.statusCode()).isEqualTo(502);
    }
  }

  @Test
  void theJarCarriesSqlitesNativeLibraryForLinuxAarch64() throws Exception {
    assertAarch64Elf("org/sqlite/native/Linux/aarch64/libsqlitejdbc.so");
  }

  /** The bundled ffmpeg fallback (FfmpegLocator) for a Raspberry Pi without ffmpeg installed: binaries and libraries. */
  @Test
  void theJarCarriesTheBundledFfmpegForLinuxArm64() throws Exception {
    for (String name : List.of("ffmpeg", "ffprobe")) {
      assertAarch64Elf("org/bytedeco/ffmpeg/linux-arm64/" + name);
    }
    java.net.URL ffmpeg = getClass().getClassLoader().getResource("org/bytedeco/ffmpeg/linux-arm64/ffmpeg");
    String jar = ffmpeg.getPath().substring(0, ffmpeg.getPath().indexOf('!')).replaceFirst("^file:", "");
    try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar)) {
      assertThat(f.stream().map(java.util.jar.JarEntry::getName)
          .filter(n -> n.startsWith("org/bytedeco/ffmpeg/linux-arm64/libav")))
          .as("the libraries the arm64 ffmpeg links").anyMatch(n -> n.contains("libavcodec.so"))
          .anyMatch(n -> n.contains("libavformat.so"));
    }
    assertAarch64Elf("org/bytedeco/javacpp/linux-arm64/libjnijavacpp.so");
  }

  /** The resource exists and is an ELF file for AArch64 (e_machine 183). */
  private void assertAarch64Elf(String resource) throws Exception {
    try (var in = getClass().getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as("%s on the class path", resource).isNotNull();
      byte[] header = in.readNBytes(20);
      assertThat(java.util.Arrays.copyOf(header, 4)).as("%s is ELF", resource)
          .isEqualTo(new byte[] {0x7f, 'E', 'L', 'F'});
      int machine = (header[18] & 0xff) | (header[19] & 0xff) << 8;
      assertThat(machine).as("%s is built for AArch64", resource).isEqualTo(183);
    }
  }
}
