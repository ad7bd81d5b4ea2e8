package dev.fhec.compiler.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundle files: round trip, version, checksums and zip entries. */
class BundleTest {
  private static final Path MODELS = Path.of("../cli/src/test/resources/models");
  private static Bundle bundle;
  @TempDir Path tmp;

  @BeforeAll
  static void compile() throws IOException {
    bundle =
        BundleCompiler.compile(
            MODELS.resolve("sq.ir"),
            Optional.of(MODELS.resolve("sq.inputset.npz")),
            OptionalInt.empty(),
            CompileOptions.defaults());
  }

  @Test
  void directoryAndZipRoundTripTheCircuitExactly() throws IOException {
    for (String name : List.of("b", "b.zip")) {
      Path p = tmp.resolve(name);
      bundle.write(p);
      Bundle back = Bundle.read(p);
      assertArrayEquals(bundle.circuit().digest(), back.circuit().digest());
      assertEquals(bundle.manifest(), back.manifest());
    }
  }

  @Test
  void theCircuitFileHoldsThePlanAndNoDerivedProperties() throws IOException {
    Path p = tmp.resolve("b");
    bundle.write(p);
    var tree = BundleJson.mapper().readTree(p.resolve(Bundle.CIRCUIT).toFile());
    assertEquals(2, tree.get("formatVersion").asInt());
    assertTrue(tree.has("plan"), tree.toString());
    assertFalse(tree.has("parameters"), "parameters() is derived from the plan");
    assertEquals(1, tree.get("plan").get("partitions").size());
    assertEquals("BIG_TO_SMALL", tree.get("plan").get("keyswitches").get(0).get("kind").asText());
  }

  @Test
  void anEditedTableIsRefused() throws IOException {
    Path p = tmp.resolve("b");
    bundle.write(p);
    Path c = p.resolve(Bundle.CIRCUIT);
    String json = Files.readString(c);
    int at = json.indexOf("\"entries\"");
    int digit = at + json.substring(at).indexOf(char0(json.substring(at)));
    String edited =
        json.substring(0, digit)
            + (json.charAt(digit) == '9' ? '8' : (char) (json.charAt(digit) + 1))
            + json.substring(digit + 1);
    Files.writeString(c, edited);
    BundleException e = assertThrows(BundleException.class, () -> Bundle.read(p));
    assertTrue(e.getMessage().contains("circuit.json does not match its checksum"), e.getMessage());
  }

  /** The first digit in {@code s}, as a one-character string. */
  private static String char0(String s) {
    for (char ch : s.toCharArray()) {
      if (Character.isDigit(ch)) {
        return String.valueOf(ch);
      }
    }
    throw new AssertionError("no digit");
  }

  @Test
  void anEditedManifestIsRefused() throws IOException {
    Path p = tmp.resolve("b");
    bundle.write(p);
    Path m = p.resolve(Bundle.MANIFEST);
    Files.writeString(m, Files.readString(m).replace("\"x\"", "\"z\""));
    BundleException e = assertThrows(BundleException.class, () -> Bundle.read(p));
    assertTrue(e.getMessage().contains("manifest.json does not match"), e.getMessage());
  }

  @Test
  void anOldFormatIsRefusedWithAHintToRecompile() throws IOException {
    Path p = tmp.resolve("b");
    bundle.write(p);
    Path m = p.resolve(Bundle.MANIFEST);
    Files.writeString(
        m, Files.readString(m).replaceFirst("\"formatVersion\" : 2", "\"formatVersion\" : 1"));
    BundleException e = assertThrows(BundleException.class, () -> Bundle.read(p));
    assertTrue(e.getMessage().contains("bundle format 1"), e.getMessage());
    assertTrue(e.hint().contains("recompile"), e.hint());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void zipsWithDuplicateOrUnexpectedEntriesAreRefused() throws IOException {
    Path good = tmp.resolve("good");
    bundle.write(good);
    for (String extra : List.of(Bundle.CIRCUIT, "evil.sh")) {
      Path zip = tmp.resolve("bad" + extra.length() + ".zip");
      try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
        for (String name :
            List.of(Bundle.MANIFEST, Bundle.CIRCUIT, Bundle.IR, Bundle.REPORT, Bundle.CHECKSUMS)) {
          z.putNextEntry(new ZipEntry(name));
          z.write(Files.readAllBytes(good.resolve(name)));
          z.closeEntry();
        }
        z.putNextEntry(new ZipEntry(extra));
        z.write("{}".getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      } catch (java.util.zip.ZipException duplicate) {
        // The JDK's writer refuses duplicates itself; write the second copy by hand below.
        writeWithDuplicate(zip, good);
      }
      BundleException e = assertThrows(BundleException.class, () -> Bundle.read(zip));
      assertTrue(
          e.getMessage().contains(extra.equals(Bundle.CIRCUIT) ? "appears twice" : "evil.sh"),
          e.getMessage());
    }
  }

  /**
   * A zip whose circuit.json appears twice: ZipOutputStream refuses to write one, so write the
   * second copy under a same-length name and patch the name in the bytes.
   */
  private static void writeWithDuplicate(Path zip, Path good) throws IOException {
    String twin = "circuit.jsoN";
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (String name :
          List.of(
              Bundle.MANIFEST, Bundle.CIRCUIT, Bundle.IR, Bundle.REPORT, Bundle.CHECKSUMS, twin)) {
        z.putNextEntry(new ZipEntry(name));
        z.write(Files.readAllBytes(good.resolve(name.equals(twin) ? Bundle.CIRCUIT : name)));
        z.closeEntry();
      }
    }
    byte[] bytes = Files.readAllBytes(zip);
    byte[] from = twin.getBytes(StandardCharsets.UTF_8);
    byte[] to = Bundle.CIRCUIT.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + from.length <= bytes.length; i++) {
      if (java.util.Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, bytes, i, to.length);
      }
    }
    Files.write(zip, bytes);
  }

  /**
   * sq.ir takes integers. Its inputset saved as float64 compiles to the same circuit when every
   * value is whole; a fraction or a NaN is refused naming the input, the sample and the value.
   */
  @Test
  void aFloatInputsetForAnIntegerModelMustHoldWholeNumbers() throws IOException {
    java.util.Map<String, NpyArray> ints = Npz.read(MODELS.resolve("sq.inputset.npz"));
    java.util.Map<String, NpyArray> floats = new java.util.LinkedHashMap<>();
    ints.forEach(
        (name, a) ->
            floats.put(
                name,
                new NpyArray.Floats(
                    a.shape(),
                    java.util.Arrays.stream(((NpyArray.Ints) a).data())
                        .asDoubleStream()
                        .toArray())));
    Path whole = tmp.resolve("whole.npz");
    Npz.write(floats, false, whole);
    Bundle b =
        BundleCompiler.compile(
            MODELS.resolve("sq.ir"),
            Optional.of(whole),
            OptionalInt.empty(),
            CompileOptions.defaults());
    assertArrayEquals(bundle.circuit().digest(), b.circuit().digest());

    String name = floats.keySet().iterator().next();
    for (double bad : new double[] {2.5, Double.NaN, 1e300}) {
      NpyArray.Floats f = (NpyArray.Floats) floats.get(name);
      double[] d = f.data().clone();
      d[d.length - 1] = bad;
      Path file = tmp.resolve("bad.npz");
      Npz.write(java.util.Map.of(name, new NpyArray.Floats(f.shape(), d)), false, file);
      BundleException e =
          assertThrows(
              BundleException.class,
              () ->
                  BundleCompiler.compile(
                      MODELS.resolve("sq.ir"),
                      Optional.of(file),
                      OptionalInt.empty(),
                      CompileOptions.defaults()));
      assertTrue(
          e.getMessage().contains("input '" + name + "' is a float array and its sample "),
          e.getMessage());
      assertTrue(e.getMessage().contains(" holds " + bad), e.getMessage());
      assertTrue(e.getMessage().contains("takes integers"), e.getMessage());
      assertTrue(e.hint().contains("astype(np.int64)"), e.hint());
    }
  }
}
