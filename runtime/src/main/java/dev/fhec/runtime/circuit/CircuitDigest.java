package dev.fhec.runtime.circuit;

import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over a canonical encoding of every component of a {@link Circuit} (name, plan, values,
 * constants, tables, instructions, inputs, outputs). Independent of any file format, so a circuit
 * read back from JSON or text has the digest it was written with.
 */
public final class CircuitDigest {
  public static final int LENGTH = 32;

  private final MessageDigest md;
  private final ByteBuffer buf = ByteBuffer.allocate(8);

  private CircuitDigest() {
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  /**
   * A keyswitch's kind and width in one code: the kind's ordinal, plus {@value #BITS32_FLAG} for a
   * 32-bit keyswitch, so circuits of 64-bit keyswitches keep the digests (and key files the plans)
   * they were written with, and a reader that predates the flag refuses it as an unknown kind.
   */
  public static int kindCode(KeyswitchSpec k) {
    return k.kind().ordinal() + (k.bits32() ? BITS32_FLAG : 0);
  }

  /** The flag of a 32-bit keyswitch in {@link #kindCode}. */
  public static final int BITS32_FLAG = 0x100;

  public static byte[] of(Circuit c) {
    CircuitDigest d = new CircuitDigest();
    d.i(c.formatVersion());
    d.s(c.name());
    d.i(c.plan().size());
    for (ParameterSet p : c.plan().partitions()) {
      d.s(p.name());
      d.i(p.n());
      d.i(p.k());
      d.i(p.bigN());
      d.dec(p.pbs());
      d.dec(p.ks());
      d.l(Double.doubleToLongBits(p.lweNoiseStd()));
      d.l(Double.doubleToLongBits(p.glweNoiseStd()));
    }
    d.i(c.plan().keyswitches().size());
    for (KeyswitchSpec k : c.plan().keyswitches()) {
      d.i(k.from());
      d.i(k.to());
      d.i(kindCode(k));
      d.dec(k.decomposition());
    }
    d.i(c.values().size());
    for (ValueInfo v : c.values()) {
      d.ints(v.shape());
      d.i(v.width());
      d.i((v.signed() ? 1 : 0) | (v.encrypted() ? 2 : 0));
      d.i(v.partition());
    }
    d.i(c.constants().size());
    for (ClearTensor t : c.constants()) {
      d.ints(t.shape());
      for (int i = 0; i < t.size(); i++) {
        d.l(t.at(i));
      }
    }
    d.i(c.tables().size());
    for (LookupTable t : c.tables()) {
      d.i(t.inputWidth());
      for (int i = 0; i < 1 << t.inputWidth(); i++) {
        d.l(t.at(i));
      }
    }
    d.i(c.instructions().size());
    for (Instruction ins : c.instructions()) {
      d.instruction(ins);
    }
    d.ints(c.inputs().stream().mapToInt(Integer::intValue).toArray());
    d.ints(c.outputs().stream().mapToInt(Integer::intValue).toArray());
    return d.md.digest();
  }

  private void instruction(Instruction ins) {
    // A distinct tag per kind, then the kind's own fields beyond out and operands.
    int tag =
        switch (ins) {
          case Instruction.Input in -> {
            i(1);
            yield in.index();
          }
          case Instruction.AddEE op -> 2;
          case Instruction.SubEE op -> 3;
          case Instruction.Neg op -> 4;
          case Instruction.AddEC op -> {
            i(5);
            yield op.constant();
          }
          case Instruction.SubCE op -> {
            i(6);
            yield op.constant();
          }
          case Instruction.MulEC op -> {
            i(7);
            yield op.constant();
          }
          case Instruction.MatMulEC op -> {
            i(8);
            yield op.constant();
          }
          case Instruction.MatMulCE op -> {
            i(9);
            yield op.constant();
          }
          case Instruction.Sum op -> {
            i(10);
            ints(op.axes());
            yield op.keepDims() ? 1 : 0;
          }
          case Instruction.Gather op -> {
            i(11);
            ints(op.source());
            ints(op.element());
            yield 0;
          }
          case Instruction.Tlu op -> {
            i(12);
            ints(op.tables());
            yield op.partition();
          }
          case Instruction.Keyswitch op -> 13;
          case Instruction.Reinterpret op -> 15;
          case Instruction.ManyTlu op -> {
            i(14);
            ints(op.tables());
            yield op.partition();
          }
        };
    i(tag);
    i(ins.out());
    ints(ins.operands());
  }

  private void dec(Decomposition d) {
    i(d.baseLog());
    i(d.levels());
  }

  private void ints(int[] v) {
    i(v.length);
    for (int x : v) {
      i(x);
    }
  }

  private void s(String v) {
    byte[] b = v.getBytes(StandardCharsets.UTF_8);
    i(b.length);
    md.update(b);
  }

  private void i(int v) {
    buf.clear();
    buf.putInt(v);
    md.update(buf.array(), 0, 4);
  }

  private void l(long v) {
    buf.clear();
    buf.putLong(v);
    md.update(buf.array(), 0, 8);
  }
}
