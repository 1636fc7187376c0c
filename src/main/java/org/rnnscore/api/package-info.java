/** rnnscore as a library: score a DataFrame you already hold, lazily, with the CLI's checks and kernels. */
package org.rnnscore.api;
