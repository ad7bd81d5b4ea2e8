package dev.fhec.bench;

import dev.fhec.runtime.algorithms.Encoding;
import dev.fhec.runtime.algorithms.FftProvider;
import dev.fhec.runtime.algorithms.LutAccumulator;
import dev.fhec.runtime.algorithms.LweEncryption;
import dev.fhec.runtime.algorithms.ProgrammableBootstrap;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.params.PolynomialSize;
import dev.fhec.runtime.params.SecurityCurve;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;

/**
 * Keys, one input ciphertext, a lookup table and preallocated buffers for timing KS, PBS and KS+PBS
 * on one parameter set. Shared by the JMH benchmark and the side-by-side anchor against tfhe-rs, so
 * both time exactly the same work: a {@code width}-bit input, table x ↦ x² + 1 mod 2^width (the
 * same table the tfhe-rs harness uses).
 */
final class PbsFixture {
  final ParameterSet params;
  final ClientKey client;
  final EvaluationKeys keys;
  final double keygenMillis;
  final int width;
  final LweCiphertext input;
  final LutAccumulator lut;
  final ProgrammableBootstrap pbs;
  final long[] small;
  final LweCiphertext[] outs;

  PbsFixture(String setName, int width) {
    this.params = parameters(setName);
    this.width = width;
    long t0 = System.nanoTime();
    this.client = KeyGenerator.generateClientKey(params);
    this.keys = KeyGenerator.generateEvaluationKeys(client);
    this.keygenMillis = (System.nanoTime() - t0) / 1e6;
    int p = 1 << width;
    long[] entries = new long[p];
    for (int x = 0; x < p; x++) {
      entries[x] = ((long) x * x + 1) % p;
    }
    this.lut = LutAccumulator.of(new LookupTable(entries), false, width, params.bigN());
    this.input =
        LweEncryption.encrypt(
            client.bigLweKey(),
            Encoding.encode(3 % p, width),
            params.glweNoiseStd(),
            Csprng.of(Seed.random(), 0),
            Csprng.of(Seed.random(), 1));
    this.pbs =
        new ProgrammableBootstrap(
            keys.keyswitchKey(), keys.bootstrapKey(), FftProvider.create(params.bigN()));
    this.small = new long[params.n() + 1];
    this.outs = new LweCiphertext[] {new LweCiphertext(params.bigLweDimension())};
  }

  /**
   * A named set, or a compiled circuit's partition written n/k/N/pbsBase/pbsLevels/ksBase/ksLevels
   * (as {@code fhec inspect} prints it; noise on the security curve, as the optimizer picks it),
   * e.g. {@code 801/1/4096/15/2/3/5}: to time the partitions of a circuit one by one.
   */
  static ParameterSet parameters(String setName) {
    String[] f = setName.split("/");
    if (f.length == 7) {
      return new ParameterSet(
          "SET_" + setName.replace('/', '_'),
          new LweDimension(Integer.parseInt(f[0])),
          new GlweDimension(Integer.parseInt(f[1])),
          new PolynomialSize(Integer.parseInt(f[2])),
          new Decomposition(Integer.parseInt(f[3]), Integer.parseInt(f[4])),
          new Decomposition(Integer.parseInt(f[5]), Integer.parseInt(f[6])),
          SecurityCurve.minStd(Integer.parseInt(f[0])),
          SecurityCurve.minStd(Integer.parseInt(f[1]) * Integer.parseInt(f[2])));
    }
    return ParameterSets.byName(setName)
        .orElseThrow(() -> new IllegalArgumentException("no parameter set named " + setName));
  }

  /** Runs KS + PBS once and checks the decrypted result against the table (fails loudly). */
  void checkCorrect() {
    pbs.apply(input, lut, outs);
    long got = LweEncryption.decrypt(client.bigLweKey(), outs[0], width);
    int p = 1 << width;
    long expected = (3L % p * (3L % p) + 1) % p;
    if (got != expected) {
      throw new IllegalStateException(
          params.name() + ": KS+PBS decrypted " + got + ", expected " + expected);
    }
  }

  void keyswitch() {
    pbs.keyswitch(input.data(), small);
  }

  void bootstrap() {
    pbs.bootstrap(small, lut, outs);
  }

  void keyswitchAndBootstrap() {
    pbs.apply(input, lut, outs);
  }
}
