package org.rnnscore.kernel;

import java.util.List;
import org.rnnscore.model.MergeLayer;

/**
 * A merge node ({@link MergeLayer}) over whole batches: its inputs come from one model input, so
 * they share the batch's layout (rows in the same sorted positions, the same steps), and the merge
 * is row-wise over the (T·B)×W or B×W matrices. The output mask is the AND of the inputs' masks
 * (an input without one counts as all-true); Dot gives vectors, which carry none.
 */
public final class MergeStage implements Stage {
  /** Keras' l2_normalize epsilon (x / sqrt(max(Σx², ε))). */
  private static final double L2_EPSILON = 1e-12;

  private final MergeLayer.Op op;
  private final boolean normalize;

  public MergeStage(MergeLayer layer) {
    this.op = layer.op();
    this.normalize = layer.normalize();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    return apply(List.of(input), batch);
  }

  @Override
  public Tensor apply(List<Tensor> inputs, Batch batch) {
    Tensor first = inputs.get(0);
    int rows = first.rows();
    for (Tensor t : inputs) {
      if (t.rows() != rows || t.sequence != first.sequence) {
        throw new IllegalArgumentException(op.kerasClass() + " inputs differ in layout: " + rows + " and " + t.rows()
            + " rows");
      }
    }
    if (op == MergeLayer.Op.DOT) {
      return Tensor.vector(dot(first, inputs.get(1)), 1);
    }
    float[] out;
    int width;
    if (op == MergeLayer.Op.CONCATENATE) {
      width = 0;
      for (Tensor t : inputs) {
        width += t.width;
      }
      out = new float[rows * width];
      int at = 0;
      for (Tensor t : inputs) {
        for (int r = 0; r < rows; r++) {
          System.arraycopy(t.data, r * t.width, out, r * width + at, t.width);
        }
        at += t.width;
      }
    } else {
      width = first.width;
      out = first.data.clone();
      for (int i = 1; i < inputs.size(); i++) {
        float[] x = inputs.get(i).data;
        switch (op) {
          case ADD, AVERAGE -> {
            for (int j = 0; j < out.length; j++) {
              out[j] += x[j];
            }
          }
          case SUBTRACT -> {
            for (int j = 0; j < out.length; j++) {
              out[j] -= x[j];
            }
          }
          case MULTIPLY -> {
            for (int j = 0; j < out.length; j++) {
              out[j] *= x[j];
            }
          }
          case MAXIMUM -> {
            for (int j = 0; j < out.length; j++) {
              out[j] = Math.max(out[j], x[j]);
            }
          }
          case MINIMUM -> {
            for (int j = 0; j < out.length; j++) {
              out[j] = Math.min(out[j], x[j]);
            }
          }
          default -> throw new IllegalStateException(op.name());
        }
      }
      if (op == MergeLayer.Op.AVERAGE) {
        float n = inputs.size();
        for (int j = 0; j < out.length; j++) {
          out[j] /= n;
        }
      }
    }
    if (!first.sequence) {
      return Tensor.vector(out, width);
    }
    return Tensor.sequence(out, width, andMasks(inputs));
  }

  private float[] dot(Tensor a, Tensor b) {
    int rows = a.rows();
    int w = a.width;
    float[] out = new float[rows];
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      double na = 0;
      double nb = 0;
      for (int j = 0; j < w; j++) {
        double x = a.data[r * w + j];
        double y = b.data[r * w + j];
        sum += x * y;
        na += x * x;
        nb += y * y;
      }
      if (normalize) {
        sum /= Math.sqrt(Math.max(na, L2_EPSILON)) * Math.sqrt(Math.max(nb, L2_EPSILON));
      }
      out[r] = (float) sum;
    }
    return out;
  }

  private static boolean[] andMasks(List<Tensor> inputs) {
    boolean[] mask = null;
    for (Tensor t : inputs) {
      if (t.mask == null) {
        continue;
      }
      if (mask == null) {
        mask = t.mask.clone();
      } else {
        for (int j = 0; j < mask.length; j++) {
          mask[j] &= t.mask[j];
        }
      }
    }
    return mask;
  }
}
