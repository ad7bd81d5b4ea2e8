/**
 * TFHE algorithms, one per class: encoding, LWE/GLWE/GGSW encryption, leveled operations, gadget
 * decomposition, modulus switch, keyswitch, blind rotation with inlined CMux, sample extraction,
 * test polynomials (single and many-LUT), the KS → PBS atomic pattern and its multi-core batch.
 * Classes holding scratch buffers ({@link dev.fhec.runtime.algorithms.BlindRotation}, {@link
 * dev.fhec.runtime.algorithms.Keyswitch}, {@link
 * dev.fhec.runtime.algorithms.ProgrammableBootstrap}) are one per thread.
 */
package dev.fhec.runtime.algorithms;
