package dev.fhec.spark;

import dev.fhec.runtime.fft.NegacyclicFfts;
import org.apache.spark.api.java.function.Function;

/**
 * Which FFT a JVM runs, as a Spark function: a class of its own, so that executors load it without
 * the test class that uses it (and its JUnit references, which executors do not have).
 */
final class FftName implements Function<Integer, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String call(Integer ignored) {
    return NegacyclicFfts.implementationName();
  }
}
