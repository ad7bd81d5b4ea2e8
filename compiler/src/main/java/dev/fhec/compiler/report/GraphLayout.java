package dev.fhec.compiler.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A layered (Sugiyama-style) drawing of a DAG given in SSA order, computed here so the HTML report
 * needs no layout library in the browser.
 *
 * <p>Steps: (1) longest-path layering from the sources; (2) sources without operands that are not
 * program inputs (constants) move down next to their first consumer, so they do not crowd the top
 * row; (3) four barycenter sweeps (down, up, down, up) order each layer to reduce crossings
 * (Sugiyama, Tagawa, Toda 1981); (4) each layer is centred horizontally.
 */
public final class GraphLayout {
  /** Box size and gaps in SVG user units. */
  public static final int BOX_WIDTH = 150;

  public static final int BOX_HEIGHT = 40;
  public static final int H_GAP = 22;
  public static final int V_GAP = 46;
  public static final int MARGIN = 16;

  /** A placed node: its layer, its order inside the layer, and its top-left corner. */
  public record Placed(int id, int layer, int order, int x, int y) {}

  /** A finished layout. */
  public record Layout(List<Placed> nodes, int width, int height, int layers) {
    public Placed node(int id) {
      return nodes.get(id);
    }
  }

  private GraphLayout() {}

  /**
   * Lays out nodes 0..operands.size()−1, where node i reads the ids {@code operands.get(i)} (all
   * smaller than i). {@code pinnedTop.get(i)} keeps a source node on the top layer (inputs).
   */
  public static Layout layout(List<List<Integer>> operands, List<Boolean> pinnedTop) {
    int n = operands.size();
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      users.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      for (int o : operands.get(i)) {
        if (o < 0 || o >= i) {
          throw new IllegalArgumentException("node " + i + " reads " + o + ", not an earlier node");
        }
        users.get(o).add(i);
      }
    }
    int[] layer = new int[n];
    for (int i = 0; i < n; i++) {
      for (int o : operands.get(i)) {
        layer[i] = Math.max(layer[i], layer[o] + 1);
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      if (operands.get(i).isEmpty() && !pinnedTop.get(i) && !users.get(i).isEmpty()) {
        int min = Integer.MAX_VALUE;
        for (int u : users.get(i)) {
          min = Math.min(min, layer[u]);
        }
        layer[i] = Math.max(0, min - 1);
      }
    }
    int layers = 0;
    for (int l : layer) {
      layers = Math.max(layers, l + 1);
    }
    List<List<Integer>> rows = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      rows.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      rows.get(layer[i]).add(i);
    }
    double[] pos = new double[n];
    assign(rows, pos);
    for (int sweep = 0; sweep < 4; sweep++) {
      boolean down = sweep % 2 == 0;
      for (int s = 1; s < layers; s++) {
        int l = down ? s : layers - 1 - s;
        List<Integer> row = rows.get(l);
        double[] key = new double[n];
        for (int v : row) {
          List<Integer> nbrs = down ? operands.get(v) : users.get(v);
          key[v] =
              nbrs.isEmpty() ? pos[v] : nbrs.stream().mapToDouble(x -> pos[x]).average().orElse(0);
        }
        row.sort(Comparator.comparingDouble((Integer v) -> key[v]).thenComparingInt(v -> v));
        assign(rows, pos);
      }
    }
    int widest = rows.stream().mapToInt(List::size).max().orElse(0);
    int width = 2 * MARGIN + Math.max(1, widest) * (BOX_WIDTH + H_GAP) - H_GAP;
    int height = 2 * MARGIN + Math.max(1, layers) * (BOX_HEIGHT + V_GAP) - V_GAP;
    Placed[] placed = new Placed[n];
    for (int l = 0; l < layers; l++) {
      List<Integer> row = rows.get(l);
      int rowWidth = row.size() * (BOX_WIDTH + H_GAP) - H_GAP;
      int x0 = (width - rowWidth) / 2;
      for (int j = 0; j < row.size(); j++) {
        int v = row.get(j);
        placed[v] =
            new Placed(v, l, j, x0 + j * (BOX_WIDTH + H_GAP), MARGIN + l * (BOX_HEIGHT + V_GAP));
      }
    }
    return new Layout(Arrays.asList(placed), width, height, layers);
  }

  private static void assign(List<List<Integer>> rows, double[] pos) {
    for (List<Integer> row : rows) {
      // Positions normalised to the layer's centre so layers of different widths compare.
      for (int j = 0; j < row.size(); j++) {
        pos[row.get(j)] = j - (row.size() - 1) / 2.0;
      }
    }
  }

  /** Number of edge crossings between adjacent layers only (for tests and diagnostics). */
  public static int adjacentCrossings(Layout layout, List<List<Integer>> operands) {
    List<int[]> edges = new ArrayList<>();
    for (int i = 0; i < operands.size(); i++) {
      for (int o : operands.get(i)) {
        if (layout.node(i).layer() == layout.node(o).layer() + 1) {
          edges.add(new int[] {o, i});
        }
      }
    }
    int crossings = 0;
    for (int a = 0; a < edges.size(); a++) {
      for (int b = a + 1; b < edges.size(); b++) {
        Placed s1 = layout.node(edges.get(a)[0]);
        Placed t1 = layout.node(edges.get(a)[1]);
        Placed s2 = layout.node(edges.get(b)[0]);
        Placed t2 = layout.node(edges.get(b)[1]);
        if (s1.layer() != s2.layer()) {
          continue;
        }
        if (Integer.signum(s1.order() - s2.order()) * Integer.signum(t1.order() - t2.order()) < 0) {
          crossings++;
        }
      }
    }
    return crossings;
  }
}
