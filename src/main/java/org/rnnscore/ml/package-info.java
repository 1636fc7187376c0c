/** rnnscore as a Spark ML Pipeline stage: a Transformer over the library API that saves its model inside the pipeline. */
package org.rnnscore.ml;
