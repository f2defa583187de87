package dev.weft.config;

/**
 * What one Weft process does: {@code all} (default) serves the API and runs workflows; {@code api}
 * only serves the API (it starts runs but executes none); {@code worker} only executes runs (it still
 * serves health and metrics).
 */
public enum WeftRole {
  ALL, API, WORKER;

  public boolean servesApi() {
    return this != WORKER;
  }

  public boolean runsWorkers() {
    return this != API;
  }
}
