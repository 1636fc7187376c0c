/** Spark: read and check the input, broadcast the model, score partitions in batches, write Parquet. */
package org.rnnscore.job;
