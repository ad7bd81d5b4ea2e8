package dev.fhec.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The committed OpenAPI description names exactly the routes the dispatcher serves. */
class OpenApiTest {
  @Test
  void describesExactlyTheServedRoutes() throws Exception {
    JsonNode spec;
    try (InputStream in = FhecServer.class.getResourceAsStream("openapi.json")) {
      spec = new ObjectMapper().readTree(in);
    }
    TreeSet<String> described = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = spec.get("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(m -> described.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
    }
    TreeSet<String> served = new TreeSet<>();
    for (Routes.Route r : Routes.ALL) {
      served.add(r.method() + " " + r.template());
    }
    assertEquals(served, described);
  }
}
