/**
 * TFHE data: secret keys, LWE and GLWE ciphertexts, the Fourier-domain bootstrapping key and the
 * keyswitching key. Plain containers over {@code long[]}/{@code double[]} so that the algorithms in
 * {@link dev.fhec.runtime.algorithms} run allocation-free on preallocated buffers.
 */
package dev.fhec.runtime.entities;
