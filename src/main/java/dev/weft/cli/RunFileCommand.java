package dev.weft.cli;

import dev.weft.config.WeftProperties;
import dev.weft.definition.Json;
import dev.weft.validate.DefinitionValidator;
import dev.weft.validate.ValidationReport;
import dev.weft.engine.DefinitionSnapshot;
import dev.weft.service.RunLauncher;
import dev.weft.engine.RunState;
import dev.weft.engine.RunWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code --weft.run=examples/hello.json [--weft.input=@input.json | --weft.input='{"name":"Ada"}']}: validates a definition file,
 * runs it on the configured Temporal, prints the final state as JSON, and exits (0 when the run
 * completed).
 */
@Component
@ConditionalOnProperty(name = "weft.run")
public class RunFileCommand implements ApplicationRunner, ExitCodeGenerator {
  private static final Logger log = LoggerFactory.getLogger(RunFileCommand.class);

  private final DefinitionValidator validator;
  private final WorkflowClient client;
  private final ConfigurableApplicationContext context;
  private final String taskQueue;
  private int exitCode;

  public RunFileCommand(DefinitionValidator validator, WorkflowClient client, ConfigurableApplicationContext context,
      WeftProperties props) {
    this.validator = validator;
    this.client = client;
    this.context = context;
    this.taskQueue = props.engine().taskQueue();
  }

  @Override
  public void run(ApplicationArguments args) throws Exception {
    String file = context.getEnvironment().getRequiredProperty("weft.run");
    String inputText = context.getEnvironment().getProperty("weft.input", "{}");
    ValidationReport report = validator.validate(Files.readString(Path.of(file)));
    if (!report.valid()) {
      System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report.errors()));
      exitCode = 2;
      exit();
      return;
    }
    String id = Path.of(file).getFileName().toString().replaceFirst("\\.json$", "");
    DefinitionSnapshot snapshot = new DefinitionSnapshot(id, 1, RunLauncher.contentHash(report.definition()), report.definition());
    JsonNode input = Json.parse(inputText.startsWith("@") ? Files.readString(Path.of(inputText.substring(1))) : inputText);
    WorkflowStub stub = new RunLauncher(client, taskQueue, false).start(snapshot, input, UUID.randomUUID().toString());
    log.info("started run {}", stub.getExecution().getWorkflowId());
    try {
      stub.getResult(JsonNode.class);
    } catch (WorkflowFailedException e) {
      exitCode = 1;
    }
    RunState state = client.newWorkflowStub(RunWorkflow.class, stub.getExecution().getWorkflowId()).state();
    System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(state));
    exit();
  }

  private void exit() {
    System.exit(SpringApplication.exit(context, this));
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }
}
