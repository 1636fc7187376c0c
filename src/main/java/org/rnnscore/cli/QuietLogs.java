package org.rnnscore.cli;

import java.beans.PropertyChangeEvent;
import java.beans.PropertyChangeListener;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * Without --verbose, the log of everything but rnnscore is off while a command runs: a user error
 * (a bad row, a refused model) ends with rnnscore's one message on stderr, not with the hundreds
 * of ERROR lines and stack traces Spark logs on the way (its tasks' failures, the aborted write).
 * --verbose leaves the log as configured and prints the failure's trace.
 *
 * <p>Works on log4j2's configuration (Spark 4's logging); where another logging backend is bound,
 * the log is left alone.
 */
final class QuietLogs implements AutoCloseable, PropertyChangeListener {
  private static final String OWN = "org.rnnscore";

  private final LoggerContext context;
  private final Map<LoggerConfig, Level> saved = new LinkedHashMap<>();

  private QuietLogs(LoggerContext context) {
    this.context = context;
  }

  /** Turns the other loggers off until {@link #close}. */
  static QuietLogs apply() {
    initializeSparkLogging();
    LoggerContext context;
    try {
      // Spark's context: under spark-submit rnnscore's classes have a class loader of their own.
      Object found = LogManager.getContext(org.apache.spark.SparkConf.class.getClassLoader(), false);
      if (!(found instanceof LoggerContext)) {
        return new QuietLogs(null);
      }
      context = (LoggerContext) found;
    } catch (LinkageError e) { // log4j-core absent
      return new QuietLogs(null);
    }
    QuietLogs quiet = new QuietLogs(context);
    quiet.silence(context.getConfiguration());
    context.addPropertyChangeListener(quiet);
    return quiet;
  }

  /**
   * Spark loads its default log configuration at its first log line when none was configured (and
   * spark-submit resets its own before the application runs): done first, so that what is turned
   * off here stays off.
   */
  private static void initializeSparkLogging() {
    try {
      new org.apache.spark.SparkConf(false).initializeLogIfNecessary(false);
    } catch (LinkageError | RuntimeException e) {
      // No Spark logging to initialize.
    }
  }

  private synchronized void silence(Configuration config) {
    if (!config.getLoggerConfig(OWN).getName().equals(OWN)) {
      // rnnscore's lines keep the level they would have had under the root.
      config.addLogger(OWN, new LoggerConfig(OWN, config.getRootLogger().getLevel(), true));
    }
    Set<LoggerConfig> loggers = new LinkedHashSet<>(config.getLoggers().values());
    loggers.add(config.getRootLogger());
    for (LoggerConfig logger : loggers) {
      if (!logger.getName().startsWith(OWN) && logger.getLevel() != Level.OFF) {
        saved.putIfAbsent(logger, logger.getLevel());
        logger.setLevel(Level.OFF);
      }
    }
    context.updateLoggers();
  }

  /** A reconfiguration (Spark loading its defaults late) is silenced too. */
  @Override
  public void propertyChange(PropertyChangeEvent event) {
    if (LoggerContext.PROPERTY_CONFIG.equals(event.getPropertyName()) && event.getNewValue() instanceof Configuration) {
      silence((Configuration) event.getNewValue());
    }
  }

  /** The levels as they were. */
  @Override
  public synchronized void close() {
    if (context == null) {
      return;
    }
    context.removePropertyChangeListener(this);
    saved.forEach(LoggerConfig::setLevel);
    context.updateLoggers();
  }
}
