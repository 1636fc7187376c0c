/** How a model is read: Keras .h5, Keras 3 .keras and .npz files into {@link org.rnnscore.model.RnnModel}. */
package org.rnnscore.io;
