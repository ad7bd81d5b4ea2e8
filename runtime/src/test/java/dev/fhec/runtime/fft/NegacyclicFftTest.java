package dev.fhec.runtime.fft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every implementation against the schoolbook product of {@link NaiveNegacyclic}: exact integer
 * products, the f64 error of digit × torus products (the noise term of tfhe.md §1.4), and linearity
 * of Fourier-domain accumulation as in an external product.
 *
 * <p>The vector species is fixed per JVM; besides the default (256-bit) run, this class passes with
 * {@code -Dfhec.fft.species=preferred} (512-bit on AVX-512) and {@code -XX:MaxVectorSize=16} (2
 * lanes), e.g. {@code ./mvnw -pl runtime -am test -Dtest=NegacyclicFftTest
 * "-Dfhec.test.argLine=--add-modules jdk.incubator.vector -XX:MaxVectorSize=16"}.
 */
class NegacyclicFftTest {
  /**
   * Sizes checked coefficient by coefficient against the O(N²) oracle: every plan shape (no stage,
   * radix-2 only, radix-4 only, radix-2 + radix-4, first stage narrower or wider than a vector) and
   * the sizes TFHE uses.
   */
  static final int[] SIZES = {2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 8192};

  /** The one large size: only a sample of coefficients is checked naively (O(N) each). */
  static final int LARGE = 65536;

  record Impl(String name, IntFunction<NegacyclicFft> factory) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Impl> implementations() {
    List<Impl> impls = new ArrayList<>();
    impls.add(new Impl("scalar", ScalarNegacyclicFft::new));
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      impls.add(new Impl(VectorNegacyclicFft.description(), VectorNegacyclicFft::new));
    }
    return impls;
  }

  static Stream<Arguments> implsAndSizes() {
    List<Arguments> args = new ArrayList<>();
    for (Impl impl : implementations()) {
      for (int n : SIZES) {
        args.add(Arguments.of(impl, n));
      }
    }
    return args.stream();
  }

  static Stream<Arguments> impls() {
    return implementations().stream().map(Arguments::of);
  }

  static SecureRandom rng(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed); // before first use: a deterministic stream
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Uniform in [−bound, bound). */
  static long[] signed(SecureRandom r, int n, long bound) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = Math.floorMod(r.nextLong(), 2 * bound) - bound;
    }
    return a;
  }

  static long[] torus(SecureRandom r, int n) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextLong();
    }
    return a;
  }

  /** Σ_i digits_i · torus_i through the FFT, added into a zero polynomial. */
  static long[] fftSumOfProducts(NegacyclicFft fft, long[][] digits, long[][] torus) {
    return fftSumOfProducts(fft, digits, torus, new long[fft.polynomialSize()]);
  }

  /** {@code into} += Σ_i digits_i · torus_i through the FFT; returns {@code into}. */
  static long[] fftSumOfProducts(NegacyclicFft fft, long[][] digits, long[][] torus, long[] into) {
    int n = fft.polynomialSize();
    double[] acc = new double[n];
    double[] fd = new double[n];
    double[] ft = new double[n];
    for (int i = 0; i < digits.length; i++) {
      fft.forwardIntegers(digits[i], 0, fd, 0);
      fft.forwardTorus(torus[i], 0, ft, 0);
      fft.mulAccumulate(acc, 0, fd, 0, ft, 0);
    }
    fft.backwardAddTorus(acc, 0, into, 0);
    return into;
  }

  static long maxAbsError(long[] actual, long[] exact) {
    long max = 0;
    for (int k = 0; k < exact.length; k++) {
      long e = actual[k] - exact[k];
      max = Math.max(max, e == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(e));
    }
    return max;
  }

  static double log2(long x) {
    return x == 0 ? Double.NEGATIVE_INFINITY : Math.log(x) / Math.log(2);
  }

  /**
   * (a) Small integer × integer: the second factor enters as a torus polynomial b·2^{64−s}, so the
   * product's u64 result is (a·b)·2^{64−s} mod 2^64 plus f64 error far below 2^{63−s}; rounding to
   * a multiple of 2^{64−s} must give the exact integer product mod 2^s.
   */
  @ParameterizedTest(name = "{0} N={1}")
  @MethodSource("implsAndSizes")
  void integerProductIsExactAfterRounding(Impl impl, int n) {
    NegacyclicFft fft = impl.factory().apply(n);
    SecureRandom r = rng(1000 + n);
    int s = 32;
    long[] a = signed(r, n, 16);
    long[] b = signed(r, n, 16);
    long[] bTorus = new long[n];
    for (int i = 0; i < n; i++) {
      bTorus[i] = b[i] << (64 - s);
    }
    long[] out = fftSumOfProducts(fft, new long[][] {a}, new long[][] {bTorus});
    long[] exact = new long[n];
    NaiveNegacyclic.multiplyAdd(exact, a, b);
    long half = 1L << (63 - s);
    for (int k = 0; k < n; k++) {
      long rounded = (out[k] + half) >> (64 - s); // arithmetic: sign-extends the s-bit residue
      long expected = (exact[k] << (64 - s)) >> (64 - s);
      assertEquals(expected, rounded, "coefficient " + k + " of N=" + n);
    }
  }

  /**
   * (b) Digits |d| &lt; 2^22 times uniform torus polynomials: the u64 error stays under the f64
   * noise budget. Bound 2^42 at N ≤ 2048 (tfhe.md §1.4 measured 2^39.6 for a good FFT at 2048); the
   * error grows like √N·log N, so 2^43 at 8192.
   */
  @ParameterizedTest(name = "{0} N={1}")
  @MethodSource("implsAndSizes")
  void digitTimesTorusErrorIsSmall(Impl impl, int n) {
    NegacyclicFft fft = impl.factory().apply(n);
    SecureRandom r = rng(2000 + n);
    long[] d = signed(r, n, 1L << 22);
    long[] t = torus(r, n);
    long[] out = fftSumOfProducts(fft, new long[][] {d}, new long[][] {t});
    long[] exact = new long[n];
    NaiveNegacyclic.multiplyAdd(exact, d, t);
    long err = maxAbsError(out, exact);
    double bound = n <= 2048 ? 42 : 43;
    System.out.printf("%s N=%d digit x torus max error 2^%.2f%n", impl, n, log2(err));
    assertTrue(log2(err) < bound, impl + " N=" + n + ": max error 2^" + log2(err));
  }

  /** (b) at N = 65536 on a sample of coefficients, bound 2^45. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("impls")
  void largeSizeErrorOnSampledCoefficients(Impl impl) {
    int n = LARGE;
    NegacyclicFft fft = impl.factory().apply(n);
    SecureRandom r = rng(3000);
    long[] d = signed(r, n, 1L << 22);
    long[] t = torus(r, n);
    long[] out = fftSumOfProducts(fft, new long[][] {d}, new long[][] {t});
    long max = 0;
    for (int s = 0; s < 96; s++) {
      int k = s < 32 ? s : s < 64 ? n - 96 + s : r.nextInt(n);
      long e = out[k] - NaiveNegacyclic.coefficient(d, t, k);
      max = Math.max(max, Math.abs(e));
    }
    System.out.printf("%s N=%d sampled max error 2^%.2f%n", impl, n, log2(max));
    assertTrue(log2(max) < 45, impl + " N=" + n + ": max error 2^" + log2(max));
  }

  /**
   * (c) Linearity: (k+1)·ℓ = 6 digit × torus products accumulated in the Fourier domain (as an
   * external product with k = 1, ℓ = 3, |digits| ≤ 2^10) equal the sum of exact products.
   */
  @ParameterizedTest(name = "{0} N={1}")
  @MethodSource("implsAndSizes")
  void accumulationIsLinear(Impl impl, int n) {
    NegacyclicFft fft = impl.factory().apply(n);
    SecureRandom r = rng(4000 + n);
    int terms = 6;
    long[][] digits = new long[terms][];
    long[][] torus = new long[terms][];
    long[] exact = torus(r, n); // also checks that backwardAddTorus adds with wrap-around
    long[] out = exact.clone();
    for (int i = 0; i < terms; i++) {
      digits[i] = signed(r, n, 1L << 10);
      torus[i] = torus(r, n);
      NaiveNegacyclic.multiplyAdd(exact, digits[i], torus[i]);
    }
    fftSumOfProducts(fft, digits, torus, out);
    long err = maxAbsError(out, exact);
    assertTrue(log2(err) < 36, impl + " N=" + n + ": max error 2^" + log2(err));
  }

  /** Offsets into larger arrays are honoured and nothing outside the slices is touched. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("impls")
  void offsetsAreHonoured(Impl impl) {
    int n = 256;
    NegacyclicFft fft = impl.factory().apply(n);
    SecureRandom r = rng(5000);
    long[] d = signed(r, n, 1L << 8);
    long[] t = torus(r, n);
    long[] dBig = new long[3 * n];
    long[] tBig = new long[3 * n];
    System.arraycopy(d, 0, dBig, n, n);
    System.arraycopy(t, 0, tBig, 2 * n, n);
    double[] fBig = new double[5 * n];
    fft.forwardIntegers(dBig, n, fBig, n);
    fft.forwardTorus(tBig, 2 * n, fBig, 3 * n);
    fft.mulAccumulate(fBig, 0, fBig, n, fBig, 3 * n);
    long[] outBig = new long[3 * n];
    fft.backwardAddTorus(fBig, 0, outBig, n);
    long[] exact = new long[n];
    NaiveNegacyclic.multiplyAdd(exact, d, t);
    long[] out = new long[n];
    System.arraycopy(outBig, n, out, 0, n);
    assertTrue(log2(maxAbsError(out, exact)) < 36);
    for (int i = 0; i < n; i++) {
      assertEquals(0, outBig[i]);
      assertEquals(0, outBig[2 * n + i]);
    }
  }

  /**
   * (d) Vector and scalar paths agree: same plan, same tables, same operation order, so the Fourier
   * coefficients and the torus results are bit-identical; the weaker requirement (the two differ by
   * less than the error bound) follows.
   */
  @ParameterizedTest(name = "N={0}")
  @MethodSource("agreementSizes")
  void vectorAgreesWithScalar(int n) {
    assertTrue(
        ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "tests run with --add-modules jdk.incubator.vector");
    NegacyclicFft scalar = new ScalarNegacyclicFft(n);
    NegacyclicFft vector = new VectorNegacyclicFft(n);
    SecureRandom r = rng(6000 + n);
    long[][] digits = {signed(r, n, 1L << 22), signed(r, n, 1L << 22)};
    long[][] torus = {torus(r, n), torus(r, n)};
    double[] fs = new double[n];
    double[] fv = new double[n];
    scalar.forwardTorus(torus[0], 0, fs, 0);
    vector.forwardTorus(torus[0], 0, fv, 0);
    assertArrayEquals(fs, fv, "forwardTorus N=" + n);
    scalar.forwardIntegers(digits[0], 0, fs, 0);
    vector.forwardIntegers(digits[0], 0, fv, 0);
    assertArrayEquals(fs, fv, "forwardIntegers N=" + n);
    // In place from integer-valued doubles: the same bits as from longs, on both paths.
    double[] inPlace = new double[n + 3];
    for (NegacyclicFft fft : new NegacyclicFft[] {scalar, vector}) {
      for (int j = 0; j < n; j++) {
        inPlace[3 + j] = digits[0][j];
      }
      fft.forwardIntegersInPlace(inPlace, 3);
      assertArrayEquals(fs, java.util.Arrays.copyOfRange(inPlace, 3, n + 3), "in place N=" + n);
    }
    long[] start = torus(r, n);
    long[] outS = fftSumOfProducts(scalar, digits, torus, start.clone());
    long[] outV = fftSumOfProducts(vector, digits, torus, start.clone());
    assertTrue(log2(maxAbsError(outV, outS)) < 42, "vector vs scalar N=" + n);
    assertArrayEquals(outS, outV, "backwardAddTorus N=" + n);
    // mul (the first term of a Fourier sum): the same products as mulAccumulate into zeros, on
    // both paths.
    double[] ft = new double[n];
    scalar.forwardTorus(torus[1], 0, ft, 0);
    double[] mulS = new double[n];
    double[] mulV = new double[n];
    double[] accumulated = new double[n];
    java.util.Arrays.fill(mulS, Double.NaN);
    java.util.Arrays.fill(mulV, Double.NaN);
    scalar.mul(mulS, 0, fs, 0, ft, 0);
    vector.mul(mulV, 0, fs, 0, ft, 0);
    scalar.mulAccumulate(accumulated, 0, fs, 0, ft, 0);
    assertArrayEquals(mulS, mulV, "mul N=" + n);
    assertArrayEquals(accumulated, mulS, "mul vs mulAccumulate into zeros N=" + n);
    // Two-term products in one pass: the bits of mul then mulAccumulate (and of two
    // mulAccumulates), on both paths; operands at a stride, as in a GGSW.
    double[] as = new double[3 * n];
    double[] bs = new double[3 * n];
    System.arraycopy(fs, 0, as, 0, n);
    System.arraycopy(ft, 0, as, n, n);
    System.arraycopy(ft, 0, bs, 0, n);
    System.arraycopy(fs, 0, bs, 2 * n, n);
    double[] twoTerms = new double[n];
    scalar.mul(twoTerms, 0, as, 0, bs, 0);
    scalar.mulAccumulate(twoTerms, 0, as, n, bs, 2 * n);
    double[] fourTerms = twoTerms.clone();
    scalar.mulAccumulate(fourTerms, 0, as, 0, bs, 0);
    scalar.mulAccumulate(fourTerms, 0, as, n, bs, 2 * n);
    for (NegacyclicFft fft : new NegacyclicFft[] {scalar, vector}) {
      double[] pair = new double[n + 1];
      fft.mulPair(pair, 1, as, 0, n, bs, 0, 2 * n);
      assertArrayEquals(twoTerms, java.util.Arrays.copyOfRange(pair, 1, n + 1), "mulPair N=" + n);
      fft.mulAccumulatePair(pair, 1, as, 0, n, bs, 0, 2 * n);
      assertArrayEquals(
          fourTerms, java.util.Arrays.copyOfRange(pair, 1, n + 1), "mulAccumulatePair N=" + n);
    }
  }

  static IntStream sizes() {
    return IntStream.concat(IntStream.of(SIZES), IntStream.of(LARGE));
  }

  /**
   * {@link #sizes} and the other sizes the vector path cache-blocks: radix-2 first stage (4096,
   * 16384), radix-4 first stage (8192), below and above {@code VectorNegacyclicFft.BLOCK}.
   */
  static IntStream agreementSizes() {
    return IntStream.concat(sizes(), IntStream.of(4096, 16384, 32768));
  }

  @Test
  void factoryFollowsTheModuleAndTheProperty() {
    NegacyclicFft fft = NegacyclicFfts.create(1024);
    assertEquals(1024, fft.polynomialSize());
    boolean scalarForced = "scalar".equals(System.getProperty("fhec.fft"));
    boolean expectVector =
        !scalarForced && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    assertEquals(expectVector, fft instanceof VectorNegacyclicFft, fft.getClass().getName());
    assertEquals(
        expectVector ? VectorNegacyclicFft.description() : "scalar",
        NegacyclicFfts.implementationName());
    assertTrue(NegacyclicFfts.create(1024) != fft, "one instance per call (scratch per thread)");
  }

  @Test
  void rejectsSizesThatAreNotPowersOfTwo() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ScalarNegacyclicFft(1000));
    assertTrue(e.getMessage().contains("1000"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ScalarNegacyclicFft(1));
  }

  /**
   * Twiddles from the octant-reduced evaluation are within 1 ulp of cos/sin of the exact angle,
   * computed independently by a 40-digit Taylor series.
   */
  @Test
  void twiddlesAreAccurateToOneUlp() {
    MathContext mc = new MathContext(40);
    BigDecimal pi = new BigDecimal("3.14159265358979323846264338327950288419716939937510");
    double[] cs = new double[2];
    double worst = 0;
    for (long q = 1; q <= 128; q *= 2) {
      for (long p = -q; p < 2 * q; p++) {
        FftTables.cisTurns(p, q, cs);
        BigDecimal a =
            pi.multiply(BigDecimal.valueOf(2 * Math.floorMod(p, q)))
                .divide(BigDecimal.valueOf(q), mc);
        BigDecimal cos = BigDecimal.ZERO;
        BigDecimal sin = BigDecimal.ZERO;
        BigDecimal term = BigDecimal.ONE; // a^k / k!
        for (int k = 0; k < 50; k++) {
          switch (k % 4) {
            case 0 -> cos = cos.add(term, mc);
            case 1 -> sin = sin.add(term, mc);
            case 2 -> cos = cos.subtract(term, mc);
            default -> sin = sin.subtract(term, mc);
          }
          term = term.multiply(a, mc).divide(BigDecimal.valueOf(k + 1), mc);
        }
        double ec = Math.abs(cs[0] - cos.doubleValue()) / Math.ulp(1.0);
        double es = Math.abs(cs[1] - sin.doubleValue()) / Math.ulp(1.0);
        worst = Math.max(worst, Math.max(ec, es));
        assertTrue(ec <= 1 && es <= 1, "2π·" + p + "/" + q + ": " + ec + ", " + es + " ulp");
      }
    }
    System.out.printf("twiddle worst error %.3f ulp(1)%n", worst);
  }
}
