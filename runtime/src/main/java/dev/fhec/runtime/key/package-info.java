/**
 * The client key (secret) and the evaluation keys (public: bootstrapping and keyswitching keys),
 * and their generation from a {@link dev.fhec.runtime.params.ParameterSet}. Named {@code key} (not
 * {@code keys}) because the repository ignores directories called {@code keys/}.
 */
package dev.fhec.runtime.key;
