package dev.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.engine.WeftSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The embedded Temporal server knows Weft's search attributes from the start: runs may set them and
 * describe returns them. (It has no visibility store: ListWorkflowExecutions is UNIMPLEMENTED there, so
 * queries over them need a real server.)
 */
@SpringBootTest
class EmbeddedSearchAttributesTest {
  /** A task queue nobody polls: the runs only need to exist. */
  private static final String QUEUE = "weft-search-attributes-test";

  @Autowired WorkflowClient client;

  @Test
  void aRunMaySetEveryWeftSearchAttribute() {
    String id = "sa-" + UUID.randomUUID();
    SearchAttributes attributes = SearchAttributes.newBuilder()
        .set(WeftSearchAttributes.WORKFLOW_ID, "expenses")
        .set(WeftSearchAttributes.WORKFLOW_VERSION, 3L)
        .set(WeftSearchAttributes.STATUS, "WAITING")
        .set(WeftSearchAttributes.WAITING_NODES, List.of("approve"))
        .set(WeftSearchAttributes.TENANT, "acme")
        .build();
    WorkflowStub stub = client.newUntypedWorkflowStub("WeftRun",
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).setTypedSearchAttributes(attributes).build());
    stub.start();
    try {
      SearchAttributes stored = stub.describe().getTypedSearchAttributes();
      assertThat(stored.get(WeftSearchAttributes.WORKFLOW_ID)).isEqualTo("expenses");
      assertThat(stored.get(WeftSearchAttributes.WORKFLOW_VERSION)).isEqualTo(3L);
      assertThat(stored.get(WeftSearchAttributes.STATUS)).isEqualTo("WAITING");
      assertThat(stored.get(WeftSearchAttributes.WAITING_NODES)).containsExactly("approve");
      assertThat(stored.get(WeftSearchAttributes.TENANT)).isEqualTo("acme");
    } finally {
      stub.terminate("test done");
    }
  }

  @Test
  void anUnknownSearchAttributeIsRefused() {
    WorkflowStub stub = client.newUntypedWorkflowStub("WeftRun", WorkflowOptions.newBuilder().setTaskQueue(QUEUE)
        .setWorkflowId("sa-" + UUID.randomUUID())
        .setTypedSearchAttributes(SearchAttributes.newBuilder().set(SearchAttributeKey.forKeyword("NotWeft"), "x").build())
        .build());
    assertThatThrownBy(stub::start).hasStackTraceContaining("NotWeft");
  }
}
