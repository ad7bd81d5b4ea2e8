package dev.fhec.server;

import java.util.List;

/**
 * The server's endpoints: the dispatcher matches requests against this list, and a test checks it
 * against the committed OpenAPI description (openapi.json), so neither can drift alone.
 */
final class Routes {
  private Routes() {}

  enum Name {
    HEALTH,
    METRICS,
    OPENAPI,
    CIRCUITS,
    UPLOAD_KEYS,
    DELETE_KEYS,
    SUBMIT,
    JOB,
    RESULT
  }

  record Route(String method, String template, Name name) {
    /** The path parameters of {@code segments} when it matches, else null. */
    String[] match(String method, String[] segments) {
      if (!this.method.equals(method)) {
        return null;
      }
      String[] t = template.substring(1).split("/");
      if (t.length != segments.length) {
        return null;
      }
      String[] params = new String[t.length];
      int n = 0;
      for (int i = 0; i < t.length; i++) {
        if (t[i].startsWith("{")) {
          params[n++] = segments[i];
        } else if (!t[i].equals(segments[i])) {
          return null;
        }
      }
      return java.util.Arrays.copyOf(params, n);
    }
  }

  static final List<Route> ALL =
      List.of(
          new Route("GET", "/health", Name.HEALTH),
          new Route("GET", "/metrics", Name.METRICS),
          new Route("GET", "/openapi.json", Name.OPENAPI),
          new Route("GET", "/v1/circuits", Name.CIRCUITS),
          new Route("POST", "/v1/keys", Name.UPLOAD_KEYS),
          new Route("DELETE", "/v1/keys/{keySetId}", Name.DELETE_KEYS),
          new Route("POST", "/v1/keys/{keySetId}/jobs", Name.SUBMIT),
          new Route("GET", "/v1/jobs/{jobId}", Name.JOB),
          new Route("GET", "/v1/jobs/{jobId}/result", Name.RESULT));
}
