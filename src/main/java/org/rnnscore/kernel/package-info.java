/** How a model runs: the batched ND4J forward pass, [B, T, D] in, [B, K] out; no Spark, no I/O. */
package org.rnnscore.kernel;
