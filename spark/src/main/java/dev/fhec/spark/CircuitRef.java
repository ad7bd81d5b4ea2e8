package dev.fhec.spark;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * A circuit as tasks carry it: its digest (the cache key on executors) and its text form ({@link
 * dev.fhec.runtime.circuit.CircuitText}, which parses back to the same digest) as a broadcast.
 */
record CircuitRef(String digest, Broadcast<String> text) implements Serializable {}
