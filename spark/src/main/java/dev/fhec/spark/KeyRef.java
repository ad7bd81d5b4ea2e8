package dev.fhec.spark;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * What a task carries to find the evaluation keys on its executor: their fingerprint (the cache
 * key) and where to load them from the first time, a broadcast or a file added to the context.
 *
 * @param fingerprint SHA-256 of the shipped key file, hex
 * @param bytes the key file as a broadcast ({@link KeyShipping#BROADCAST}), else null
 * @param fileName the name given to {@code SparkContext.addFile} ({@link KeyShipping#FILE}), else
 *     null
 */
record KeyRef(String fingerprint, Broadcast<byte[]> bytes, String fileName)
    implements Serializable {}
