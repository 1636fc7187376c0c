package org.rnnscore.model;

/** Keras {@code Activation}: an activation applied on its own (softmax over the last axis). */
public final class ActivationLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final Activation activation;

  public ActivationLayer(String name, Activation activation) {
    if (activation == null) {
      throw new ModelFormatException("layer '" + name + "' has no activation");
    }
    this.name = name;
    this.activation = activation;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "Activation";
  }

  public Activation activation() {
    return activation;
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    return input;
  }

  @Override
  public String details() {
    return activation.kerasName();
  }
}
