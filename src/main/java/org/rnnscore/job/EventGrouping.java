package org.rnnscore.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.rnnscore.model.Messages;
import org.rnnscore.model.UsageException;

/**
 * --group-by KEY --order-by COL: the input has one row per event (the shape events arrive in),
 * each with the event's features as an array of D values; a row per key is built whose sequence
 * is its events' features in COL order. One code-generated aggregation (collect_list, array_sort
 * on (order, features) structs), before the usual planning; the key is the only column kept.
 */
public record EventGrouping(String key, String orderBy) {
  /** null when the input already holds one sequence per row. */
  public static EventGrouping of(String key, String orderBy) {
    if (key == null && orderBy == null) {
      return null;
    }
    if (key == null || orderBy == null) {
      throw new UsageException("--group-by and --order-by go together: events are grouped by a key and ordered by a"
          + " column");
    }
    return new EventGrouping(key, orderBy);
  }

  Dataset<Row> apply(Dataset<Row> events, String featuresColumn, String where) {
    for (String name : new String[] {key, orderBy, featuresColumn}) {
      if (!Arrays.asList(events.columns()).contains(name)) {
        throw new UsageException(where + ": column '" + name + "' (--group-by/--order-by/--features-col) not found;"
            + " the input has " + Messages.list(events.columns()));
      }
    }
    String sequence = "transform(array_sort(collect_list(struct(`" + orderBy.replace("`", "``") + "` AS o, `"
        + featuresColumn.replace("`", "``") + "` AS f))), e -> e.f)";
    return events.groupBy(col("`" + key.replace("`", "``") + "`")).agg(expr(sequence).as(featuresColumn));
  }
}
