package dev.fhec.spark;

/**
 * How the evaluation keys reach each executor, once per executor JVM (then cached there by the key
 * set's fingerprint). Only evaluation keys are ever shipped: the executor API takes no client key.
 */
public enum KeyShipping {
  /** A Spark broadcast of the key file's bytes (BitTorrent-like, executors also serve blocks). */
  BROADCAST,
  /** {@code SparkContext.addFile} of the key file: each executor downloads it from the driver. */
  FILE
}
