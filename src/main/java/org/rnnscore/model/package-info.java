/**
 * What a model is: a graph of immutable, shape-checked layers ({@link org.rnnscore.model.RnnModel},
 * {@link org.rnnscore.model.Node}) and the error types; no Spark, no I/O.
 */
package org.rnnscore.model;
