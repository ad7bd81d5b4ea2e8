/**
 * Running circuits: the encrypted executor ({@link dev.fhec.runtime.exec.CircuitExecutor}) on the
 * server, encryption and decryption of integer tensors ({@link
 * dev.fhec.runtime.exec.ClientTensors}) on the client, and the cleartext simulator that must agree
 * with both.
 */
package dev.fhec.runtime.exec;
