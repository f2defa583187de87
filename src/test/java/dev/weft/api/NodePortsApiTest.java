package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** POST /api/node-types/{type}/ports: the ports the editor draws for a node's config. */
class NodePortsApiTest extends ServiceTestSupport {
  @Test
  void portsFollowTheConfigAndAnIncompleteConfigHasNone() {
    Response sw = post("/api/node-types/switch/ports",
        "{\"cases\": [{\"name\": \"small\", \"condition\": \"input.n < 5\"}, {\"name\": \"big\", \"condition\": \"input.n >= 5\"}]}");
    assertThat(sw.status()).as(sw.text()).isEqualTo(200);
    assertThat(sw.json().get("ports").toString()).isEqualTo("[\"small\",\"big\",\"default\"]");
    assertThat(post("/api/node-types/if/ports", "{\"condition\": \"true\"}").json().get("ports").toString())
        .isEqualTo("[\"true\",\"false\"]");
    assertThat(post("/api/node-types/set/ports", "{}").json().get("ports").toString()).isEqualTo("[\"main\"]");
    // A viewer may ask: nothing runs, nothing is saved.
    String viewer = createKey("pia", "viewer");
    assertThat(as(viewer).post("/api/node-types/approval/ports", "{\"title\": \"ok?\"}").json().get("ports").toString())
        .isEqualTo("[\"approved\",\"rejected\"]");
  }

  @Test
  void anUnknownTypeIs404AndABodyThatIsNoObjectIs400() {
    Response unknown = post("/api/node-types/nope/ports", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("code").stringValue()).isEqualTo("node_type.unknown");
    Response list = post("/api/node-types/set/ports", "[1, 2]");
    assertThat(list.status()).isEqualTo(400);
    assertThat(list.json().get("code").stringValue()).isEqualTo("json.type");
    assertThat(post("/api/node-types/set/ports", "{nope").status()).isEqualTo(400);
  }
}
