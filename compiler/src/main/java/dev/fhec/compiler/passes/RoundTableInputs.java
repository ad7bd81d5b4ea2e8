package dev.fhec.compiler.passes;

import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code round-table-inputs} (option {@code --round-to=R}): a table lookup whose input needs more
 * than R bits reads it rounded to its R most significant bits instead, through a {@link
 * Op.RoundBits} node inserted before it; the table is then indexed by the rounded value.
 *
 * <p>Why: bootstrap cost grows 2–3× per bit above ~4 bits and tables stop at 16 bits
 * (reference/compiler.md §8.7); Concrete-ML rounds every wide TLU input to 6 MSBs for its GPT-2
 * head (attention.md §5.4). The number of removed bits l is the smallest that makes the rounded
 * range fit R bits: rounding the maximum up can carry into one more bit, which then costs one more
 * removed bit rather than one more table bit.
 *
 * <p>Approximate rounding (the default) costs no bootstrap: the lookup's modulus switch rounds, and
 * a value within the noise of a tie (x ≡ 2^(l−1) mod 2^l) may round either way, so the result can
 * be off by one table step (Concrete's APPROXIMATE exactness, compiler.md §9); the clear simulator
 * rounds ties up, as {@link ReferenceEvaluator#roundBits(long, int)}. Exact rounding would cost one
 * bootstrap per removed bit; its lowering is not implemented yet.
 */
public final class RoundTableInputs implements Pass {
  public static final String NAME = "round-table-inputs";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Property> requires() {
    return Set.of(Property.FUSED, Property.BOUNDED);
  }

  @Override
  public Set<Property> establishes() {
    return Set.of(Property.ROUNDED);
  }

  @Override
  public Program run(Program program, PassContext context) {
    if (context.options().roundTo().isEmpty()) {
      return program;
    }
    int target = context.options().roundTo().getAsInt();
    boolean exact = context.options().exactRounding();
    List<Node> out = new ArrayList<>();
    int[] map = new int[program.nodes().size()];
    for (Node n : program.nodes()) {
      Op op = Rewrites.remap(n.op(), x -> map[x]);
      if (op instanceof Op.TableLookup t) {
        Node in = program.node(((Op.TableLookup) n.op()).x());
        Bounds b =
            in.bounds()
                .orElseThrow(() -> PassErrors.at(NAME, in, "no bounds; run measure-bounds first"));
        if (b.bitWidth() > target && !(in.op() instanceof Op.RoundBits)) {
          int lsbs = lsbsToRemove(b, target);
          Bounds rounded =
              new Bounds(
                  ReferenceEvaluator.roundBits(b.min(), lsbs),
                  ReferenceEvaluator.roundBits(b.max(), lsbs));
          int id = out.size();
          out.add(
              new Node(
                  id,
                  new Op.RoundBits(t.x(), lsbs, exact),
                  in.type(),
                  Optional.of(rounded),
                  new Location.Derived(NAME, n.location())));
          op = new Op.TableLookup(id, t.function());
        }
      }
      map[n.id()] = out.size();
      out.add(new Node(out.size(), op, n.type(), n.bounds(), n.location()));
    }
    return new Program(program.name(), out, program.outputs().stream().map(o -> map[o]).toList());
  }

  /** Smallest l such that round(x / 2^l) over the bounds fits {@code target} bits. */
  public static int lsbsToRemove(Bounds b, int target) {
    for (int l = Math.max(1, b.bitWidth() - target); l < 63; l++) {
      Bounds r =
          new Bounds(
              ReferenceEvaluator.roundBits(b.min(), l) >> l,
              ReferenceEvaluator.roundBits(b.max(), l) >> l);
      if (r.bitWidth() <= target) {
        return l;
      }
    }
    throw new IllegalArgumentException("cannot round " + b + " to " + target + " bits");
  }
}
