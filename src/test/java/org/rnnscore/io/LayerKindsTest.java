package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.ModelFormatException;

class LayerKindsTest {
  @Test
  void supported_listsTheKindsInRegistryOrder() {
    assertEquals("supported: InputLayer, SimpleRNN, LSTM, GRU, Bidirectional (around SimpleRNN, LSTM or GRU), Dense,"
        + " TimeDistributed (around Dense, BatchNormalization, LayerNormalization, ReLU, LeakyReLU, PReLU, ELU,"
        + " ThresholdedReLU, Softmax, Conv2D, MaxPooling2D, AveragePooling2D, Flatten), Embedding, Masking, Flatten, RepeatVector, Reshape, Permute, Conv1D,"
        + " MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling1D, Activation, BatchNormalization, LayerNormalization, ReLU, LeakyReLU, PReLU, ELU,"
        + " ThresholdedReLU, Softmax, PruneLowMagnitude (tfmot, around a layer with a kernel), Concatenate, Add, Subtract,"
        + " Multiply, Average, Maximum, Minimum, Dot,"
        + " and layers that do nothing at inference (Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout,"
        + " AlphaDropout, ActivityRegularization)",
        LayerKinds.SUPPORTED);
  }

  @Test
  void keras1Supported_listsTheKindsThatReadKeras1Files() {
    assertEquals("rnnscore reads Keras 1 files with SimpleRNN, LSTM, GRU, Dense, Convolution1D, MaxPooling1D,"
        + " AveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling1D, Activation, BatchNormalization, Dropout,"
        + " SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization layers; re-save"
        + " the model with Keras 2 or later for the others", LayerKinds.KERAS1_SUPPORTED);
  }

  @Test
  void of_recurrentClasses_shareOneKind() {
    assertTrue(LayerKinds.of("LSTM") instanceof RecurrentKind);
    assertSame(LayerKinds.of("LSTM"), LayerKinds.of("GRU"));
    assertSame(LayerKinds.of("SimpleRNN"), LayerKinds.of("GRU"));
  }

  @Test
  void of_unknownClass_isNull() {
    assertNull(LayerKinds.of("AttentionLayer"));
    assertNull(LayerKinds.of("InputLayer")); // the walk's own business, not a kind
  }

  @Test
  void parse_inferenceIdentity_isLeftOut() {
    assertNull(LayerKinds.of("GaussianNoise").parse("GaussianNoise", "g", KerasConfig.json("c", "{}"), 0));
  }

  @Test
  void parse_lambda_refusedByNameWithTheReason() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> LayerKinds.of("Lambda").parse("Lambda", "l", KerasConfig.json("c", "{}"), 0));
    assertEquals("layer 'l' has type Lambda: rnnscore never runs Python code from a model file (Lambda and custom"
        + " layers); rebuild the model from built-in layers; " + LayerKinds.SUPPORTED, e.getMessage());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "Attention|attention layers mix every timestep of a row with every other, which this version does not run (it"
          + " runs recurrent layers and what surrounds them)",
      "AdditiveAttention|attention layers mix every timestep of a row with every other, which this version does not"
          + " run (it runs recurrent layers and what surrounds them)",
      "MultiHeadAttention|attention layers mix every timestep of a row with every other, which this version does not"
          + " run (it runs recurrent layers and what surrounds them)",
      "ConvLSTM2D|a convolutional recurrent layer over sequences of images, which this version does not run",
      "SeparableConv1D|this convolution is not run by this version",
      "Conv1DTranspose|this convolution is not run by this version"})
  void parse_standardLayersNotRun_refusedByNameWithTheReason(String className, String reason) {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> LayerKinds.of(className).parse(className, "x", KerasConfig.json("c", "{}"), 0));
    assertEquals("layer 'x' has type " + className + ": " + reason + "; " + LayerKinds.SUPPORTED, e.getMessage());
  }

  @Test
  void weightNames_followUseBias() {
    LayerSpec dense = LayerKinds.of("Dense").parse("Dense", "d", KerasConfig.json("c",
        "{\"units\": 2, \"use_bias\": false}"), 0);
    assertEquals(List.of("kernel"), dense.kind.weightNames(dense));
    LayerSpec gru = LayerKinds.of("GRU").parse("GRU", "g", KerasConfig.json("c", "{\"units\": 2}"), 0);
    assertEquals(List.of("kernel", "recurrent_kernel", "bias"), gru.kind.weightNames(gru));
  }
}
