package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.engine.WeftSearchAttributes;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker-compose.yml, the Dockerfile and the temporal/ scripts agree with what Weft reads and registers
 * (compose cannot run here, so its contract is checked statically).
 */
class ComposeFileTest {
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws IOException {
    Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
    services = (Map<String, Map<String, Object>>) compose.get("services");
  }

  @Test
  void everyImageIsPinnedToAnExplicitVersion() {
    services.forEach((name, service) -> {
      if (service.containsKey("build")) return; // built here, from the Dockerfile
      String image = (String) service.get("image");
      assertThat(image).as(name).isNotNull().doesNotContain("@latest");
      Matcher m = Pattern.compile("^[a-z0-9./_-]+:([A-Za-z0-9._-]+)$").matcher(image);
      assertThat(m.matches()).as("%s: %s has a tag", name, image).isTrue();
      assertThat(m.group(1)).as(name).isNotEqualTo("latest").matches(".*\\d+\\.\\d+.*");
    });
    for (String line : Files.readAllLinesUnchecked(Path.of("Dockerfile"))) {
      if (line.startsWith("FROM ")) assertThat(line).matches("FROM eclipse-temurin:21\\.\\d+\\.\\d+_\\d+-(jdk|jre)-\\w+( AS \\w+)?");
    }
  }

  @Test
  void publishedPortsAgreeWithTheSettings() {
    assertThat(ports("weft")).containsExactly("8080:8080"); // server.port: Boot's default, not overridden
    assertThat(applicationYml()).doesNotContainKey("server.port");
    assertThat(ports("temporal")).containsExactly("7233:7233");
    assertThat(ports("temporal-ui")).containsExactly("8233:8080"); // the UI listens on 8080 inside; Weft has 8080 outside
    List<String> hostPorts = services.keySet().stream().flatMap(s -> ports(s).stream()).map(p -> p.split(":")[0]).toList();
    assertThat(hostPorts).doesNotHaveDuplicates();
  }

  @Test
  void weftIsGivenOnlyVariablesItReads() throws IOException {
    Set<String> known = knownProperties();
    Set<String> runMode = new java.util.HashSet<>(Set.of("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE")); // RunModeEnvironment
    // Variables application.yml reads by name, e.g. admin-key: ${WEFT_ADMIN_KEY:}
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]")
        .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("src/main/resources/application.yml")));
    while (m.find()) runMode.add(m.group(1));
    assertThat(runMode).contains("WEFT_ADMIN_KEY");
    Map<String, Object> env = environment("weft");
    assertThat(env).containsKeys("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD",
        "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE");
    for (String variable : env.keySet()) {
      if (runMode.contains(variable)) continue;
      assertThat(known).as("%s binds to a property Weft has", variable).contains(relaxed(variable));
    }
  }

  @Test
  void weftPointsAtTheComposeTemporalAndPostgres() {
    Map<String, Object> env = environment("weft");
    String[] address = env.get("TEMPORAL_ADDRESS").toString().split(":");
    assertThat(services).containsKey(address[0]);
    assertThat(services.get(address[0]).get("image").toString()).startsWith("temporalio/server:");
    assertThat(ports(address[0])).contains(address[1] + ":" + address[1]);
    URI db = URI.create(env.get("SPRING_DATASOURCE_URL").toString().substring("jdbc:".length()));
    assertThat(db.getScheme()).isEqualTo("postgresql");
    // PostgreSQL 17 with pgvector, for the knowledge bases' HNSW index (docs/knowledge.md).
    assertThat(services.get(db.getHost()).get("image").toString()).matches("pgvector/pgvector:[0-9.]+-pg17");
    assertThat(db.getPort()).isEqualTo(5432);
    assertThat(db.getPath()).isEqualTo("/" + env.get("SPRING_DATASOURCE_USERNAME"));
    assertThat(Files.readAllLinesUnchecked(Path.of("docker/postgres-init.sh")))
        .contains("CREATE DATABASE weft OWNER weft;");
    assertThat(environment("temporal-ui").get("TEMPORAL_ADDRESS")).isEqualTo(env.get("TEMPORAL_ADDRESS"));
    assertThat(environment("temporal-setup").get("TEMPORAL_ADDRESS")).isEqualTo(env.get("TEMPORAL_ADDRESS"));
    assertThat(environment("weft").get("TEMPORAL_NAMESPACE")).isEqualTo("default");
  }

  @Test
  void composeAndScriptsRegisterExactlyWeftsSearchAttributes() throws IOException {
    List<String> expected = WeftSearchAttributes.cliTypes().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    assertThat(List.of(environment("temporal-setup").get("WEFT_SEARCH_ATTRIBUTES").toString().trim().split("\\s+")))
        .containsExactlyElementsOf(expected);
    String common = Files.readString(Path.of("temporal/common.sh"));
    Matcher array = Pattern.compile("WEFT_SEARCH_ATTRIBUTES=\\(([^)]*)\\)").matcher(common);
    assertThat(array.find()).isTrue();
    assertThat(List.of(array.group(1).trim().split("\\s+"))).containsExactlyElementsOf(expected);
    for (String script : List.of("temporal/dev-server.sh", "temporal/postgres-server.sh")) {
      String text = Files.readString(Path.of(script));
      assertThat(text).as(script).contains("source \"$(dirname \"${BASH_SOURCE[0]}\")/common.sh\"").contains("WEFT_SEARCH_ATTRIBUTES[@]");
    }
  }

  @Test
  void theDynamicConfigMountedIntoTemporalExists() {
    Map<String, Object> env = environment("temporal");
    String file = Path.of(env.get("DYNAMIC_CONFIG_FILE_PATH").toString()).getFileName().toString();
    @SuppressWarnings("unchecked") List<String> volumes = (List<String>) services.get("temporal").get("volumes");
    String hostDir = volumes.stream().filter(v -> v.contains("/etc/temporal/config/dynamicconfig")).findFirst().orElseThrow().split(":")[0];
    assertThat(Path.of(hostDir, file)).isRegularFile();
  }

  @Test
  void theDockerfileBuildsTheJarMavenBuilds() throws Exception {
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile()).getDocumentElement();
    String artifactId = child(project, "artifactId");
    String version = child(project, "version");
    assertThat(project.getElementsByTagName("finalName").getLength()).as("no finalName: the jar is artifactId-version").isZero();
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertThat(dockerfile).contains("COPY mvnw pom.xml ./", "COPY .mvn/ .mvn/", "COPY src/ src/");
    assertThat(dockerfile).containsPattern("(?m)^RUN \\./mvnw -B -DskipTests package$");
    assertThat(dockerfile).contains("COPY --from=build /src/target/" + artifactId + "-" + version + ".jar /app/weft.jar");
    assertThat(dockerfile).containsPattern("(?m)^USER weft$");
    assertThat(dockerfile).contains("HEALTHCHECK").contains("http://127.0.0.1:8080/actuator/health");
    assertThat(Files.readString(Path.of(".dockerignore"))).contains("!src/", "!.mvn/", "!mvnw", "!pom.xml");
    assertThat(services.get("weft").get("build")).isEqualTo(".");
  }

  // ---- helpers

  private static String child(Element parent, String tag) {
    for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) return e.getTextContent().trim();
    }
    throw new AssertionError("no <" + tag + ">");
  }

  @SuppressWarnings("unchecked")
  private static List<String> ports(String service) {
    Object ports = services.get(service).get("ports");
    return ports == null ? List.of() : ((List<Object>) ports).stream().map(Object::toString).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(String service) {
    Object env = services.get(service).get("environment");
    return env == null ? Map.of() : (Map<String, Object>) env;
  }

  /** A variable as Spring's relaxed binding reads it: SPRING_DATASOURCE_URL → springdatasourceurl. */
  private static String relaxed(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[._-]", "");
  }

  /** Every property Weft may be given: Spring's and the starter's metadata, application.yml, Weft's records. */
  private static Set<String> knownProperties() throws IOException {
    Set<String> names = new HashSet<>();
    JsonMapper json = JsonMapper.builder().build();
    for (Resource r : new PathMatchingResourcePatternResolver().getResources("classpath*:META-INF/spring-configuration-metadata.json")) {
      try (InputStream in = r.getInputStream()) {
        for (JsonNode p : json.readTree(in).path("properties")) names.add(p.path("name").asString());
      }
    }
    names.addAll(applicationYml().keySet());
    recordProperties(WeftProperties.PREFIX, WeftProperties.class, names);
    recordProperties(TemporalProperties.PREFIX, TemporalProperties.class, names);
    Set<String> relaxed = new HashSet<>();
    for (String n : names) relaxed.add(relaxed(n));
    return relaxed;
  }

  private static void recordProperties(String prefix, Class<?> type, Set<String> names) {
    for (RecordComponent c : type.getRecordComponents()) {
      String name = prefix + "." + c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
      if (c.getType().isRecord()) recordProperties(name, c.getType(), names);
      else names.add(name);
    }
  }

  private static Map<String, Object> applicationYml() {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", new Yaml().load(Files.readStringUnchecked(Path.of("src/main/resources/application.yml"))), flat);
    return flat;
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Object value, Map<String, Object> into) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, into));
    } else {
      into.put(prefix, value);
    }
  }

  /** Checked-exception-free file reads for lambdas and field initialisers. */
  private static final class Files {
    static String readString(Path p) throws IOException {
      return java.nio.file.Files.readString(p);
    }

    static String readStringUnchecked(Path p) {
      try {
        return java.nio.file.Files.readString(p);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    static List<String> readAllLinesUnchecked(Path p) {
      try {
        return java.nio.file.Files.readAllLines(p);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
