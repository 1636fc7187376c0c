package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.ClassOutputs;

/** The class outputs against a plain reference written here: softmax/sigmoid in double, sorts by (score desc, index). */
class ClassOutputValuesTest {
  private static ClassOutputs outputs(String spec, String positive) {
    return ClassOutputs.parse(spec, List.of(), positive, "--outputs");
  }

  /** The reference: the indices sorted by score descending, then index ascending. */
  private static int[] reference(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void ties_goToTheLowerIndex_inTheLabelAndTheTopK() {
    ClassOutputValues values = new ClassOutputValues(outputs("argmax,top-k=4,threshold=3", "2"), 5);
    float[] raw = {1f, 3f, 3f, 0f, 3f, 9f}; // at offset 0: three tied maxima at 1, 2, 4
    ClassOutputValues.Step step = values.compute(raw, 0);
    assertEquals(1, step.label());
    assertArrayEquals(new int[] {1, 2, 4, 0}, step.topIndices());
    assertArrayEquals(new float[] {3f, 3f, 3f, 1f}, step.topScores());
    assertEquals(true, step.positive(), "score 3 ≥ threshold 3: at the threshold is positive");
    assertNull(step.prob(), "no probabilities asked for");
    ClassOutputValues.Step shifted = values.compute(raw, 1); // 3, 3, 0, 3, 9
    assertEquals(4, shifted.label());
    assertArrayEquals(new int[] {4, 0, 1, 3}, shifted.topIndices());
  }

  @Test
  void softmaxAndSigmoid_equalTheDoubleReference_andScoreTheLabelAndTopK() {
    Random random = new Random(13);
    for (int k : new int[] {1, 2, 3, 7, 10}) {
      for (int trial = 0; trial < 50; trial++) {
        float[] raw = new float[k + 2];
        for (int i = 0; i < raw.length; i++) {
          raw[i] = (float) (random.nextGaussian() * (trial < 25 ? 3 : 40)); // 40: exp would overflow without the max
        }
        if (trial % 5 == 0 && k > 2) {
          raw[1 + 2] = raw[1]; // a tie
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
          max = Math.max(max, raw[1 + i]);
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
          sum += Math.exp(raw[1 + i] - max);
        }
        double[] softmax = new double[k];
        double[] sigmoid = new double[k];
        for (int i = 0; i < k; i++) {
          softmax[i] = Math.exp(raw[1 + i] - max) / sum;
          sigmoid[i] = 1 / (1 + Math.exp(-raw[1 + i]));
        }
        int n = Math.min(3, k);
        for (boolean isSoftmax : new boolean[] {true, false}) {
          String spec = (isSoftmax ? "softmax" : "sigmoid") + (k > 1 ? ",argmax" : "") + ",top-k=" + n
              + ",threshold=0.5";
          ClassOutputValues.Step step = new ClassOutputValues(outputs(spec, null), k).compute(raw, 1);
          double[] want = isSoftmax ? softmax : sigmoid;
          double[] rounded = new double[k];
          for (int i = 0; i < k; i++) {
            assertEquals(want[i], step.prob()[i], 1e-7 * Math.max(1, want[i]), spec + " k=" + k + " i=" + i);
            rounded[i] = step.prob()[i];
          }
          // Ranked on the float scores written out, so that the columns agree with each other.
          int[] order = reference(rounded);
          if (k > 1) {
            assertEquals(order[0], step.label(), spec);
          }
          assertArrayEquals(Arrays.copyOf(order, n), step.topIndices(), spec);
          for (int j = 0; j < n; j++) {
            assertEquals(step.prob()[order[j]], step.topScores()[j], spec);
          }
          assertEquals(rounded[k - 1] >= 0.5, step.positive(), spec + ": positive class K-1 by default");
        }
      }
    }
  }

  @Test
  void withoutProbabilities_theRawValuesAreTheScores() {
    ClassOutputValues values = new ClassOutputValues(outputs("raw,top-k=2,threshold=-1", "0"), 3);
    ClassOutputValues.Step step = values.compute(new float[] {-2f, 5f, 4f}, 0);
    assertArrayEquals(new int[] {1, 2}, step.topIndices());
    assertArrayEquals(new float[] {5f, 4f}, step.topScores());
    assertEquals(false, step.positive(), "raw[0] = -2 < -1");
  }
}
