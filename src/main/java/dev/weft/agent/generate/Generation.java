package dev.weft.agent.generate;

import dev.weft.validate.ValidationReport;
import tools.jackson.databind.JsonNode;

/**
 * The outcome of {@link WorkflowGenerator#generate}: the last candidate the model gave and what was found
 * about it. Nothing is saved.
 *
 * @param definition the candidate definition as the model wrote it (its id set when modifying), or null
 *     when no answer held a JSON object
 * @param report its violations: the validator's, then the dry run's ({@code dryrun.*}), or
 *     {@code generate.not_json}; valid exactly when {@code ok}
 * @param dryRun the dry run's report ({@code {status, input, nodes, notReached, warnings, error?}}), or null
 *     when the candidate did not validate
 * @param diff the changes against the saved latest version when modifying, else null
 * @param attempts answers asked of the model, the first included
 * @param ok the candidate validates and its dry run completed, reaching every node
 * @param usage the model calls' summed usage: {@code {calls, tokensIn, tokensOut, cost, latencyMs, profile, model}}
 */
public record Generation(JsonNode definition, ValidationReport report, JsonNode dryRun, JsonNode diff, int attempts,
    boolean ok, JsonNode usage) {}
