/** What a model is: immutable, shape-checked layers and the error types; no Spark, no I/O. */
package org.rnnscore.model;
