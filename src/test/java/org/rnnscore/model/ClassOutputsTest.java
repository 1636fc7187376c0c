package org.rnnscore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnscore.kernel.ModelSpec;

/** --outputs as parsed, its columns, and the refusals that need the model (exit 2 in the CLI). */
class ClassOutputsTest {
  private static ClassOutputs parse(String spec, List<String> names, String positive) {
    return ClassOutputs.parse(spec, names, positive, "--outputs");
  }

  @Test
  void columns_followTheListOrder_withTheSuffixes() {
    ClassOutputs outputs = parse("top-k=2, argmax,raw,softmax,threshold=0.7", List.of("x", "y", "z"), "y");
    assertEquals(List.of(
        new ClassOutputs.Column("p_top_indices", ClassOutputs.Value.TOP_INDICES),
        new ClassOutputs.Column("p_top_scores", ClassOutputs.Value.TOP_SCORES),
        new ClassOutputs.Column("p_label", ClassOutputs.Value.LABEL),
        new ClassOutputs.Column("p_label_name", ClassOutputs.Value.LABEL_NAME),
        new ClassOutputs.Column("p", ClassOutputs.Value.RAW),
        new ClassOutputs.Column("p_prob", ClassOutputs.Value.PROB),
        new ClassOutputs.Column("p_positive", ClassOutputs.Value.POSITIVE)), outputs.columns("p"));
    assertEquals(1, outputs.positiveIndex(3), "a positive class by name");
    assertEquals(2, parse("threshold=0.5", List.of(), null).positiveIndex(3), "K-1 by default");
    assertEquals(0, parse("threshold=0.5", List.of(), "0").positiveIndex(3), "by index");
    assertEquals(List.of(new ClassOutputs.Column("p", ClassOutputs.Value.RAW)), parse(null, null, null).columns("p"));
    assertEquals(true, parse(" ", null, null).isRawOnly());
  }

  @Test
  void malformedLists_areRefusedNamingTheItem() {
    Map<String, String> cases = Map.of(
        "raw,probs", "--outputs item 'probs' is not one of: raw, softmax, sigmoid, argmax, top-k=N, threshold=X",
        "softmax,sigmoid", "--outputs 'softmax,sigmoid' asks for both softmax and sigmoid",
        "argmax,argmax", "--outputs 'argmax,argmax' names argmax twice",
        "top-k=0", "--outputs item 'top-k=0' needs a whole number of classes of at least 1",
        "top-k=two", "--outputs item 'top-k=two' needs a whole number",
        "threshold=NaN", "--outputs item 'threshold=NaN' needs a finite number",
        "raw,", "--outputs item '' is not one of");
    cases.forEach((spec, message) -> {
      UsageException e = assertThrows(UsageException.class, () -> parse(spec, List.of(), null));
      assertEquals(true, e.getMessage().startsWith(message), e.getMessage());
    });
    assertEquals("class names [a, a] name 'a' twice",
        assertThrows(UsageException.class, () -> parse("argmax", List.of("a", "a"), null)).getMessage());
    assertEquals("class names are given but --outputs 'raw' has no argmax to name the label with; add argmax",
        assertThrows(UsageException.class, () -> parse("raw", List.of("a", "b"), null)).getMessage());
    assertEquals("a positive class ('1') is given but --outputs 'argmax' has no threshold=X to use it; add threshold=X",
        assertThrows(UsageException.class, () -> parse("argmax", List.of(), "1")).getMessage());
  }

  private static String refusal(String spec, String model, List<String> names, String positive) {
    RnnModel built = ModelSpec.build(model, 1, 3, 0);
    return assertThrows(UsageException.class, () -> parse(spec, names, positive).check(built, false)).getMessage();
  }

  @Test
  void check_refusesWhatTheModelCannotGive() {
    assertEquals("class names [a, b] are 2, but the model gives K = 3 values a prediction; give exactly 3",
        refusal("argmax", "simple(4) > dense(3)", List.of("a", "b"), null));
    assertEquals("outputs top-k=4 asks for more than the model's K = 3 classes",
        refusal("top-k=4", "simple(4) > dense(3)", List.of(), null));
    assertEquals("outputs argmax over K = 1 value is always 0; for a one-unit (binary) model use threshold=X (with"
        + " sigmoid if the model gives logits)", refusal("argmax", "simple(4) > dense(1)", List.of(), null));
    assertEquals("positive class 3 is outside the model's classes 0..2",
        refusal("threshold=0.5", "simple(4) > dense(3)", List.of(), "3"));
    assertEquals("positive class 'dog' is neither an index 0..2 nor one of the class names []",
        refusal("threshold=0.5", "simple(4) > dense(3)", List.of(), "dog"));
    parse("softmax,argmax,top-k=3", List.of("a", "b", "c"), null).check(ModelSpec.build("simple(4) > dense(3)", 1, 3, 0),
        false);
  }

  @Test
  void aSoftmaxOverAModelEndingInOne_isRefusedNamingTheLayer_unlessForced() {
    assertEquals("outputs softmax over a model whose last layer already applies one (layer 'dense_1' (Dense, activation"
        + " softmax)) would squash its probabilities twice; ask for raw (they are the probabilities), or add"
        + " --force-outputs to apply it anyway", refusal("softmax", "simple(4) > dense(3,softmax)", List.of(), null));
    assertEquals(true, refusal("sigmoid", "simple(4) > dense(3) > activation(sigmoid)", List.of(), null)
        .contains("(layer 'activation_2' (Activation sigmoid))"));
    assertEquals(true, refusal("softmax", "lstm(4) > dense(3) > softmax", List.of(), null)
        .contains("(layer 'softmax_2' (Softmax))"));
    RnnModel endsInSoftmax = ModelSpec.build("simple(4) > dense(3,softmax)", 1, 3, 0);
    parse("softmax", List.of(), null).check(endsInSoftmax, true);
    parse("argmax,top-k=2", List.of(), null).check(endsInSoftmax, false); // no second squash: allowed
    parse("softmax", List.of(), null).check(ModelSpec.build("simple(4) > dense(3,relu)", 1, 3, 0), false);
  }
}
