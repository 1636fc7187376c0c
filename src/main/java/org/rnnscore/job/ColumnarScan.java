package org.rnnscore.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import org.apache.spark.sql.catalyst.expressions.KnownNotNull;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rows of a dataset that is a columnar file scan under column selections, read straight off
 * the scan's column batches: each row is a view into the batch ({@code ColumnarBatch.rowIterator}),
 * so a sequence's floats are copied once, by the scorer, from Parquet's column vectors.
 *
 * <p>Why: Spark turns a columnar scan into rows by writing every row, nested arrays included, into
 * an UnsafeRow (ColumnarToRow and the projection above it), which the scorer then copied again. In
 * a profile of {@code bench} S1 end to end that conversion ({@code UnsafeArrayWriter}, the
 * generated iterator) and the second copy were a quarter of the scoring job's samples.
 *
 * <p>Only plans of exactly that shape are read this way: projections whose columns are the scan's
 * columns (renamed, reordered, or fields of the struct the scan's {@code _metadata} is built
 * from). Anything else (a filter left above the scan, a join, a computed column) returns null
 * and is read through Spark's rows as before; both paths yield the same rows.
 */
final class ColumnarScan {
  private ColumnarScan() {}

  /** The dataset's rows read off its scan's column batches, or null where its plan is not such a scan. */
  static RDD<InternalRow> rows(Dataset<Row> dataset) {
    if (!Boolean.parseBoolean(System.getProperty("rnnscore.columnarScan", "true"))) {
      return null; // for measuring one path against the other
    }
    SparkPlan plan = ((org.apache.spark.sql.classic.Dataset<Row>) dataset).queryExecution().executedPlan();
    List<Expression> columns = new ArrayList<>();
    for (Attribute attribute : CollectionConverters.asJava(plan.output())) {
      columns.add(attribute);
    }
    while (true) {
      if (plan instanceof WholeStageCodegenExec) {
        plan = ((WholeStageCodegenExec) plan).child();
      } else if (plan instanceof InputAdapter) {
        plan = ((InputAdapter) plan).child();
      } else if (plan instanceof ProjectExec) {
        Map<ExprId, Expression> defined = new HashMap<>();
        for (NamedExpression named : CollectionConverters.asJava(((ProjectExec) plan).projectList())) {
          defined.put(named.exprId(), named instanceof Alias ? ((Alias) named).child() : (Expression) named);
        }
        for (int i = 0; i < columns.size(); i++) {
          Expression substituted = substitute(columns.get(i), defined);
          if (substituted == null) {
            return null;
          }
          columns.set(i, substituted);
        }
        plan = ((ProjectExec) plan).child();
      } else {
        break;
      }
    }
    if (!(plan instanceof ColumnarToRowExec) || !((ColumnarToRowExec) plan).child().supportsColumnar()) {
      return null;
    }
    SparkPlan scan = ((ColumnarToRowExec) plan).child();
    List<Attribute> scanned = CollectionConverters.asJava(scan.output());
    int[] vectors = new int[columns.size()];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = -1;
      if (columns.get(i) instanceof AttributeReference) {
        ExprId id = ((AttributeReference) columns.get(i)).exprId();
        for (int v = 0; v < scanned.size(); v++) {
          if (scanned.get(v).exprId().equals(id)) {
            vectors[i] = v;
          }
        }
      }
      if (vectors[i] < 0) {
        return null; // a column computed from the scan's, not one of them
      }
    }
    return scan.executeColumnar().mapPartitions(new Rows(vectors), true,
        scala.reflect.ClassTag$.MODULE$.apply(InternalRow.class));
  }

  /**
   * {@code expression} with the attributes a projection below defines replaced by their
   * definitions, and the struct field reads of a struct built there resolved; null when what is
   * left is more than a column reference.
   */
  private static Expression substitute(Expression expression, Map<ExprId, Expression> defined) {
    if (expression instanceof AttributeReference) {
      Expression definition = defined.get(((AttributeReference) expression).exprId());
      return definition == null ? null : unwrap(definition);
    }
    if (expression instanceof GetStructField) {
      GetStructField field = (GetStructField) expression;
      Expression struct = field.child() instanceof AttributeReference
          ? defined.get(((AttributeReference) field.child()).exprId()) : null;
      struct = struct == null ? null : unwrap(struct);
      if (struct instanceof CreateNamedStruct) {
        Expression value = CollectionConverters.asJava(((CreateNamedStruct) struct).valExprs()).get(field.ordinal());
        return value instanceof AttributeReference ? value : null;
      }
      return null;
    }
    return null;
  }

  private static Expression unwrap(Expression expression) {
    while (expression instanceof KnownNotNull) {
      expression = ((KnownNotNull) expression).child();
    }
    if (expression instanceof AttributeReference || expression instanceof CreateNamedStruct) {
      return expression;
    }
    return expression instanceof GetStructField ? expression : null;
  }

  /** Each batch's rows, as views, with the batch's vectors in the dataset's column order. */
  private static final class Rows
      extends scala.runtime.AbstractFunction1<scala.collection.Iterator<ColumnarBatch>, scala.collection.Iterator<InternalRow>>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] vectors;

    Rows(int[] vectors) {
      this.vectors = vectors;
    }

    @Override
    public scala.collection.Iterator<InternalRow> apply(scala.collection.Iterator<ColumnarBatch> batches) {
      java.util.Iterator<ColumnarBatch> in = CollectionConverters.asJava(batches);
      java.util.Iterator<InternalRow> rows = new java.util.Iterator<>() {
        private java.util.Iterator<InternalRow> current = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!current.hasNext() && in.hasNext()) {
            ColumnarBatch batch = in.next();
            ColumnVector[] selected = new ColumnVector[vectors.length];
            for (int i = 0; i < vectors.length; i++) {
              selected[i] = batch.column(vectors[i]);
            }
            ColumnarBatch view = new ColumnarBatch(selected, batch.numRows());
            current = view.rowIterator();
          }
          return current.hasNext();
        }

        @Override
        public InternalRow next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return current.next();
        }
      };
      return CollectionConverters.asScala(rows);
    }
  }
}
