/** How a model runs: the batched forward pass (recurrent layers fused on the heap or on ND4J's BLAS), [B, T, D] in, [B, K] out; no Spark, no I/O. */
package org.rnnscore.kernel;
