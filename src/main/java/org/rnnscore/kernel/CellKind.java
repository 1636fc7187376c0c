package org.rnnscore.kernel;

import org.rnnscore.model.GruLayer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.RecurrentLayer;

/** The recurrent cells' arithmetic, as both kernel paths tell them apart. */
enum CellKind {
  SIMPLE,
  LSTM,
  GRU_RESET_AFTER,
  GRU_RESET_BEFORE;

  static CellKind of(RecurrentLayer layer) {
    if (layer instanceof LstmLayer) {
      return LSTM;
    }
    if (layer instanceof GruLayer gru) {
      return gru.resetAfter() ? GRU_RESET_AFTER : GRU_RESET_BEFORE;
    }
    return SIMPLE;
  }
}
