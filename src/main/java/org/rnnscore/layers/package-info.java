/** The layer registry: each Keras layer kind as one unit (config, weights, model layer, kernel stage), listed in {@link org.rnnscore.layers.LayerUnits}. */
package org.rnnscore.layers;
