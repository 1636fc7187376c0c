package org.rnnscore.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnscore.model.Weights.w;

import org.junit.jupiter.api.Test;

class SimpleRnnLayerTest {
  private static ModelFormatException rejected(WeightArray kernel, WeightArray recurrent, WeightArray bias) {
    return assertThrows(ModelFormatException.class,
        () -> new SimpleRnnLayer("simple_rnn", 5, kernel, recurrent, bias, Activation.TANH));
  }

  @Test
  void constructor_recurrentKernelWrongShape_throwsNamingShapes() {
    ModelFormatException e = rejected(w("kernel", 3, 5), w("recurrent_kernel", 4, 4), w("bias", 5));
    assertEquals("layer 'simple_rnn' recurrent_kernel has shape [4, 4], expected [5, 5] (units = 5)", e.getMessage());
  }

  @Test
  void constructor_kernelWrongColumns_throwsNamingShapes() {
    ModelFormatException e = rejected(w("kernel", 3, 4), w("recurrent_kernel", 5, 5), w("bias", 5));
    assertEquals("layer 'simple_rnn' kernel has shape [3, 4], expected [3, 5] (units = 5)", e.getMessage());
  }

  @Test
  void constructor_kernelRankOne_throwsExpectingDByUnits() {
    ModelFormatException e = rejected(w("kernel", 15), w("recurrent_kernel", 5, 5), w("bias", 5));
    assertEquals("layer 'simple_rnn' kernel has shape [15], expected [D, 5] (units = 5)", e.getMessage());
  }

  @Test
  void constructor_kernelMissing_throws() {
    ModelFormatException e = rejected(null, w("recurrent_kernel", 5, 5), w("bias", 5));
    assertEquals("layer 'simple_rnn' kernel has shape (missing), expected [D, 5] (units = 5)", e.getMessage());
  }

  @Test
  void constructor_kernelWithZeroRows_throws() {
    ModelFormatException e = rejected(w("kernel", 0, 5), w("recurrent_kernel", 5, 5), w("bias", 5));
    assertEquals("layer 'simple_rnn' has input width D (kernel rows) = 0, expected at least 1", e.getMessage());
  }

  @Test
  void constructor_recurrentKernelMissing_throws() {
    ModelFormatException e = rejected(w("kernel", 3, 5), null, w("bias", 5));
    assertEquals("layer 'simple_rnn' is missing its weight array (expected shape [5, 5], units = 5)", e.getMessage());
  }

  @Test
  void constructor_biasWrongLength_throwsNamingShapes() {
    ModelFormatException e = rejected(w("kernel", 3, 5), w("recurrent_kernel", 5, 5), w("bias", 4));
    assertEquals("layer 'simple_rnn' bias has shape [4], expected [5] (units = 5)", e.getMessage());
  }

  @Test
  void constructor_biasAsMatrix_throws() {
    ModelFormatException e = rejected(w("kernel", 3, 5), w("recurrent_kernel", 5, 5), w("bias", 1, 5));
    assertEquals("layer 'simple_rnn' bias has shape [1, 5], expected [5] (units = 5)", e.getMessage());
  }

  @Test
  void constructor_nonFiniteRecurrentWeight_throwsNamingIndex() {
    float[] data = new float[25];
    data[7] = Float.NaN;
    ModelFormatException e = rejected(w("kernel", 3, 5), new WeightArray("recurrent_kernel", new int[] {5, 5}, data),
        w("bias", 5));
    assertEquals("layer 'simple_rnn' recurrent_kernel holds a non-finite value (NaN at flat index 7); "
        + "a trained model's weights are finite", e.getMessage());
  }

  @Test
  void constructor_infiniteBias_throwsNamingIndex() {
    float[] data = new float[5];
    data[4] = Float.NEGATIVE_INFINITY;
    ModelFormatException e = rejected(w("kernel", 3, 5), w("recurrent_kernel", 5, 5),
        new WeightArray("bias", new int[] {5}, data));
    assertEquals("layer 'simple_rnn' bias holds a non-finite value (-Infinity at flat index 4); "
        + "a trained model's weights are finite", e.getMessage());
  }

  @Test
  void constructor_zeroUnits_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new SimpleRnnLayer("rnn", 0, w("kernel", 3, 0), w("recurrent_kernel", 0, 0), null, Activation.TANH));
    assertEquals("layer 'rnn' has units = 0, expected at least 1", e.getMessage());
  }

  @Test
  void constructor_softmaxActivation_throwsNotElementwise() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new SimpleRnnLayer("simple_rnn", 5, w("kernel", 3, 5), w("recurrent_kernel", 5, 5), w("bias", 5),
            Activation.SOFTMAX));
    assertEquals("layer 'simple_rnn' has activation softmax, which a recurrent layer cannot use "
        + "(it is not element-wise)", e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> new SimpleRnnLayer("simple_rnn", 5, w("kernel", 3, 5), w("recurrent_kernel", 5, 5), null,
            Activation.LOG_SOFTMAX));
    assertEquals("layer 'simple_rnn' has activation log_softmax, which a recurrent layer cannot use "
        + "(it is not element-wise)", e.getMessage());
  }

  @Test
  void accessors_validLayer_reportWidthsAndParams() {
    SimpleRnnLayer layer = Weights.rnn("simple_rnn", 3, 5);
    assertEquals("simple_rnn", layer.name());
    assertEquals("SimpleRNN", layer.kerasClass());
    assertEquals(3, layer.inputWidth());
    assertEquals(5, layer.outputWidth());
    assertEquals(5, layer.units());
    assertEquals(Activation.TANH, layer.activation());
    assertTrue(layer.bias().isPresent());
    assertEquals(3 * 5 + 5 * 5 + 5, layer.paramCount());
  }

  @Test
  void paramCount_noBias_omitsBias() {
    SimpleRnnLayer layer = new SimpleRnnLayer("r", 5, w("kernel", 3, 5), w("recurrent_kernel", 5, 5), null,
        Activation.RELU);
    assertFalse(layer.bias().isPresent());
    assertEquals(40, layer.paramCount());
  }

  @Test
  void withActivation_otherActivation_keepsWeightsAndChangesOnlyActivation() {
    SimpleRnnLayer layer = Weights.rnn("simple_rnn", 3, 5);
    SimpleRnnLayer relu = layer.withActivation(Activation.RELU);
    assertEquals(Activation.RELU, relu.activation());
    assertEquals(Activation.TANH, layer.activation());
    assertArrayEquals(layer.kernel().data(), relu.kernel().data());
    assertArrayEquals(layer.recurrentKernel().data(), relu.recurrentKernel().data());
    assertThrows(ModelFormatException.class, () -> layer.withActivation(Activation.SOFTMAX));
  }

  @Test
  void constructor_mutatingSourceArrayAfterwards_doesNotChangeLayer() {
    float[] data = new float[25];
    SimpleRnnLayer layer = new SimpleRnnLayer("r", 5, w("kernel", 3, 5),
        new WeightArray("recurrent_kernel", new int[] {5, 5}, data), null, Activation.TANH);
    data[0] = Float.NaN;
    layer.recurrentKernel().data()[1] = 42;
    assertEquals(0f, layer.recurrentKernel().get(0));
    assertEquals(0f, layer.recurrentKernel().get(1));
  }
}
