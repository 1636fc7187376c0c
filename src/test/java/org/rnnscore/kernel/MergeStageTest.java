package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.MergeLayer;

/** The merge stage on hand-made tensors: the (T·B)×W layout, and the AND of the inputs' masks. */
class MergeStageTest {
  private static final Batch TWO_ROWS = Batch.of(new int[] {2, 2}, 2);

  @Test
  void concatenate_joinsEachRowsFeaturesInInputOrder() {
    // Two steps × two rows: widths 1 and 2.
    Tensor a = Tensor.sequence(new float[] {1, 2, 3, 4}, 1, null);
    Tensor b = Tensor.sequence(new float[] {10, 11, 20, 21, 30, 31, 40, 41}, 2, null);
    Tensor out = new MergeStage(MergeLayer.of("c", MergeLayer.Op.CONCATENATE)).apply(List.of(a, b), TWO_ROWS);
    assertArrayEquals(new float[] {1, 10, 11, 2, 20, 21, 3, 30, 31, 4, 40, 41}, out.data);
    assertNull(out.mask);
  }

  @Test
  void add_andsTheMasks_anInputWithoutOneCountingAsAllTrue() {
    Tensor a = Tensor.sequence(new float[] {1, 2, 3, 4}, 1, new boolean[] {true, false, true, true});
    Tensor b = Tensor.sequence(new float[] {1, 1, 1, 1}, 1, new boolean[] {true, true, false, true});
    Tensor c = Tensor.sequence(new float[] {0, 0, 0, 1}, 1, null);
    Tensor out = new MergeStage(MergeLayer.of("add", MergeLayer.Op.ADD)).apply(List.of(a, b, c), TWO_ROWS);
    assertArrayEquals(new float[] {2, 3, 4, 6}, out.data);
    assertArrayEquals(new boolean[] {true, false, false, true}, out.mask);
  }

  @Test
  void subtractAverageMaximumMinimumMultiply_perValue() {
    Tensor a = Tensor.vector(new float[] {1, -2}, 1);
    Tensor b = Tensor.vector(new float[] {4, 3}, 1);
    assertArrayEquals(new float[] {-3, -5}, stage(MergeLayer.Op.SUBTRACT).apply(List.of(a, b), TWO_ROWS).data);
    assertArrayEquals(new float[] {2.5f, 0.5f}, stage(MergeLayer.Op.AVERAGE).apply(List.of(a, b), TWO_ROWS).data);
    assertArrayEquals(new float[] {4, 3}, stage(MergeLayer.Op.MAXIMUM).apply(List.of(a, b), TWO_ROWS).data);
    assertArrayEquals(new float[] {1, -2}, stage(MergeLayer.Op.MINIMUM).apply(List.of(a, b), TWO_ROWS).data);
    assertArrayEquals(new float[] {4, -6}, stage(MergeLayer.Op.MULTIPLY).apply(List.of(a, b), TWO_ROWS).data);
  }

  @Test
  void dot_perRow_andItsCosineWithNormalize() {
    Tensor a = Tensor.vector(new float[] {3, 4, 1, 0}, 2);
    Tensor b = Tensor.vector(new float[] {4, 3, 0, 2}, 2);
    assertArrayEquals(new float[] {24, 0}, stage(MergeLayer.Op.DOT).apply(List.of(a, b), TWO_ROWS).data);
    Tensor cosine = new MergeStage(new MergeLayer("dot", MergeLayer.Op.DOT, new int[] {1, 1}, true))
        .apply(List.of(a, b), TWO_ROWS);
    assertArrayEquals(new float[] {24f / 25f, 0}, cosine.data, 1e-7f);
  }

  private static MergeStage stage(MergeLayer.Op op) {
    return new MergeStage(MergeLayer.of("m", op));
  }
}
