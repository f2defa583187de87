package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.security.WeftPrincipal;
import dev.weft.service.WorkflowService;
import dev.weft.validate.ValidationReport;
import dev.weft.definition.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The save-time checks that need the store, over REST: the workflows {@code subworkflow} nodes (loop
 * bodies included) and {@code onFailure} name must exist, not be archived and have the pinned version;
 * runs must not lead back to the workflow saved; the saver must be allowed to start runs. Saving answers
 * 400 {@code definition.invalid} with them among the violations; validating lists the same.
 */
class WorkflowReferencesApiTest extends ServiceTestSupport {
  @Autowired WorkflowService workflows;

  private static String plain(String id) {
    return """
        {"id": "%s", "name": "Plain", "nodes": [{"id": "a", "type": "set", "config": {"values": {"x": 1}}}]}""".formatted(id);
  }

  private static String call(String target) {
    return "{\"id\": \"call\", \"type\": \"subworkflow\", \"config\": {\"workflowId\": \"" + target + "\"}}";
  }

  private static String pinned(String target, int version) {
    return "{\"id\": \"call\", \"type\": \"subworkflow\", \"config\": {\"workflowId\": \"" + target + "\", \"version\": " + version + "}}";
  }

  /** A loop whose body holds {@code bodyNode}. */
  private static String loop(String bodyNode) {
    return "{\"id\": \"each\", \"type\": \"loop\", \"config\": {\"mode\": \"forEach\", \"items\": \"input.items\", "
        + "\"body\": {\"nodes\": [" + bodyNode + "], \"edges\": []}}}";
  }

  /** A definition of one node (and an onFailure when {@code onFailure} is not null). */
  private static String workflow(String id, String node, String onFailure) {
    return "{\"id\": \"" + id + "\", \"name\": \"W\", \"nodes\": [" + node + "]"
        + (onFailure == null ? "" : ", \"onFailure\": {\"workflowId\": \"" + onFailure + "\"}") + "}";
  }

  private String saved(String id) {
    Response r = post("/api/workflows", plain(id));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return id;
  }

  /** Saving is refused with exactly these violations (code at path), and validating reports the same. */
  private JsonNode refused(Response r, String body) {
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("code").stringValue()).isEqualTo("definition.invalid");
    Response v = post("/api/workflows/validate", body);
    assertThat(v.json().get("valid").asBoolean()).isFalse();
    assertThat(v.json().get("errors")).isEqualTo(r.json().get("errors"));
    return r.json().get("errors");
  }

  private static List<String> at(JsonNode errors) {
    return errors.valueStream().map(e -> e.get("code").stringValue() + " " + e.get("path").stringValue()).toList();
  }

  @Test
  void targetsMustExistAtTopLevelAndInLoopBodies() {
    String ghost = uniqueId("ghost");
    String body = "{\"id\": \"" + uniqueId("caller") + "\", \"name\": \"W\", \"nodes\": [" + loop(call(ghost)) + ", "
        + call(ghost).replace("\"call\"", "\"direct\"") + "], \"edges\": [{\"from\": \"each\", \"to\": \"direct\"}]}";
    JsonNode errors = refused(post("/api/workflows", body), body);
    assertThat(at(errors)).containsExactly(
        "subworkflow.unknown /nodes/0/config/body/nodes/0/config/workflowId",
        "subworkflow.unknown /nodes/1/config/workflowId");
    assertThat(errors.get(0).get("message").stringValue()).contains("'" + ghost + "'");

    // Once the target exists, the same definition saves.
    saved(ghost);
    assertThat(post("/api/workflows", body).status()).isEqualTo(201);
    assertThat(post("/api/workflows/validate", body.replace("caller-", "other-")).json().get("valid").asBoolean()).isTrue();
  }

  @Test
  void archivedTargetsAreRefused() {
    String target = saved(uniqueId("old"));
    assertThat(delete("/api/workflows/" + target).status()).isEqualTo(204);
    String body = workflow(uniqueId("caller"), loop(call(target)), null);
    JsonNode errors = refused(post("/api/workflows", body), body);
    assertThat(at(errors)).containsExactly("subworkflow.archived /nodes/0/config/body/nodes/0/config/workflowId");
    assertThat(errors.get(0).get("message").stringValue()).contains("'" + target + "'", "archived");
  }

  @Test
  void aPinnedVersionMustExist() {
    String target = saved(uniqueId("pinned"));
    String body = workflow(uniqueId("caller"), pinned(target, 2), null);
    JsonNode errors = refused(post("/api/workflows", body), body);
    assertThat(at(errors)).containsExactly("subworkflow.unknown_version /nodes/0/config/version");
    assertThat(errors.get(0).get("message").stringValue()).contains("'" + target + "'", "version 2");

    assertThat(post("/api/workflows", workflow(uniqueId("caller"), pinned(target, 1), null)).status()).isEqualTo(201);
  }

  @Test
  void aWorkflowThatWouldStartItselfIsRefusedWithTheChain() {
    // Directly, before it even exists.
    String self = uniqueId("self");
    String direct = workflow(self, call(self), null);
    JsonNode errors = refused(post("/api/workflows", direct), direct);
    assertThat(at(errors)).containsExactly("subworkflow.cycle /nodes/0/config/workflowId");
    assertThat(errors.get(0).get("message").stringValue()).contains(self + " → " + self);

    // Indirectly: a → c → b → a, b's call pinned and c's inside a loop.
    String a = saved(uniqueId("a"));
    String b = uniqueId("b");
    assertThat(post("/api/workflows", workflow(b, pinned(a, 1), null)).status()).isEqualTo(201);
    String c = uniqueId("c");
    assertThat(post("/api/workflows", workflow(c, loop(call(b)), null)).status()).isEqualTo(201);
    String closing = workflow(a, call(c), null);
    Response r = put("/api/workflows/" + a, closing);
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(at(r.json().get("errors"))).containsExactly("subworkflow.cycle /nodes/0/config/workflowId");
    assertThat(r.json().at("/errors/0/message").stringValue()).contains(a + " → " + c + " → " + b + " → " + a);
    Response v = post("/api/workflows/validate", closing);
    assertThat(v.json().get("errors")).isEqualTo(r.json().get("errors"));
    assertThat(get("/api/workflows/" + a).json().get("latestVersion").asInt()).as("nothing saved").isEqualTo(1);

    // Calling into the chain from elsewhere is fine: d → c → b → a.
    assertThat(post("/api/workflows", workflow(uniqueId("d"), call(c), null)).status()).isEqualTo(201);
  }

  @Test
  void theErrorWorkflowMustExistAndNotBeArchivedButMayBeItself() {
    String ghost = uniqueId("ghost");
    String unknown = workflow(uniqueId("w"), "{\"id\": \"a\", \"type\": \"respond\"}", ghost);
    JsonNode errors = refused(post("/api/workflows", unknown), unknown);
    assertThat(at(errors)).containsExactly("onfailure.unknown /onFailure/workflowId");
    assertThat(errors.get(0).get("message").stringValue()).contains("'" + ghost + "'");

    String old = saved(uniqueId("old"));
    assertThat(delete("/api/workflows/" + old).status()).isEqualTo(204);
    String archived = workflow(uniqueId("w"), "{\"id\": \"a\", \"type\": \"respond\"}", old);
    assertThat(at(refused(post("/api/workflows", archived), archived))).containsExactly("onfailure.archived /onFailure/workflowId");

    String self = uniqueId("w");
    Response created = post("/api/workflows", workflow(self, "{\"id\": \"a\", \"type\": \"respond\"}", self));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.json().at("/definition/onFailure/workflowId").stringValue()).isEqualTo(self);
    String handler = saved(uniqueId("handler"));
    Response other = post("/api/workflows", workflow(uniqueId("w"), "{\"id\": \"a\", \"type\": \"respond\"}", handler));
    assertThat(other.status()).as(other.text()).isEqualTo(201);

    Response malformed = post("/api/workflows", "{\"name\": \"W\", \"nodes\": [{\"id\": \"a\", \"type\": \"respond\"}], "
        + "\"onFailure\": {\"workflow\": \"x\"}}");
    assertThat(at(malformed.json().get("errors"))).containsExactlyInAnyOrder(
        "definition.unknown_field /onFailure/workflow", "definition.required /onFailure/workflowId");
  }

  @Test
  void editorsMayStartRunsSoTheirSubworkflowsAreNotForbidden() {
    String target = saved(uniqueId("target"));
    Caller editor = as(createKey(uniqueId("editor"), "editor"));
    Response r = editor.post("/api/workflows", workflow(uniqueId("w"), call(target), null));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(editor.post("/api/workflows/validate", workflow(uniqueId("w"), call(target), null)).json().get("valid")
        .asBoolean()).isTrue();
  }

  /**
   * Saving takes the editor role, which includes operator, so no REST caller meets this today; the check
   * holds for any other way of saving (and for the tenants to come).
   */
  @Test
  void whoMayNotStartRunsMayNotSaveAWorkflowThatStartsOthers() {
    String target = saved(uniqueId("target"));
    WeftPrincipal viewer = new WeftPrincipal("vera", List.of("viewer"), List.of());
    ValidationReport report = workflows.validate(workflow(uniqueId("w"), loop(call(target)), null), viewer);
    assertThat(report.errors()).extracting(Violation::code, Violation::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("subworkflow.forbidden", "/nodes/0/config/body/nodes/0/config/workflowId"));
    assertThat(report.errors().getFirst().message()).contains("'vera'", "operator", "'" + target + "'");

    WeftPrincipal operator = new WeftPrincipal("otto", List.of("operator"), List.of());
    assertThat(workflows.validate(workflow(uniqueId("w"), call(target), null), operator).valid()).isTrue();
    assertThat(workflows.validate(plain(uniqueId("w")), viewer).valid()).as("no subworkflow, nothing to start").isTrue();
  }
}
