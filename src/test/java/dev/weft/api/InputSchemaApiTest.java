package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A workflow's {@code inputSchema}: checked as a schema when saved, and against the input at every start. */
class InputSchemaApiTest extends ServiceTestSupport {
  private static final String SCHEMA = """
      {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20}, "age": {"type": "integer"}},
       "required": ["name"]}""";

  private static String workflow(String id, String trigger, String schema) {
    return """
        {"id": "%s", "name": "typed input", %s "inputSchema": %s,
         "nodes": [{"id": "out", "type": "respond", "config": {"body": {"hello": "{{ input.name }}"}}}], "edges": []}
        """.formatted(id, trigger, schema);
  }

  @Test
  void aStartWhoseInputDoesNotMatchIsRefusedWithErrorsAtTheInput() {
    String id = uniqueId("typed");
    assertThat(post("/api/workflows", workflow(id, "", SCHEMA)).status()).isEqualTo(201);

    Response bad = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {\"age\": \"old\"}}");

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
    JsonNode p = bad.json();
    assertThat(p.get("code").stringValue()).isEqualTo("workflow.input_invalid");
    assertThat(p.get("errors").findValuesAsString("path")).containsExactlyInAnyOrder("/input/name", "/input/age");
    assertThat(p.get("errors").findValuesAsString("code")).containsExactlyInAnyOrder("schema.required", "schema.type");
    assertThat(get("/api/runs?workflowId=" + id).json().get("runs").size()).as("no run started").isZero();

    Response ok = post("/api/workflows/" + id + "/runs?wait=PT30S", "{\"input\": {\"name\": \"Ada\", \"age\": 36}}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().at("/output/hello").stringValue()).isEqualTo("Ada");
  }

  @Test
  void aWebhookStartIsCheckedToo() {
    String id = uniqueId("typed-hook");
    String path = "typed/" + id;
    String schema = """
        {"type": "object", "properties": {"body": {"type": "object", "required": ["email"]}}, "required": ["body"]}""";
    String trigger = "\"trigger\": {\"type\": \"webhook\", \"path\": \"" + path + "\"},";
    assertThat(post("/api/workflows", workflow(id, trigger, schema)).status()).isEqualTo(201);

    Response bad = post("/hooks/" + path, "{\"mail\": \"a@example.com\"}");

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("code").stringValue()).isEqualTo("workflow.input_invalid");
    assertThat(bad.json().at("/errors/0/path").stringValue()).isEqualTo("/body/email");
  }

  @Test
  void anInvalidSchemaIsRefusedWhenSaved() {
    Response r = post("/api/workflows", workflow(uniqueId("typed"), "", "{\"type\": \"object\", \"required\": \"name\"}"));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/errors/0/code").stringValue()).isEqualTo("definition.input_schema_invalid");
    assertThat(r.json().at("/errors/0/path").stringValue()).startsWith("/inputSchema");

    Response notAnObject = post("/api/workflows", workflow(uniqueId("typed"), "", "{\"type\": \"array\"}"));
    assertThat(notAnObject.json().at("/errors/0/path").stringValue()).isEqualTo("/inputSchema/type");
  }

  @Test
  void aScheduledWorkflowsSchemaMustAcceptTheEmptyInputItStartsWith() {
    String trigger = "\"trigger\": {\"type\": \"schedule\", \"every\": \"1h\"},";

    Response r = post("/api/workflows", workflow(uniqueId("typed-schedule"), trigger, SCHEMA));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/errors/0/code").stringValue()).isEqualTo("definition.input_schema_schedule");
    assertThat(r.json().at("/errors/0/path").stringValue()).isEqualTo("/inputSchema");
  }
}
