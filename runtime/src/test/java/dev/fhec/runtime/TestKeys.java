package dev.fhec.runtime;

import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.random.Seed;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keys generated once per parameter set and test JVM, from fixed seeds (reproducible runs). */
public final class TestKeys {
  /** A client key with its evaluation keys. */
  public record Pair(ClientKey client, EvaluationKeys evaluation) {}

  private static final Map<String, Pair> CACHE = new ConcurrentHashMap<>();

  private TestKeys() {}

  public static Pair of(ParameterSet p) {
    return CACHE.computeIfAbsent(
        p.name(),
        name -> {
          ClientKey ck = KeyGenerator.generateClientKey(p, Seed.ofLong(name.hashCode()));
          EvaluationKeys ek =
              KeyGenerator.generateEvaluationKeys(
                  ck, Seed.ofLong(1000 + name.hashCode()), Seed.ofLong(2000), Seed.ofLong(3000));
          return new Pair(ck, ek);
        });
  }
}
