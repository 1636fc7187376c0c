package org.rnnscore.kernel;

import org.rnnscore.model.ClassOutputs;

/**
 * Turns one prediction's K raw values into the class outputs asked for ({@link ClassOutputs}):
 * probabilities, the label, the top k and the threshold decision, as the scoring pass writes them
 * beside (or instead of) the raw vector.
 *
 * <p>Softmax is exp(x − max) / Σ exp(x − max) and sigmoid 1 / (1 + exp(−x)), both in double and
 * rounded once to float. The label, the top k and the threshold read the scores: the
 * probabilities when softmax or sigmoid is asked for, else the raw values; so the label is always
 * the first of the top k. Ties go to the lower index.
 */
public final class ClassOutputValues {
  /** One prediction's class outputs; the fields not asked for are null (or 0 / false). */
  public record Step(float[] prob, int label, int[] topIndices, float[] topScores, boolean positive) {}

  private final ClassOutputs outputs;
  private final int k;
  private final int positive;
  private final boolean prob;

  /** @param k the model's K; the outputs must have been checked against the model */
  public ClassOutputValues(ClassOutputs outputs, int k) {
    this.outputs = outputs;
    this.k = k;
    this.positive = outputs.has(ClassOutputs.Item.THRESHOLD) ? outputs.positiveIndex(k) : -1;
    this.prob = outputs.scoresAreProbabilities();
  }

  /** The class outputs of the K raw values at {@code raw[offset..offset+K)}. */
  public Step compute(float[] raw, int offset) {
    float[] probabilities = prob ? probabilities(raw, offset) : null;
    float[] scores;
    int from;
    if (probabilities != null) {
      scores = probabilities;
      from = 0;
    } else {
      scores = raw;
      from = offset;
    }
    int label = outputs.has(ClassOutputs.Item.ARGMAX) ? argmax(scores, from) : 0;
    int[] topIndices = null;
    float[] topScores = null;
    if (outputs.topK() > 0) {
      topIndices = topIndices(scores, from, outputs.topK());
      topScores = new float[topIndices.length];
      for (int i = 0; i < topIndices.length; i++) {
        topScores[i] = scores[from + topIndices[i]];
      }
    }
    boolean isPositive = positive >= 0 && scores[from + positive] >= outputs.threshold();
    return new Step(probabilities, label, topIndices, topScores, isPositive);
  }

  private float[] probabilities(float[] raw, int offset) {
    float[] out = new float[k];
    if (outputs.softmax()) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        max = Math.max(max, raw[offset + i]);
      }
      double[] e = new double[k];
      double sum = 0;
      for (int i = 0; i < k; i++) {
        e[i] = Math.exp(raw[offset + i] - max);
        sum += e[i];
      }
      for (int i = 0; i < k; i++) {
        out[i] = (float) (e[i] / sum);
      }
    } else {
      for (int i = 0; i < k; i++) {
        out[i] = (float) (1.0 / (1.0 + Math.exp(-(double) raw[offset + i])));
      }
    }
    return out;
  }

  /** The index of the highest score; the lowest such index on ties. */
  private int argmax(float[] scores, int from) {
    int best = 0;
    for (int i = 1; i < k; i++) {
      if (scores[from + i] > scores[from + best]) {
        best = i;
      }
    }
    return best;
  }

  /** The n highest scores' indices, descending; among equal scores the lower index first. */
  private int[] topIndices(float[] scores, int from, int n) {
    int[] top = new int[n];
    boolean[] taken = new boolean[k];
    // n is a handful of classes: n passes over K beat sorting all K.
    for (int j = 0; j < n; j++) {
      int best = -1;
      for (int i = 0; i < k; i++) {
        if (!taken[i] && (best < 0 || scores[from + i] > scores[from + best])) {
          best = i;
        }
      }
      taken[best] = true;
      top[j] = best;
    }
    return top;
  }
}
