/** The picocli commands (score, inspect, generate) and exit codes; the only place that exits or prints for the user. */
package org.rnnscore.cli;
