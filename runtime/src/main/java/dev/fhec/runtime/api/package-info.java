/**
 * The client/server API of a deployment: {@link dev.fhec.runtime.api.FheClient} generates the keys,
 * exports the evaluation keys, encrypts inputs and decrypts outputs; {@link
 * dev.fhec.runtime.api.FheServer} hosts circuits, accepts evaluation keys (never a secret key) and
 * runs circuits on ciphertexts. Everything that crosses between the two is a format-v2 {@link
 * dev.fhec.runtime.io.FhecFiles} byte array, bound to one key set and one circuit.
 */
package dev.fhec.runtime.api;
