package org.rnnscore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnscore.model.Weights.w;

import org.junit.jupiter.api.Test;

/** What each layer tells the model and inspect about itself, in place of the model testing its class. */
class LayerTest {
  private static LstmLayer lstm(String name, Sequencing sequencing) {
    return new LstmLayer(name, 2, w("kernel", 3, 8), w("recurrent_kernel", 2, 8), w("bias", 8), Activation.TANH,
        Activation.SIGMOID, sequencing);
  }

  @Test
  void details_eachKind_asInspectPrintsThem() {
    assertEquals("tanh", Weights.rnn("r", 3, 2).details());
    assertEquals("tanh/sigmoid, return_sequences", lstm("l", Sequencing.SEQUENCES).details());
    assertEquals("tanh/sigmoid reset_before, no bias, go_backwards", new GruLayer("g", 2, w("kernel", 3, 6),
        w("recurrent_kernel", 2, 6), null, Activation.TANH, Activation.SIGMOID, false,
        Sequencing.LAST.backwards()).details());
    assertEquals("[tanh/sigmoid, return_sequences; merge sum]", new BidirectionalLayer("b",
        lstm("forward_l", Sequencing.SEQUENCES), lstm("backward_l", Sequencing.SEQUENCES.backwards()),
        BidirectionalLayer.MergeMode.SUM).details());
    assertEquals("linear, no bias", new DenseLayer("d", 2, w("kernel", 3, 2), null, Activation.LINEAR).details());
    assertEquals("softmax", new ActivationLayer("a", Activation.SOFTMAX).details());
    assertEquals("mask_value 0.5", new MaskingLayer("m", 0.5f).details());
    assertEquals("vocabulary 7, mask_zero", new EmbeddingLayer("e", w("embeddings", 7, 3), true).details());
    assertEquals("", new FlattenLayer("f").details());
  }

  @Test
  void inputKernel_isWhatFixesTheModelInputWidth() {
    SimpleRnnLayer rnn = Weights.rnn("r", 3, 2);
    assertSame(rnn.kernel(), rnn.inputKernel());
    BidirectionalLayer bidirectional = new BidirectionalLayer("b", lstm("forward_l", Sequencing.LAST),
        lstm("backward_l", Sequencing.LAST.backwards()), BidirectionalLayer.MergeMode.CONCAT);
    assertSame(bidirectional.forward().kernel(), bidirectional.inputKernel());
    assertEquals("forward_l", bidirectional.inputKernelOwner());
    assertEquals(4, bidirectional.hiddenUnits());
    assertNull(new MaskingLayer("m", 0f).inputKernel());
    assertTrue(new EmbeddingLayer("e", w("embeddings", 7, 3), false).readsTokens());
    assertFalse(new DenseLayer("d", 2, w("kernel", 3, 2), null, Activation.LINEAR).recurrent());
  }

  @Test
  void needsDeclaredTimesteps_onlyFlattenOverASequence() {
    FlattenLayer flatten = new FlattenLayer("f");
    assertTrue(flatten.needsDeclaredTimesteps(Shape.sequence(4, 2)));
    assertFalse(flatten.needsDeclaredTimesteps(Shape.vector(8)));
    assertFalse(new MaskingLayer("m", 0f).needsDeclaredTimesteps(Shape.sequence(4, 2)));
  }
}
