package dev.fhec.compiler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.report.GraphLayout.Layout;
import dev.fhec.compiler.report.GraphLayout.Placed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GraphLayoutTest {
  @Test
  void everyEdgePointsDownAndNoBoxesOverlapOnRandomDags() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      int n = 1 + rnd.nextInt(40);
      List<List<Integer>> ops = new ArrayList<>();
      List<Boolean> pinned = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<Integer> o = new ArrayList<>();
        int k = i == 0 ? 0 : rnd.nextInt(Math.min(i, 3) + 1);
        for (int j = 0; j < k; j++) {
          o.add(rnd.nextInt(i));
        }
        ops.add(o);
        pinned.add(rnd.nextBoolean());
      }
      Layout l = GraphLayout.layout(ops, pinned);
      for (int i = 0; i < n; i++) {
        for (int o : ops.get(i)) {
          assertTrue(l.node(o).layer() < l.node(i).layer(), "edge " + o + "->" + i);
          assertTrue(l.node(o).y() < l.node(i).y());
        }
        Placed p = l.node(i);
        assertTrue(p.x() >= 0 && p.x() + GraphLayout.BOX_WIDTH <= l.width());
        assertTrue(p.y() >= 0 && p.y() + GraphLayout.BOX_HEIGHT <= l.height());
        for (int j = 0; j < i; j++) {
          Placed q = l.node(j);
          boolean apart =
              p.x() + GraphLayout.BOX_WIDTH <= q.x()
                  || q.x() + GraphLayout.BOX_WIDTH <= p.x()
                  || p.y() + GraphLayout.BOX_HEIGHT <= q.y()
                  || q.y() + GraphLayout.BOX_HEIGHT <= p.y();
          assertTrue(apart, "nodes " + i + " and " + j + " overlap");
        }
      }
    }
  }

  @Test
  void constantsSitJustAboveTheirFirstConsumer() {
    // 0 input -> 1 -> 2 -> 3 = f(2, 4 constant)
    List<List<Integer>> ops = List.of(List.of(), List.of(0), List.of(1), List.of(), List.of(2, 3));
    Layout l = GraphLayout.layout(ops, List.of(true, false, false, false, false));
    assertEquals(0, l.node(0).layer());
    assertEquals(3, l.node(4).layer());
    assertEquals(2, l.node(3).layer());
  }

  @Test
  void barycenterOrderingRemovesAnAvoidableCrossing() {
    // Inputs a=0, b=1; c=2 reads b, d=3 reads a: in id order the two edges cross.
    List<List<Integer>> ops = List.of(List.of(), List.of(), List.of(1), List.of(0));
    Layout l = GraphLayout.layout(ops, Collections.nCopies(4, true));
    assertEquals(0, GraphLayout.adjacentCrossings(l, ops));
  }

  @Test
  void rejectsAForwardReference() {
    Exception e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GraphLayout.layout(List.of(List.of(1), List.of()), List.of(true, true)));
    assertFalse(e.getMessage().isEmpty());
  }
}
