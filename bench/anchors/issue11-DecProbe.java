// Standalone side-by-side probe (not part of the build) for bench/RESULTS.md "## #11 decomposition
// (session 2026-12-05b)": the two-level digits of X^t·P − P as doubles, the runtime's two-pass loop
// ("old") against one pass with the high digit in a long[] (A), a double[] (B) or an int[] (C)
// scratch; checks bit-identity, then times each in one JVM, alternating. Run:
//   cd /tmp && cp .../issue11-DecProbe.java DecProbe.java && javac DecProbe.java && java DecProbe 4096 15
import java.util.*;
public class DecProbe {
  static int b = 15, L = 2, shift = 64 - 30; static long mask = (1L<<15)-1;
  static long[] scratchL = new long[8192]; static double[] scratchD = new double[8192];
  // old: two passes
  static void old(long[] in, int inOff, int from, int to, int delta, long m, int n, double[] out, int outOff) {
    int bm1 = b-1; int s = shift; int src = inOff + delta; long half = 1L << (s-1);
    long mk = mask; int o1 = outOff + n;
    for (int j = from; j < to; j++) {
      long v = ((in[src + j] ^ m) - m) - in[inOff + j];
      long st = (v + half) >>> s;
      long low = st & mk;
      long carry = (((low - 1) | (st >>> b)) & low) >>> bm1;
      out[o1 + j] = low - (carry << b);
    }
    for (int j = from; j < to; j++) {
      long v = ((in[src + j] ^ m) - m) - in[inOff + j];
      long st = (v + half) >>> s;
      long low = st & mk;
      long high = st >>> b;
      long carry = (((low - 1) | high) & low) >>> bm1;
      long top = (high + carry) & mk;
      long carryTop = ((top - 1) & top) >>> bm1;
      out[outOff + j] = top - (carryTop << b);
    }
  }
  // A: pass1 low + carried high state to long scratch; pass2 top from scratch
  static void varA(long[] in, int inOff, int from, int to, int delta, long m, int n, double[] out, int outOff) {
    int bm1 = b-1; int s = shift; int src = inOff + delta; long half = 1L << (s-1);
    long mk = mask; int o1 = outOff + n; long[] hi = scratchL;
    for (int j = from; j < to; j++) {
      long v = ((in[src + j] ^ m) - m) - in[inOff + j];
      long st = (v + half) >>> s;
      long low = st & mk;
      long high = st >>> b;
      long carry = (((low - 1) | high) & low) >>> bm1;
      out[o1 + j] = low - (carry << b);
      hi[j] = high + carry;
    }
    for (int j = from; j < to; j++) {
      long top = hi[j] & mk;
      long carryTop = ((top - 1) & top) >>> bm1;
      out[outOff + j] = top - (carryTop << b);
    }
  }
  // B: one pass, top digit to double scratch, then arraycopy
  static void varB(long[] in, int inOff, int from, int to, int delta, long m, int n, double[] out, int outOff) {
    int bm1 = b-1; int s = shift; int src = inOff + delta; long half = 1L << (s-1);
    long mk = mask; int o1 = outOff + n; double[] hi = scratchD;
    for (int j = from; j < to; j++) {
      long v = ((in[src + j] ^ m) - m) - in[inOff + j];
      long st = (v + half) >>> s;
      long low = st & mk;
      long high = st >>> b;
      long carry = (((low - 1) | high) & low) >>> bm1;
      out[o1 + j] = low - (carry << b);
      long top = (high + carry) & mk;
      long carryTop = ((top - 1) & top) >>> bm1;
      hi[j] = top - (carryTop << b);
    }
    System.arraycopy(hi, from, out, outOff + from, to - from);
  }
  static int[] scratchI = new int[8192];
  static void varC(long[] in, int inOff, int from, int to, int delta, long m, int n, double[] out, int outOff) {
    int bm1 = b-1; int s = shift; int src = inOff + delta; long half = 1L << (s-1);
    long mk = mask; int o1 = outOff + n; int[] hi = scratchI;
    for (int j = from; j < to; j++) {
      long v = ((in[src + j] ^ m) - m) - in[inOff + j];
      long st = (v + half) >>> s;
      long low = st & mk;
      long high = st >>> b;
      long carry = (((low - 1) | high) & low) >>> bm1;
      out[o1 + j] = low - (carry << b);
      long top = (high + carry) & mk;
      long carryTop = ((top - 1) & top) >>> bm1;
      hi[j] = (int) (top - (carryTop << b));
    }
    for (int j = from; j < to; j++) {
      out[outOff + j] = hi[j];
    }
  }
  interface R { void run(long[] in, int inOff, int from, int to, int delta, long m, int n, double[] out, int outOff); }
  static void full(R r, long[] in, int n, int t, double[] out) {
    boolean negate = t >= n; int s = negate ? t - n : t; long lowSign = negate ? 0L : -1L;
    r.run(in, 0, 0, s, n - s, lowSign, n, out, 0);
    r.run(in, 0, s, n, -s, ~lowSign, n, out, 0);
  }
  public static void main(String[] a) {
    int n = Integer.parseInt(a[0]); b = Integer.parseInt(a[1]); L = 2; shift = 64 - 2*b; mask = (1L<<b)-1;
    Random rnd = new Random(1); long[] in = new long[n]; for (int i=0;i<n;i++) in[i]=rnd.nextLong();
    double[] o0 = new double[2*n], o1 = new double[2*n], o2 = new double[2*n];
    R[] all = {DecProbe::varA, DecProbe::varB, DecProbe::varC};
    for (int t = 0; t < 2*n; t += 7) {
      full(DecProbe::old, in, n, t, o0);
      for (R v : all) { full(v, in, n, t, o1); if (!Arrays.equals(o0, o1)) throw new AssertionError("diff at t=" + t); }
    }
    R[] rs = {DecProbe::old, DecProbe::varA, DecProbe::varB, DecProbe::varC}; String[] names = {"old","A","B","C"};
    int reps = 20000; double[] out = new double[2*n];
    for (int round = 0; round < 5; round++) {
      for (int v = 0; v < rs.length; v++) {
        R r = rs[v];
        for (int i = 0; i < reps; i++) full(r, in, n, (i * 2654435761L & (2*n-1)) == 0 ? 1 : (int)(i * 2654435761L & (2*n-1)), out);
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) full(r, in, n, (i * 2654435761L & (2*n-1)) == 0 ? 1 : (int)(i * 2654435761L & (2*n-1)), out);
        long t1 = System.nanoTime();
        System.out.printf("%s %.2f us%n", names[v], (t1 - t0) / 1e3 / reps);
      }
    }
  }
}
