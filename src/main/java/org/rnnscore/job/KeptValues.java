package org.rnnscore.job;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.types.DataType;
import scala.Function2;

/**
 * Copies a row's kept (pass-through) columns out of the scan's reused row buffer. Each column's
 * accessor is resolved once per task: {@code row.get(ordinal, type)} resolves the type's physical
 * form through SQLConf on every call, which the S1 profile showed as 4% of a scoring task.
 */
final class KeptValues {
  private final Function2<SpecializedGetters, Object, Object>[] accessors;

  @SuppressWarnings("unchecked")
  KeptValues(DataType[] types, int count) {
    accessors = new Function2[count];
    for (int c = 0; c < count; c++) {
      accessors[c] = InternalRow.getAccessor(types[c], true);
    }
  }

  /** The first {@code count} columns of {@code row}, each copied (strings, arrays and structs own their bytes). */
  Object[] copy(InternalRow row, Object[] out) {
    for (int c = 0; c < accessors.length; c++) {
      out[c] = row.isNullAt(c) ? null : InternalRow.copyValue(accessors[c].apply(row, c));
    }
    return out;
  }
}
