package org.rnnscore.model;

/** Shape checks with messages that name the layer, the array, the shape found and the shape expected. */
final class Shapes {
  private Shapes() {}

  static void require(String layer, WeightArray array, String why, int... expected) {
    if (array == null) {
      throw new ModelFormatException("layer '" + layer + "' is missing its weight array (expected shape "
          + WeightArray.shapeText(expected) + ", " + why + ")");
    }
    if (!array.hasShape(expected)) {
      throw new ModelFormatException("layer '" + layer + "' " + array.name() + " has shape " + array.shapeText()
          + ", expected " + WeightArray.shapeText(expected) + " (" + why + ")");
    }
    int bad = array.firstNonFiniteIndex();
    if (bad >= 0) {
      throw new ModelFormatException("layer '" + layer + "' " + array.name() + " holds a non-finite value ("
          + array.get(bad) + " at flat index " + bad + "); a trained model's weights are finite");
    }
  }

  static void requirePositive(String layer, String what, int value) {
    if (value < 1) {
      throw new ModelFormatException("layer '" + layer + "' has " + what + " = " + value + ", expected at least 1");
    }
  }
}
