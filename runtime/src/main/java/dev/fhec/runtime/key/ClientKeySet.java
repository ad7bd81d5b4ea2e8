package dev.fhec.runtime.key;

import dev.fhec.runtime.circuit.ParameterPlan;
import java.util.List;
import java.util.Objects;

/**
 * The client's secret for a whole {@link ParameterPlan}: one {@link ClientKey} (small LWE key and
 * GLWE key) per partition, and the identity of the key set. Never sent to the server.
 */
public record ClientKeySet(KeySetIdentity identity, ParameterPlan plan, List<ClientKey> keys) {
  public ClientKeySet {
    Objects.requireNonNull(identity, "identity");
    keys = List.copyOf(keys);
    if (keys.size() != plan.size()) {
      throw new IllegalArgumentException(
          keys.size() + " partition keys for a plan of " + plan.size() + " partitions");
    }
    for (int p = 0; p < keys.size(); p++) {
      if (keys.get(p).parameters().fingerprint() != plan.partition(p).fingerprint()) {
        throw new IllegalArgumentException(
            "key of partition " + p + " is for " + keys.get(p).parameters().name());
      }
    }
  }

  /** A single-partition key set (library use: not bound to a circuit). */
  public static ClientKeySet of(ClientKey key) {
    return new ClientKeySet(
        KeySetIdentity.unbound(), ParameterPlan.single(key.parameters()), List.of(key));
  }

  public ClientKey key(int partition) {
    return keys.get(partition);
  }

  @Override
  public String toString() {
    return "ClientKeySet[" + plan.describe() + ", " + identity + "]";
  }
}
