package dev.weft.engine;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** What the activity of one node returns: its (possibly claim-checked) output, ports, and attempt. */
public record ActivityOutput(JsonNode output, List<String> ports, Integer responseStatus, int attempt) {}
