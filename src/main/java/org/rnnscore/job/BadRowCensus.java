package org.rnnscore.job;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The bad rows of an input, without the model: the same checks as scoring (one {@link
 * SequenceReader}), one pass at decode speed. Each bad row comes out with its kept columns, then
 * {@code reason_code}, {@code reason}, {@code source_file} and {@code source_row} (the file and
 * the row's 0-based index in it; null for rows built by --group-by): the rejects of quarantine,
 * and the census of validate.
 */
public final class BadRowCensus {
  public static final String REASON_CODE = "reason_code";
  public static final String REASON = "reason";

  /** What the rejects add after the kept columns. */
  static final List<String> REJECT_COLUMNS = List.of(REASON_CODE, REASON, SourceColumns.REJECTS_FILE,
      SourceColumns.REJECTS_ROW);

  private BadRowCensus() {}

  /** The rejects of {@code plan}'s input: kept columns, reason_code, reason. */
  static Dataset<Row> rejects(SparkSession spark, InputPlan plan) {
    JavaRDD<InternalRow> rows = SparkInternals.toInternalRows(plan.projected());
    JavaRDD<InternalRow> bad = rows.mapPartitions(new Census(plan.layout()));
    List<StructField> fields = new ArrayList<>();
    StructField[] output = plan.outputSchema().fields();
    for (int i = 0; i < plan.layout().keptCount(); i++) {
      if (REJECT_COLUMNS.contains(output[i].name())) {
        throw new org.rnnscore.model.UsageException("the rejects add column '" + output[i].name()
            + "', but the input already has a column of that name (kept); leave it out with --keep");
      }
      fields.add(output[i]);
    }
    fields.add(new StructField(REASON_CODE, DataTypes.StringType, false, Metadata.empty()));
    fields.add(new StructField(REASON, DataTypes.StringType, false, Metadata.empty()));
    fields.add(new StructField(SourceColumns.REJECTS_FILE, DataTypes.StringType, true, Metadata.empty()));
    fields.add(new StructField(SourceColumns.REJECTS_ROW, DataTypes.LongType, true, Metadata.empty()));
    return SparkInternals.toDataFrame(spark, bad, new StructType(fields.toArray(new StructField[0])));
  }

  /** Bad rows by reason code, in code order (empty when every row is good). */
  static Map<String, Long> countByCode(Dataset<Row> rejects) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row row : rejects.groupBy(REASON_CODE).count().collectAsList()) {
      counts.put(row.getString(0), row.getLong(1));
    }
    return counts;
  }

  /** "wrong_width: 3, non_finite: 1". */
  public static String describe(Map<String, Long> counts) {
    StringBuilder text = new StringBuilder();
    counts.forEach((code, n) -> text.append(text.length() == 0 ? "" : ", ").append(code).append(": ").append(n));
    return text.toString();
  }

  private static final class Census implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final InputLayout layout;

    Census(InputLayout layout) {
      this.layout = layout;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> input) {
      SequenceReader reader = layout.several() ? null : new SequenceReader(layout, 1);
      SeveralInputsReader several = layout.several() ? new SeveralInputsReader(layout, 1) : null;
      int[] at = several == null ? null : new int[several.inputs()];
      int[] lengths = several == null ? null : new int[several.inputs()];
      int keptCount = layout.keptCount();
      return new Iterator<>() {
        private InternalRow next;

        @Override
        public boolean hasNext() {
          while (next == null && input.hasNext()) {
            InternalRow row = input.next();
            try {
              if (several != null) {
                several.read(row, at, lengths);
              } else {
                reader.read(row, 0);
              }
            } catch (BadRowException bad) {
              Object[] values = new Object[keptCount + 4];
              for (int c = 0; c < keptCount; c++) {
                values[c] = row.isNullAt(c) ? null : InternalRow.copyValue(row.get(c, layout.keptTypes()[c]));
              }
              values[keptCount] = UTF8String.fromString(bad.code().code());
              values[keptCount + 1] = UTF8String.fromString(bad.reason());
              if (layout.hasSource() && !row.isNullAt(layout.sourceFileOrdinal())) {
                values[keptCount + 2] = row.getUTF8String(layout.sourceFileOrdinal()).copy();
                values[keptCount + 3] = row.getLong(layout.sourceRowOrdinal());
              }
              next = new GenericInternalRow(values);
            }
          }
          return next != null;
        }

        @Override
        public InternalRow next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          InternalRow row = next;
          next = null;
          return row;
        }
      };
    }
  }
}
