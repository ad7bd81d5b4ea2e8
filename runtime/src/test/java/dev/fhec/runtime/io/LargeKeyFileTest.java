package dev.fhec.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An evaluation-key file over 2 GiB, for real: one keyswitching key whose payload alone is 2^31 +
 * 131,072 bytes goes through {@link FhecFiles#writeEvaluationKeys(Path, EvaluationKeySet, boolean)}
 * to disk and back through {@link FhecFiles#readEvaluationKeys}, the code path of every key file
 * (the 1 MiB buffer, the size and checksum pass, the parse pass), and damage past the 2 GiB offset
 * is refused.
 *
 * <p>Real key generation of such a key needs parameters whose other keys are far larger (the exact
 * seed head's are ~37 GB expanded): the keys here are filled by a fast deterministic generator
 * instead, in the layout keygen produces, under TOY parameter sets (N = 16384, two partitions, a
 * big-to-big keyswitch between them: 16384 × 1 level × 16385 words).
 *
 * <p>It runs in a child JVM whose heap ({@value #HEAP}) holds one copy of the key, not two: the
 * written key is dropped before the file is read, so writing and reading must both stream (a reader
 * that held the file, or a second copy, runs out of memory). The read key is compared word by word
 * with the generator. Needs about 2.2 GB of disk in the temporary directory, checked before
 * anything is written; the directory is deleted whatever happens.
 */
@Tag("slow")
class LargeKeyFileTest {
  static final String HEAP = "-Xmx2600m";

  /** The file plus room to spare, on the temporary directory's file system. */
  static final long DISK_NEEDED = 3_200_000_000L;

  static final long TWO_GIB = 1L << 31;

  @Test
  void aKeyFileOver2GiBIsReadBackEqualAndDamagePast2GiBIsRefused() throws Exception {
    Path dir = Files.createTempDirectory("fhec-large-key");
    try {
      long usable = Files.getFileStore(dir).getUsableSpace();
      if (usable < DISK_NEEDED) {
        fail(
            "needs "
                + DISK_NEEDED / 1_000_000
                + " MB free under "
                + dir
                + " for a key file over 2 GiB, has "
                + usable / 1_000_000
                + " MB; free some disk or point -Djava.io.tmpdir elsewhere");
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add(HEAP);
      cmd.add("-Dfhec.allowToyParameters=true");
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(Check.class.getName());
      cmd.add(dir.toString());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      StringBuilder out = new StringBuilder();
      Thread drain =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      out.append(new String(p.getInputStream().readAllBytes(), UTF8));
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        drain.join();
        fail("no result after 10 minutes:\n" + out);
      }
      drain.join();
      System.out.print(out);
      assertEquals(0, p.exitValue(), out.toString());
      assertTrue(out.toString().contains("every check passed"), out.toString());
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** The child JVM: writes, reads back, damages; exits 0 when every check holds. */
  static final class Check {
    private Check() {}

    static ParameterSet toy(String name) {
      return new ParameterSet(
          name,
          new LweDimension(10),
          new GlweDimension(1),
          new PolynomialSize(16384),
          new Decomposition(18, 1),
          new Decomposition(4, 4),
          Math.pow(2, -30),
          Math.pow(2, -45));
    }

    /** Word {@code i} of the key seeded {@code seed}: SplitMix64, as random as a key looks. */
    static long word(long seed, long i) {
      long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    static long[] filled(long seed, int length) {
      long[] a = new long[length];
      Arrays.parallelSetAll(a, i -> word(seed, i));
      return a;
    }

    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]).resolve("eval.keys");
      ParameterPlan plan =
          new ParameterPlan(
              List.of(toy("TOY_LARGE_A"), toy("TOY_LARGE_B")),
              List.of(
                  new KeyswitchSpec(
                      0, 1, KeyswitchSpec.Kind.BIG_TO_BIG, new Decomposition(20, 1))));
      KeyswitchSpec spec = plan.keyswitches().get(0);
      int nIn = EvaluationKeySet.inputDimension(plan, spec);
      int nOut = EvaluationKeySet.outputDimension(plan, spec);
      int kskWords = Math.toIntExact((long) nIn * spec.decomposition().levels() * (nOut + 1));
      long kskBytes = 8L * kskWords;
      check(kskBytes > TWO_GIB, "keyswitching key of " + kskBytes + " bytes, not over 2 GiB");
      long max = Runtime.getRuntime().maxMemory();
      check(max < 2 * kskBytes, "heap of " + max + " bytes holds two keys: nothing proven");
      System.out.printf(
          "keyswitching key: %d x %d x %d words = %d bytes; heap %d MiB%n",
          nIn, spec.decomposition().levels(), nOut + 1, kskBytes, max >> 20);

      List<long[]> bskStandard = new ArrayList<>();
      List<EvaluationKeySet.BootstrapKey> bsks = new ArrayList<>();
      for (int part = 0; part < plan.size(); part++) {
        ParameterSet p = plan.partition(part);
        long[] bsk =
            filled(100 + part, FourierBootstrapKey.length(p.n(), p.k(), p.bigN(), p.pbs()));
        bskStandard.add(bsk);
        bsks.add(new EvaluationKeySet.BootstrapKey(bsk, KeyGenerator.toFourier(p, bsk), null));
      }
      long t0 = System.nanoTime();
      EvaluationKeySet keys =
          new EvaluationKeySet(
              KeySetIdentity.unbound(),
              plan,
              bsks,
              List.of(
                  new EvaluationKeySet.SwitchKey(
                      new KeyswitchKey(nIn, nOut, spec.decomposition(), filled(7, kskWords)),
                      null)));
      long t1 = System.nanoTime();
      FhecFiles.writeEvaluationKeys(file, keys, false);
      long t2 = System.nanoTime();
      KeySetIdentity identity = keys.identity();
      keys = null; // the written key goes: the read one must fit where it was
      bsks = null;
      long size = Files.size(file);
      check(size > TWO_GIB + 8_000_000, "file of " + size + " bytes");
      System.out.printf(
          "generated in %.1f s, wrote %d bytes in %.1f s%n",
          (t1 - t0) / 1e9, size, (t2 - t1) / 1e9);
      try (var leftovers = Files.list(file.getParent())) {
        check(leftovers.count() == 1, "the writer left a temporary file beside " + file);
      }

      EvaluationKeySet back = FhecFiles.readEvaluationKeys(file, FhecFiles.Expect.ANY);
      long t3 = System.nanoTime();
      check(back.identity().sameKeySet(identity), "another key set came back");
      for (int part = 0; part < plan.size(); part++) {
        check(
            Arrays.equals(bskStandard.get(part), back.bootstrapKey(part).standard()),
            "bootstrapping key " + part + " differs");
      }
      KeyswitchKey ksk = back.keyswitchKeys().get(0).key();
      check(
          ksk.inputDimension() == nIn && ksk.outputDimension() == nOut,
          "keyswitching key dimensions");
      long[] data = ksk.data();
      check(data.length == kskWords, "keyswitching key of " + data.length + " words");
      long wrong =
          java.util.stream.IntStream.range(0, kskWords)
              .parallel()
              .filter(i -> data[i] != word(7, i))
              .count();
      check(wrong == 0, wrong + " keyswitching key words differ");
      System.out.printf(
          "read back in %.1f s: every word of both bootstrapping keys and of the keyswitching key"
              + " equal%n",
          (t3 - t2) / 1e9);
      back = null;

      // Damage past 2 GiB: a flipped bit in the keyswitching key's tail, then in the last payload
      // byte; each is refused by the checksum, then undone.
      for (long at : new long[] {TWO_GIB + 4_096_000 + 13, size - 5}) {
        flip(file, at);
        expect(file, CorruptFileException.Reason.CHECKSUM_MISMATCH, "bit flip at " + at);
        flip(file, at);
      }
      // Truncated past 2 GiB, by a little and by a lot.
      for (long to : new long[] {size - 1, TWO_GIB + 1}) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(to);
        }
        expect(file, CorruptFileException.Reason.TRUNCATED, "truncated to " + to);
      }
      System.out.printf(
          "bit flips and truncations past 2 GiB refused in %.1f s%n",
          (System.nanoTime() - t3) / 1e9);
      System.out.println("every check passed");
    }

    static void flip(Path file, long at) throws IOException {
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, at);
        b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
        ch.write(b, at);
      }
    }

    static void expect(Path file, CorruptFileException.Reason reason, String what) {
      try {
        FhecFiles.readEvaluationKeys(file, FhecFiles.Expect.ANY);
      } catch (CorruptFileException e) {
        check(e.reason() == reason, what + ": " + e.reason() + " " + e.getMessage());
        System.out.println(what + ": refused: " + e.getMessage());
        return;
      }
      check(false, what + ": read without complaint");
    }

    static void check(boolean ok, String message) {
      if (!ok) {
        System.out.println("FAILED: " + message);
        System.exit(1);
      }
    }
  }
}
