package dev.weft.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.definition.NodeDef;
import dev.weft.definition.WorkflowDefinition;
import dev.weft.engine.DefinitionActivities;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.engine.WeftDataConverter;
import dev.weft.store.TestDatabase;
import dev.weft.store.VersionRecord;
import dev.weft.store.WorkflowStore;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestEnvironmentOptions;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The definitions child runs load, from a real PostgreSQL, directly and as a Temporal activity. */
class ChildDefinitionsTest {
  private final WorkflowStore store = new WorkflowStore(TestDatabase.jdbc(), TestDatabase.tx());
  private final ChildDefinitions loader = new ChildDefinitions(store);

  private static WorkflowDefinition def(String id, String name) {
    return new WorkflowDefinition(id, name, null, null, List.of(new NodeDef("a", "respond", null, null, null, null, null)), List.of());
  }

  private static String id() {
    return "child-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A workflow with versions "v1" and "v2", saved as the API saves them (hash of the definition). */
  private String twoVersions() {
    String id = id();
    store.create(id, def(id, "v1"), RunLauncher.contentHash(def(id, "v1")), "ann");
    store.addVersion(id, def(id, "v2"), RunLauncher.contentHash(def(id, "v2")), "ann");
    return id;
  }

  @Test
  void aPinnedVersionIsLoadedWithItsContentHash() {
    String id = twoVersions();
    DefinitionSnapshot s = loader.load(id, 1, null);
    assertThat(s.workflowId()).isEqualTo(id);
    assertThat(s.version()).isEqualTo(1);
    assertThat(s.definition().name()).isEqualTo("v1");
    assertThat(s.contentHash()).isEqualTo(RunLauncher.contentHash(s.definition())).isEqualTo(RunLauncher.contentHash(def(id, "v1")));
  }

  @Test
  void withoutAVersionTheOneCurrentWhenTheParentStartedIsLoadedElseTheLatest() {
    String id = twoVersions();
    VersionRecord v1 = store.version(id, 1).orElseThrow();
    VersionRecord v2 = store.version(id, 2).orElseThrow();
    assertThat(loader.load(id, null, v1.createdAt()).version()).as("saved at asOf counts").isEqualTo(1);
    assertThat(loader.load(id, null, v2.createdAt()).version()).isEqualTo(2);
    assertThat(loader.load(id, null, Instant.now().plusSeconds(60)).version()).isEqualTo(2);
    assertThat(loader.load(id, null, v1.createdAt().minusSeconds(3600)).version()).as("created after the parent started: the latest").isEqualTo(2);
    assertThat(loader.load(id, null, null).version()).isEqualTo(2);
  }

  @Test
  void unknownWorkflowsVersionsAndArchivedWorkflowsFailForGood() {
    String ghost = id();
    assertThatThrownBy(() -> loader.load(ghost, null, null)).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(DefinitionActivities.UNKNOWN);
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).contains("'" + ghost + "'");
    });
    String id = twoVersions();
    assertThatThrownBy(() -> loader.load(id, 3, null)).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(DefinitionActivities.UNKNOWN_VERSION);
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).contains("'" + id + "'", "version 3");
    });
    store.archive(id);
    for (Integer version : new Integer[] {null, 1}) {
      assertThatThrownBy(() -> loader.load(id, version, null)).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
        assertThat(f.getType()).isEqualTo(DefinitionActivities.ARCHIVED);
        assertThat(f.isNonRetryable()).isTrue();
        assertThat(f.getOriginalMessage()).contains("'" + id + "'", "archived");
      });
    }
  }

  @Test
  void asAnActivityItsArgumentsAndFailuresCrossTemporalsDataConverter() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(WeftDataConverter.create()).build())
        .build());
    try {
      env.registerActivitiesImplementations(loader);
      DefinitionActivities activities = env.newActivityStub(DefinitionActivities.class);
      String id = twoVersions();
      VersionRecord v1 = store.version(id, 1).orElseThrow();
      DefinitionSnapshot s = activities.load(id, null, v1.createdAt());
      assertThat(s.version()).isEqualTo(1);
      assertThat(s.definition()).isEqualTo(v1.definition());
      assertThatThrownBy(() -> activities.load(id(), null, null)).isInstanceOfSatisfying(ActivityFailure.class, f ->
          assertThat(((ApplicationFailure) f.getCause()).getType()).isEqualTo(DefinitionActivities.UNKNOWN));
    } finally {
      env.close();
    }
  }
}
