package dev.weft.node.form;

import dev.weft.definition.Durations;
import dev.weft.definition.Json;
import dev.weft.definition.Violation;
import dev.weft.expression.Templates;
import dev.weft.node.Assignees;
import dev.weft.node.GraphContext;
import dev.weft.node.HumanTask;
import dev.weft.node.JsonSchemas;
import dev.weft.node.NodeFailure;
import dev.weft.node.NodeResult;
import dev.weft.node.WaitContext;
import dev.weft.node.WaitNodeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Asks people for values (a clarification): the fields are a JSON schema, submissions are validated
 * against it before the run records them (400 with every problem otherwise), and the node's output is
 * the submitted values.
 */
@Component
public class FormNode implements WaitNodeType<FormNodeConfig> {
  public static final String SUBMIT = "submit";

  @Override
  public String id() {
    return "form";
  }

  @Override
  public Class<FormNodeConfig> configClass() {
    return FormNodeConfig.class;
  }

  @Override
  public String description() {
    return "Waits for an assignee to submit values matching a JSON schema of fields; output = the values.";
  }

  @Override
  public boolean asksPeople() {
    return true;
  }

  @Override
  public List<Violation> validate(FormNodeConfig c, GraphContext graph) {
    List<Violation> v = new ArrayList<>(Assignees.check(c.assignees(), "/assignees", "form.assignee_invalid"));
    JsonSchemas.checkForm(c.fields()).forEach(x -> v.add(Violation.of("/fields" + x.path(), x.code(), x.message())));
    if (c.timeout() != null && !Templates.hasTemplate(c.timeout())) {
      try {
        if (!Durations.parse(c.timeout()).isPositive()) v.add(Violation.of("/timeout", "duration.invalid", "a duration is positive"));
      } catch (IllegalArgumentException e) {
        v.add(Violation.of("/timeout", "duration.invalid", e.getMessage()));
      }
    }
    return v;
  }

  @Override
  public NodeResult await(FormNodeConfig c, WaitContext ctx) {
    List<Violation> bad = JsonSchemas.checkForm(c.fields());
    if (!bad.isEmpty()) {
      throw new NodeFailure("form.schema_invalid", "fields" + bad.getFirst().path() + ": " + bad.getFirst().message(), false);
    }
    Instant due;
    try {
      due = c.timeout() == null ? null : ctx.now().plus(Durations.parse(c.timeout()));
    } catch (IllegalArgumentException e) {
      throw new NodeFailure("duration.invalid", "timeout: " + e.getMessage(), false);
    }
    HumanTask task = ctx.openTask(new HumanTask.Spec(HumanTask.Kind.FORM, c.title(), c.description(), c.assigneesOrDefault(),
        List.of(SUBMIT), true, JsonSchemas.closedForm(c.fields()), due, null));
    Optional<HumanTask.Decision> d = task.next(due);
    if (d.isEmpty()) throw new NodeFailure("form.timeout", "no values were submitted within " + c.timeout(), false);
    ObjectNode answer = Json.object();
    answer.put("nodeId", ctx.nodeId());
    answer.put("outcome", "submitted");
    task.answer(d.get(), answer);
    return NodeResult.of(d.get().values() == null ? Json.object() : d.get().values());
  }
}
