package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Workflows over REST: create, validate, version, archive, and every refusal as problem+json. */
class WorkflowApiTest extends ServiceTestSupport {
  @Autowired JdbcClient jdbc;

  @Test
  void createReadAndListAWorkflow() {
    String id = uniqueId("hello");
    Response created = post("/api/workflows", definition("examples/hello.json", id));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/workflows/" + id);
    assertThat(created.json().get("version").asInt()).isEqualTo(1);
    assertThat(created.json().get("contentHash").stringValue()).hasSize(64);

    Response read = get("/api/workflows/" + id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().at("/definition/nodes/0/id").stringValue()).isEqualTo("loud");
    assertThat(read.json().at("/definition/id").stringValue()).isEqualTo(id);

    assertThat(get("/api/workflows?limit=500").json().get("workflows").findValuesAsString("id")).contains(id);
  }

  @Test
  void aWorkflowWithoutIdGetsOneFromItsName() {
    String name = uniqueId("Quarterly Report");
    Response created = post("/api/workflows", "{\"name\": \"" + name + "\", \"nodes\": [{\"id\": \"a\", \"type\": \"respond\"}]}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("id").stringValue()).isEqualTo(name.toLowerCase().replace(' ', '-'));
  }

  @Test
  void anInvalidDefinitionIsRefusedWithEveryError() {
    String body = """
        {"name": "Broken", "nodes": [
          {"id": "a", "type": "nope"},
          {"id": "b", "type": "set", "config": {"values": {"x": "{{ nodes.zzz.output }}"}}}
        ], "edges": [{"from": "a", "to": "ghost"}]}""";
    Response r = post("/api/workflows", body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("code").stringValue()).isEqualTo("definition.invalid");
    assertThat(r.json().get("errors").findValuesAsString("code"))
        .contains("node.type_unknown", "edge.unknown_node", "expr.unknown_node");
    assertThat(r.json().get("errors").findValuesAsString("path")).contains("/nodes/0/type", "/edges/0/to");

    Response v = post("/api/workflows/validate", body);
    assertThat(v.status()).isEqualTo(200);
    assertThat(v.json().get("valid").asBoolean()).isFalse();
    assertThat(v.json().get("errors").size()).isEqualTo(r.json().get("errors").size());
    assertThat(post("/api/workflows/validate", definition("examples/hello.json", "x")).json().get("valid").asBoolean()).isTrue();
  }

  @Test
  void malformedJsonIsA400WithItsCode() {
    Response r = post("/api/workflows", "{\"name\": ");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").get(0).get("code").stringValue()).isEqualTo("json.syntax");
  }

  @Test
  void aTakenIdIsAConflict() {
    String id = create("examples/hello.json", "dup");
    Response r = post("/api/workflows", definition("examples/hello.json", id));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("code").stringValue()).isEqualTo("workflow.exists");
    assertThat(r.json().at("/errors/0/path").stringValue()).isEqualTo("/id");
  }

  @Test
  void putWritesANewVersionOnlyWhenTheContentChanges() {
    String id = create("examples/hello.json", "ver");
    Response same = put("/api/workflows/" + id, definition("examples/hello.json", id));
    assertThat(same.status()).isEqualTo(200);
    assertThat(same.json().get("version").asInt()).isEqualTo(1);
    assertThat(same.json().get("changed").asBoolean()).isFalse();

    String changed = definition("examples/hello.json", id).replace("Hello, {{", "Hi, {{");
    Response v2 = put("/api/workflows/" + id, changed);
    assertThat(v2.json().get("version").asInt()).isEqualTo(2);
    assertThat(v2.json().get("changed").asBoolean()).isTrue();

    JsonNode versions = get("/api/workflows/" + id + "/versions").json().get("versions");
    assertThat(versions.findValues("version")).extracting(JsonNode::asInt).containsExactly(2, 1);
    assertThat(get("/api/workflows/" + id + "/versions/1").json().at("/definition/nodes/2/config/values/greeting").stringValue())
        .startsWith("Hello");
    assertThat(get("/api/workflows/" + id + "/versions/3").status()).isEqualTo(404);

    Response mismatch = put("/api/workflows/" + id, definition("examples/hello.json", "other-id"));
    assertThat(mismatch.status()).isEqualTo(400);
    assertThat(mismatch.json().at("/errors/0/code").stringValue()).isEqualTo("definition.id_mismatch");
  }

  @Test
  void savingArchivingAndStartingAreAudited() {
    String id = create("examples/hello.json", "audit");
    put("/api/workflows/" + id, definition("examples/hello.json", id).replace("Hello, {{", "Hey, {{"));
    String runId = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {\"name\": \"A\"}}").json().get("runId").stringValue();
    delete("/api/workflows/" + id);
    List<String> actions = jdbc.sql("SELECT action || ':' || target_id FROM audit_log WHERE target_id IN (:ids) ORDER BY id")
        .param("ids", List.of(id, runId)).query(String.class).list();
    assertThat(actions).containsExactly("workflow.create:" + id, "workflow.update:" + id, "run.start:" + runId,
        "workflow.archive:" + id);
  }

  @Test
  void archivedWorkflowsStartNoRuns() {
    String id = create("examples/hello.json", "arch");
    assertThat(delete("/api/workflows/" + id).status()).isEqualTo(204);
    assertThat(get("/api/workflows/" + id).json().get("archived").asBoolean()).isTrue();
    assertThat(get("/api/workflows").json().get("workflows").findValuesAsString("id")).doesNotContain(id);
    Response run = post("/api/workflows/" + id + "/runs", "{}");
    assertThat(run.status()).isEqualTo(409);
    assertThat(run.json().get("code").stringValue()).isEqualTo("workflow.archived");
  }

  @Test
  void unknownIdsAre404() {
    for (String path : new String[] {"/api/workflows/nope", "/api/workflows/nope/versions", "/api/runs/nope",
        "/api/runs/nope/events", "/api/no-such-endpoint"}) {
      Response r = get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.contentType()).as(path).startsWith("application/problem+json");
      assertThat(r.json().get("code").stringValue()).as(path).isNotBlank();
      assertThat(r.json().get("errors").isArray()).as(path).isTrue();
    }
    assertThat(post("/api/workflows/nope/runs", "{}").json().get("code").stringValue()).isEqualTo("workflow.not_found");
    assertThat(delete("/api/workflows/nope").status()).isEqualTo(404);
    assertThat(put("/api/workflows/nope", definition("examples/hello.json", "nope")).status()).isEqualTo(404);
    assertThat(post("/api/runs/nope/cancel", null).status()).isEqualTo(404);
  }

  @Test
  void malformedRequestsAre400NotServerErrors() {
    // Found by fuzzing the OpenAPI document (schemathesis): Tomcat rejects these before any controller.
    Response query = get("/api/runs?=null&limit=5");
    assertThat(query.status()).isEqualTo(400);
    assertThat(query.json().get("code").stringValue()).isEqualTo("request.malformed");
    Response multipart = send(HttpRequest.newBuilder(uri("/api/node-types")).header("Content-Type", "multipart/form-data").GET());
    assertThat(multipart.status()).isEqualTo(200);
  }

  @Test
  void wrongMethodsAndMediaTypesAre405And415() {
    Response method = send(HttpRequest.newBuilder(uri("/api/node-types")).DELETE());
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.json().get("code").stringValue()).isEqualTo("method.not_allowed");

    Response media = send(HttpRequest.newBuilder(uri("/api/workflows")).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("name: x")));
    assertThat(media.status()).isEqualTo(415);
    assertThat(media.json().get("code").stringValue()).isEqualTo("media_type.unsupported");

    Response accept = send(HttpRequest.newBuilder(uri("/api/node-types")).header("Accept", "application/xml").GET());
    assertThat(accept.status()).isEqualTo(406);

    Response type = get("/api/workflows/x/versions/not-a-number");
    assertThat(type.status()).isEqualTo(400);
    assertThat(type.json().at("/errors/0/code").stringValue()).isEqualTo("request.invalid_parameter");
  }

  @Test
  void oversizedBodiesAre413BeforeParsing() {
    String huge = "{\"name\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}";
    Response r = post("/api/workflows", huge);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().get("code").stringValue()).isEqualTo("request.too_large");
  }

  @Test
  void theNodeCatalogueListsEveryTypeWithItsSchema() {
    JsonNode types = get("/api/node-types").json().get("nodeTypes");
    assertThat(types.valueStream().map(t -> t.get("type").stringValue()).toList()).contains("http", "delay", "if", "switch", "merge", "set", "filter", "respond");
    assertThat(types.get(0).get("configSchema").get("type").stringValue()).isEqualTo("object");
  }

  @Test
  void theOpenApiDocumentDescribesTheApi() {
    Response r = get("/v3/api-docs");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("paths").propertyNames()).contains("/api/workflows", "/api/workflows/{id}/runs",
        "/api/runs/{runId}", "/api/runs/{runId}/events");
    assertThat(r.json().at("/paths/~1api~1workflows/post/requestBody/content/application~1json/schema/$ref").stringValue())
        .endsWith("WorkflowDefinition");
    assertThat(get("/swagger-ui/index.html").status()).isEqualTo(200);
  }
}
