package dev.fhec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SliceSizeTest {
  private static final SparkCircuitExecutor.Options O = SparkCircuitExecutor.Options.defaults();

  private static int tasks(int n, int cores) {
    int size = SparkCircuitExecutor.sliceSize(n, cores, O);
    return (n + size - 1) / size;
  }

  @Test
  void smallLookupsUseAtMostOneWaveAndLargeOnesAboutTwoTasksPerCore() {
    assertEquals(1, tasks(1, 2));
    assertEquals(1, tasks(2, 2), "never fewer than minSlice bootstraps per task");
    assertEquals(2, tasks(6, 2), "6 on 2 cores: 2 tasks of 3, not 3 tasks in two waves");
    assertEquals(2, tasks(8, 2));
    assertEquals(4, tasks(2304, 2));
    // 27,648 on 1,024 cores: slices of 14 (13.5 rounded up), so 1,975 tasks in two waves.
    assertEquals(1975, tasks(27648, 1024));
    assertEquals(3, tasks(6, 1024), "a 6-element lookup on a large cluster: 3 tasks of 2");
    for (int n = 1; n < 3000; n += 7) {
      for (int cores : new int[] {1, 2, 16, 64}) {
        int size = SparkCircuitExecutor.sliceSize(n, cores, O);
        assertTrue(size >= Math.min(n, O.minSlice()), n + " on " + cores);
        assertTrue(tasks(n, cores) <= Math.max(1, cores * O.slicesPerCore()), n + " on " + cores);
      }
    }
  }
}
