package org.rnnscore.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.rnnscore.model.ActivationFunctionLayer;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BatchNormalizationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LayerNormalizationLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.PReluLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;

/** Field-by-field model equality (the model classes have no equals): every layer, option and weight. */
public final class ModelAssertions {
  private ModelAssertions() {}

  /** Same layers, options, weights (names, shapes, values) and declared timesteps; input names are not compared. */
  public static void assertSameModel(RnnModel expected, RnnModel actual) {
    assertEquals(expected.declaredTimesteps(), actual.declaredTimesteps(), "declared timesteps");
    assertEquals(expected.layers().size(), actual.layers().size(), "layer count: " + classes(actual));
    for (int i = 0; i < expected.layers().size(); i++) {
      assertSameLayer(expected.layers().get(i), actual.layers().get(i), "layer " + i);
    }
    assertEquals(expected.inputFrame(), actual.inputFrame(), "input frame");
    assertEquals(expected.outputShapes(), actual.outputShapes(), "output shapes");
    assertEquals(expected.paramCount(), actual.paramCount(), "param count");
  }

  private static String classes(RnnModel model) {
    StringBuilder text = new StringBuilder();
    for (Layer layer : model.layers()) {
      text.append(text.length() == 0 ? "" : ", ").append(layer.kerasClass()).append(" '").append(layer.name()).append("'");
    }
    return text.toString();
  }

  public static void assertSameLayer(Layer want, Layer got, String position) {
    String where = position + " (" + want.name() + ")";
    assertEquals(want.name(), got.name(), where);
    assertEquals(want.getClass(), got.getClass(), where);
    assertEquals(want.kerasClass(), got.kerasClass(), where);
    assertEquals(want.paramCount(), got.paramCount(), where + " params");
    if (want instanceof RecurrentLayer) {
      assertSameRecurrent((RecurrentLayer) want, (RecurrentLayer) got, where);
    } else if (want instanceof BidirectionalLayer) {
      BidirectionalLayer w = (BidirectionalLayer) want;
      BidirectionalLayer g = (BidirectionalLayer) got;
      assertEquals(w.mergeMode(), g.mergeMode(), where + " merge_mode");
      assertEquals(w.forward().name(), g.forward().name(), where + " forward name");
      assertEquals(w.backward().name(), g.backward().name(), where + " backward name");
      assertSameRecurrent(w.forward(), g.forward(), where + " forward");
      assertSameRecurrent(w.backward(), g.backward(), where + " backward");
    } else if (want instanceof DenseLayer) {
      DenseLayer w = (DenseLayer) want;
      DenseLayer g = (DenseLayer) got;
      assertEquals(w.units(), g.units(), where);
      assertEquals(w.activation(), g.activation(), where + " activation");
      assertSameWeights(w.kernel(), g.kernel(), where);
      assertEquals(w.bias().isPresent(), g.bias().isPresent(), where + " has bias");
      w.bias().ifPresent(b -> assertSameWeights(b, g.bias().orElseThrow(), where));
    } else if (want instanceof EmbeddingLayer) {
      EmbeddingLayer w = (EmbeddingLayer) want;
      EmbeddingLayer g = (EmbeddingLayer) got;
      assertEquals(w.maskZero(), g.maskZero(), where + " mask_zero");
      assertSameWeights(w.embeddings(), g.embeddings(), where);
    } else if (want instanceof MaskingLayer) {
      assertEquals(((MaskingLayer) want).maskValue(), ((MaskingLayer) got).maskValue(), where + " mask_value");
    } else if (want instanceof org.rnnscore.model.Conv2DLayer) {
      org.rnnscore.model.Conv2DLayer w = (org.rnnscore.model.Conv2DLayer) want;
      org.rnnscore.model.Conv2DLayer g = (org.rnnscore.model.Conv2DLayer) got;
      assertEquals(w.filters(), g.filters(), where + " filters");
      assertEquals(w.window(), g.window(), where + " window");
      assertEquals(w.activation(), g.activation(), where + " activation");
      assertSameWeights(w.kernel(), g.kernel(), where);
      assertEquals(w.bias().isPresent(), g.bias().isPresent(), where + " has bias");
      w.bias().ifPresent(b -> assertSameWeights(b, g.bias().orElseThrow(), where));
    } else if (want instanceof org.rnnscore.model.Pooling2DLayer) {
      assertEquals(((org.rnnscore.model.Pooling2DLayer) want).window(),
          ((org.rnnscore.model.Pooling2DLayer) got).window(), where + " window");
    } else if (want instanceof ActivationLayer) {
      assertEquals(((ActivationLayer) want).activation(), ((ActivationLayer) got).activation(), where + " activation");
    } else if (want instanceof org.rnnscore.model.Conv1DLayer) {
      org.rnnscore.model.Conv1DLayer w = (org.rnnscore.model.Conv1DLayer) want;
      org.rnnscore.model.Conv1DLayer g = (org.rnnscore.model.Conv1DLayer) got;
      assertEquals(w.details(), g.details(), where + " config");
      assertEquals(w.filters(), g.filters(), where + " filters");
      assertSameWeights(w.kernel(), g.kernel(), where);
      assertEquals(w.bias().isPresent(), g.bias().isPresent(), where + " has bias");
      w.bias().ifPresent(b -> assertSameWeights(b, g.bias().orElseThrow(), where));
    } else if (want instanceof BatchNormalizationLayer) {
      BatchNormalizationLayer w = (BatchNormalizationLayer) want;
      BatchNormalizationLayer g = (BatchNormalizationLayer) got;
      assertEquals(w.axis(), g.axis(), where + " axis");
      assertEquals(w.epsilon(), g.epsilon(), where + " epsilon");
      assertSameOptional(w.gamma(), g.gamma(), where + " gamma");
      assertSameOptional(w.beta(), g.beta(), where + " beta");
      assertSameWeights(w.movingMean(), g.movingMean(), where);
      assertSameWeights(w.movingVariance(), g.movingVariance(), where);
    } else if (want instanceof LayerNormalizationLayer) {
      LayerNormalizationLayer w = (LayerNormalizationLayer) want;
      LayerNormalizationLayer g = (LayerNormalizationLayer) got;
      assertEquals(w.axis(), g.axis(), where + " axis");
      assertEquals(w.epsilon(), g.epsilon(), where + " epsilon");
      assertSameOptional(w.gamma(), g.gamma(), where + " gamma");
      assertSameOptional(w.beta(), g.beta(), where + " beta");
    } else if (want instanceof ActivationFunctionLayer) {
      ActivationFunctionLayer w = (ActivationFunctionLayer) want;
      ActivationFunctionLayer g = (ActivationFunctionLayer) got;
      assertEquals(w.function(), g.function(), where + " function");
      assertEquals(w.slope(), g.slope(), where + " slope");
      assertEquals(w.maxValue(), g.maxValue(), where + " max_value");
      assertEquals(w.threshold(), g.threshold(), where + " threshold");
    } else if (want instanceof PReluLayer) {
      assertSameWeights(((PReluLayer) want).alpha(), ((PReluLayer) got).alpha(), where);
    } else {
      // Layers without weights (pooling, ...): their config is in details().
      assertEquals(want.details(), got.details(), where + " config");
    }
  }

  private static void assertSameRecurrent(RecurrentLayer w, RecurrentLayer g, String where) {
    assertEquals(w.getClass(), g.getClass(), where);
    assertEquals(w.units(), g.units(), where + " units");
    assertEquals(w.activation(), g.activation(), where + " activation");
    assertEquals(w.recurrentActivation(), g.recurrentActivation(), where + " recurrent_activation");
    assertEquals(w.sequencing(), g.sequencing(), where + " sequencing");
    if (w instanceof GruLayer) {
      assertEquals(((GruLayer) w).resetAfter(), ((GruLayer) g).resetAfter(), where + " reset_after");
    }
    assertSameWeights(w.kernel(), g.kernel(), where);
    assertSameWeights(w.recurrentKernel(), g.recurrentKernel(), where);
    assertEquals(w.bias().isPresent(), g.bias().isPresent(), where + " has bias");
    w.bias().ifPresent(b -> assertSameWeights(b, g.bias().orElseThrow(), where));
  }

  private static void assertSameOptional(java.util.Optional<WeightArray> expected, java.util.Optional<WeightArray> actual,
      String where) {
    assertEquals(expected.isPresent(), actual.isPresent(), where + " present");
    expected.ifPresent(e -> assertSameWeights(e, actual.orElseThrow(), where));
  }

  public static void assertSameWeights(WeightArray expected, WeightArray actual, String where) {
    assertEquals(expected.name(), actual.name(), where);
    assertArrayEquals(expected.shape(), actual.shape(), where + " " + expected.name() + " shape");
    assertArrayEquals(expected.data(), actual.data(), where + " " + expected.name() + " values");
  }
}
