package dev.weft.config;

import dev.weft.validate.DefinitionValidator;
import dev.weft.engine.NodeActivities;
import dev.weft.engine.NodeInvoker;
import dev.weft.engine.PayloadStore;
import dev.weft.engine.PayloadActivitiesImpl;
import dev.weft.engine.RunEventActivitiesImpl;
import dev.weft.engine.RunEventSink;
import dev.weft.service.ChildDefinitions;
import dev.weft.service.RunLauncher;
import dev.weft.engine.RunWorkflow;
import dev.weft.engine.RunWorkflowImpl;
import dev.weft.engine.TemporalNames;
import dev.weft.engine.WeftDataConverter;
import dev.weft.expression.ExpressionEngine;
import dev.weft.node.NodeRegistry;
import dev.weft.node.NodeType;
import dev.weft.node.http.HttpNode;
import dev.weft.store.WorkflowStore;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the engine: registry, expressions, validator, and the Temporal worker that interprets runs. */
@Configuration(proxyBeanMethods = false)
public class EngineConfiguration {
  private static final Logger log = LoggerFactory.getLogger(EngineConfiguration.class);

  @Bean
  HttpNode httpNode(WeftProperties props, org.springframework.beans.factory.ObjectProvider<dev.weft.node.CredentialResolver> credentials,
      dev.weft.node.http.OAuth2Tokens tokens) {
    return new HttpNode(props.http().settings(props.outbound()),
        credentials.getIfAvailable(() -> dev.weft.node.CredentialResolver.NONE), tokens);
  }

  /** OAuth2 access tokens, through the http node's outbound guard; dropped when their credential changes. */
  @Bean
  dev.weft.node.http.OAuth2Tokens oauth2Tokens(WeftProperties props,
      org.springframework.beans.factory.ObjectProvider<dev.weft.service.CredentialService> credentials) {
    var tokens = new dev.weft.node.http.OAuth2Tokens(props.http().settings(props.outbound()), props.credentialUse().oauth2(),
        java.time.Clock.systemUTC());
    credentials.ifAvailable(c -> c.register(tokens));
    return tokens;
  }

  @Bean
  NodeRegistry nodeRegistry(List<NodeType<?>> types) {
    return new NodeRegistry(types);
  }

  @Bean
  ExpressionEngine expressionEngine(WeftProperties props) {
    return new ExpressionEngine(props.limits().expression()).warmUp();
  }

  @Bean
  DefinitionValidator definitionValidator(NodeRegistry registry, ExpressionEngine expressions, WeftProperties props) {
    return new DefinitionValidator(registry, expressions, props.limits().definition());
  }

  @Bean
  NodeInvoker nodeInvoker(NodeRegistry registry, ExpressionEngine expressions) {
    return new NodeInvoker(registry, expressions);
  }

  /** Temporal's JSON converter on Jackson 3, the same mapper generation as the rest of Weft. */
  @Bean(name = "mainDataConverter")
  DataConverter mainDataConverter() {
    return WeftDataConverter.create();
  }

  /** The embedded test server runs in real time: a service's timers must not fire early. */
  @Bean
  TemporalOptionsCustomizer<TestEnvironmentOptions.Builder> realTimeTestServer() {
    return b -> b.setUseTimeskipping(false);
  }

  /** Says loudly which Temporal this process talks to. */
  @Bean
  ApplicationRunner temporalModeBanner(Environment env, WeftProperties props) {
    return args -> {
      if (env.getProperty("spring.temporal.test-server.enabled", Boolean.class, false)) {
        log.warn("""

            ======================================================================
             EMBEDDED MODE: in-process Temporal server (real time, in memory:
             runs do not survive a restart). Set TEMPORAL_ADDRESS to use a cluster.
            ======================================================================""");
      } else {
        log.info("Temporal at {} (namespace {}), task queue {}, role {}", env.getProperty("spring.temporal.connection.target"),
            env.getProperty("spring.temporal.namespace"), props.engine().taskQueue(), props.role());
      }
    };
  }

  /**
   * Starts runs with Weft's search attributes: registered on the embedded server when it is created
   * ({@link TemporalConfiguration}), on a real cluster by its operators (docs/operations.md).
   */
  @Bean
  RunLauncher runLauncher(WorkflowClient client, WeftProperties props, TemporalProperties temporal) {
    return new RunLauncher(client, props.engine().taskQueue(), true, temporal.worker().eagerStart());
  }

  /**
   * Weft's own worker factory: the interpreter is registered through a factory (it needs the registry),
   * which the starter's annotation-driven discovery does not offer.
   */
  @Bean
  WorkerFactory weftWorkerFactory(WorkflowClient client, WeftProperties props, TemporalProperties temporal,
      NodeInvoker invoker, ExpressionEngine expressions, PayloadStore store, RunEventSink events, WorkflowStore workflows,
      dev.weft.ai.LlmClient llm, dev.weft.engine.AgentMemoryStore memory, dev.weft.knowledge.KnowledgeSearch knowledge,
      org.springframework.beans.factory.ObjectProvider<dev.weft.node.CredentialResolver> credentials) {
    WorkerFactory factory = WorkerFactory.newInstance(client, TemporalConfiguration.workerFactoryOptions(temporal.worker()));
    Worker worker = factory.newWorker(props.engine().taskQueue(), TemporalConfiguration.workerOptions(temporal.worker()));
    worker.registerWorkflowImplementationFactory(RunWorkflow.class,
        () -> new RunWorkflowImpl(invoker, expressions, props.engine().settings()));
    worker.registerActivitiesImplementations(new NodeActivities(invoker, store, props.engine().settings(), events));
    worker.registerActivitiesImplementations(new RunEventActivitiesImpl(events));
    worker.registerActivitiesImplementations(new PayloadActivitiesImpl(expressions, store));
    worker.registerActivitiesImplementations(new ChildDefinitions(workflows));
    // An agent's mcp tools reach their servers through the http node's outbound guard, with stored credentials.
    var mcp = new dev.weft.node.agent.StreamableMcpServers(
        credentials.getIfAvailable(() -> dev.weft.node.CredentialResolver.NONE), props.outbound().guard());
    worker.registerActivitiesImplementations(new dev.weft.service.AgentActivitiesImpl(llm, invoker, memory, knowledge, mcp));
    return factory;
  }

  /**
   * Polls the task queue unless this process only serves the API ({@code weft.role=api}). Stopping
   * suspends polling and starting again resumes it (Spring stops and restarts contexts, e.g. cached test
   * contexts); the factory shuts down for good when the context closes.
   */
  @Bean
  SmartLifecycle weftWorkers(WorkerFactory weftWorkerFactory, WeftProperties props) {
    return new WorkerLifecycle(weftWorkerFactory, props.role());
  }

  static final class WorkerLifecycle implements SmartLifecycle, DisposableBean {
    private final WorkerFactory factory;
    private final WeftRole role;
    private volatile boolean running;

    WorkerLifecycle(WorkerFactory factory, WeftRole role) {
      this.factory = factory;
      this.role = role;
    }

    @Override
    public synchronized void start() {
      if (!role.runsWorkers()) {
        log.info("weft.role={}: this process executes no runs", role);
      } else if (factory.isStarted()) {
        factory.resumePolling();
      } else {
        factory.start();
      }
      running = true;
    }

    @Override
    public synchronized void stop() {
      if (factory.isStarted() && !factory.isShutdown()) factory.suspendPolling();
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public void destroy() {
      if (!factory.isStarted() || factory.isShutdown()) return;
      factory.shutdown();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
