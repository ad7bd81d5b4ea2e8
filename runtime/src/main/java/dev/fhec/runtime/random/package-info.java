/**
 * Randomness from the JDK only: {@link dev.fhec.runtime.random.Csprng} is the ChaCha20 keystream of
 * {@code javax.crypto} keyed by a {@link dev.fhec.runtime.random.Seed} (seedable for tests and for
 * regenerating public masks), and fresh seeds come from {@code SecureRandom.getInstance("DRBG")}.
 * No cipher is written here.
 */
package dev.fhec.runtime.random;
