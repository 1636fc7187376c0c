/**
 * How a model is read: Keras .h5 (full model), Keras 3 .keras, a Keras 2 architecture JSON with its
 * save_weights() .h5, and .npz files into {@link org.rnnscore.model.RnnModel}. Entry point: {@link
 * org.rnnscore.io.ModelReader}; {@link org.rnnscore.io.NpzWriter} writes the .npz form back (generate --model-shape).
 */
package org.rnnscore.io;
