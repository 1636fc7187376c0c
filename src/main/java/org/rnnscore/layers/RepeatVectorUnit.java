package org.rnnscore.layers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.io.Generation;
import org.rnnscore.io.LayerConfigs;
import org.rnnscore.io.LayerKind;
import org.rnnscore.io.LayerSpec;
import org.rnnscore.kernel.Batch;
import org.rnnscore.kernel.Stage;
import org.rnnscore.kernel.StageFactory;
import org.rnnscore.kernel.Tensor;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.Shape;
import org.rnnscore.model.WeightArray;

/**
 * Keras {@code RepeatVector(n)}, whole: one vector of W values per row becomes a sequence of n
 * steps, each the vector (every LSTM autoencoder has one between its encoder and decoder). The
 * first layer kind written as one unit: its config ({@link Kind}), model layer ({@link
 * RepeatVectorLayer}) and kernel stage ({@link RepeatVectorStage}) are here and nowhere else.
 */
public final class RepeatVectorUnit implements LayerUnit {
  private static final Kind KIND = new Kind();

  @Override
  public LayerKind kind() {
    return KIND;
  }

  @Override
  public List<StageFactory<?>> stages() {
    return List.of(StageFactory.of(RepeatVectorLayer.class, RepeatVectorStage::new));
  }

  /** n is required, a positive integer (every Keras generation spells it so); no weights. */
  static final class Kind implements LayerKind {
    @Override
    public List<String> classNames() {
      return List.of("RepeatVector");
    }

    @Override
    public String supportedText() {
      return "RepeatVector";
    }

    @Override
    public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
      LayerConfigs.positiveInt(name, config, "n");
      return new LayerSpec(this, className, name, config, ordinal);
    }

    @Override
    public RepeatVectorLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
      return new RepeatVectorLayer(spec.name, LayerConfigs.positiveInt(spec.name, spec.config, "n"));
    }
  }

  /**
   * Every row gets n steps, whatever its input length; no mask leaves it (Keras 3's RepeatVector
   * has supports_masking=False, and its input, a vector, never carries one).
   */
  public static final class RepeatVectorLayer implements org.rnnscore.model.Layer {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final int n;

    /** @throws ModelFormatException when n is below 1 */
    public RepeatVectorLayer(String name, int n) {
      if (n < 1) {
        throw new ModelFormatException("layer '" + name + "' has n = " + n + ", expected at least 1");
      }
      this.name = name;
      this.n = n;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String kerasClass() {
      return "RepeatVector";
    }

    /** The number of steps every row gets. */
    public int n() {
      return n;
    }

    @Override
    public long paramCount() {
      return 0;
    }

    @Override
    public Shape outputShape(Shape input, String source) {
      if (input.sequence()) {
        throw new ModelFormatException("layer '" + name + "' (RepeatVector) needs one vector per row, but " + source
            + " gives a sequence (" + input.kerasText() + "); put it after a layer without return_sequences");
      }
      return Shape.sequence(n, input.width());
    }

    @Override
    public boolean mixesTime(Shape input) {
      return true;
    }

    @Override
    public String details() {
      return "n " + n;
    }

    @Override
    public boolean masksOutput(boolean maskIn) {
      return false;
    }

    @Override
    public boolean supportsMasking() {
      return false;
    }
  }

  /** B×W → (n·B)×W time-major: each step a copy of the batch's vectors; no mask (every row has n steps). */
  static final class RepeatVectorStage implements Stage {
    private final int n;

    RepeatVectorStage(RepeatVectorLayer layer) {
      this.n = layer.n();
    }

    @Override
    public Tensor apply(Tensor input, Batch batch) {
      if (input.sequence) {
        throw new IllegalArgumentException("RepeatVector needs one vector per row, given a sequence");
      }
      int block = batch.size * input.width; // one step of every row, already in time-major order
      float[] out = new float[n * block];
      for (int t = 0; t < n; t++) {
        System.arraycopy(input.data, 0, out, t * block, block);
      }
      return Tensor.sequence(out, input.width, null).laidOut(batch.withSteps(n));
    }
  }
}
