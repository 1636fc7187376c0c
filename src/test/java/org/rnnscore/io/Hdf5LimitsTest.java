package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.rnnscore.model.ModelFormatException;

class Hdf5LimitsTest {
  @Test
  void checkDeclaredSize_shapeBeyondLimit_refusedBeforeAnyAllocation() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> Hdf5.checkDeclaredSize(
        "/model_weights/lstm/kernel:0", "the file", new int[] {100000, 400000}, 40_000_000_000L,
        Hdf5.MAX_WEIGHT_VALUES));
    assertEquals("dataset '/model_weights/lstm/kernel:0' in the file declares shape [100000, 400000] = 40000000000"
        + " values, more than the 268435456 a weight array may hold; the file is corrupt or not a recurrent model",
        e.getMessage());
  }

  @Test
  void checkDeclaredSize_atTheLimit_accepted() {
    Hdf5.checkDeclaredSize("/w", "the file", new int[] {16384, 16384}, 268_435_456L, Hdf5.MAX_WEIGHT_VALUES);
  }
}
