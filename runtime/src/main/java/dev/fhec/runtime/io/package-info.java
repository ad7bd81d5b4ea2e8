/**
 * Binary files for keys and ciphertexts ({@link dev.fhec.runtime.io.FhecFiles}): magic, format
 * version, kind, parameter fingerprint, CRC32C, seeded compressed forms; every unusable file is a
 * {@link dev.fhec.runtime.io.CorruptFileException} with a one-line message.
 */
package dev.fhec.runtime.io;
