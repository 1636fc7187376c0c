package org.rnnscore.job;

import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.OneToOneDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * A dataset's rows mapped partition by partition, where the dataset is planned and executed only
 * when a job needs this RDD's partitions, not when the RDD is made.
 *
 * <p>Why not {@code queryExecution().toRdd().mapPartitions(...)}: {@code toRdd} executes the
 * physical plan, and under adaptive execution that runs the shuffle stages of any join or
 * aggregation upstream at once, so a lazy {@code transform} would start jobs. Here the parent
 * RDD is made on first use by the scheduler (partitions, dependencies), inside the action.
 */
final class DeferredRdd extends RDD<InternalRow> {
  private static final long serialVersionUID = 1L;
  /** The rows as Spark stores them, made on the driver at the first job; never serialized. */
  private final transient Dataset<Row> source;
  private transient RDD<InternalRow> parent;
  private final FlatMapFunction<java.util.Iterator<InternalRow>, InternalRow> function;

  @SuppressWarnings({"unchecked", "rawtypes"})
  DeferredRdd(Dataset<Row> source, FlatMapFunction<java.util.Iterator<InternalRow>, InternalRow> function) {
    super(source.sparkSession().sparkContext(), (Seq) scala.collection.immutable.Nil$.MODULE$,
        ClassTag$.MODULE$.apply(InternalRow.class));
    this.source = source;
    this.function = function;
  }

  private synchronized RDD<InternalRow> parent() {
    if (parent == null) {
      RDD<InternalRow> columnar = ColumnarScan.rows(source); // a plain file scan: read off its column batches
      parent = columnar != null ? columnar : SparkInternals.toInternalRows(source).rdd();
    }
    return parent;
  }

  @Override
  public Partition[] getPartitions() {
    return parent().partitions();
  }

  @Override
  public Seq<Dependency<?>> getDependencies() {
    return CollectionConverters.asScala(List.<Dependency<?>>of(new OneToOneDependency<>(parent()))).toList();
  }

  @Override
  public scala.collection.immutable.Seq<String> getPreferredLocations(Partition split) {
    return parent().preferredLocations(split);
  }

  @Override
  @SuppressWarnings("unchecked")
  public scala.collection.Iterator<InternalRow> compute(Partition split, TaskContext context) {
    // On an executor: the parent comes from the serialized dependencies, not the transient field.
    RDD<InternalRow> in = (RDD<InternalRow>) dependencies().head().rdd();
    try {
      return CollectionConverters.asScala(function.call(CollectionConverters.asJava(in.iterator(split, context))));
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
