package org.rnnscore.cli;

import java.util.LinkedHashMap;
import java.util.Map;
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
final class QuietLogs implements AutoCloseable {
  private static final String OWN = "org.rnnscore";

  private final LoggerContext context;
  private final Map<LoggerConfig, Level> saved = new LinkedHashMap<>();

  private QuietLogs(LoggerContext context) {
    this.context = context;
  }

  /** Turns the other loggers off until {@link #close}. */
  static QuietLogs apply() {
    LoggerContext context;
    try {
      if (!(LogManager.getContext(false) instanceof LoggerContext)) {
        return new QuietLogs(null);
      }
      context = (LoggerContext) LogManager.getContext(false);
    } catch (LinkageError e) { // log4j-core absent
      return new QuietLogs(null);
    }
    QuietLogs quiet = new QuietLogs(context);
    Configuration config = context.getConfiguration();
    if (!config.getLoggerConfig(OWN).getName().equals(OWN)) {
      // rnnscore's lines keep the level they would have had under the root.
      LoggerConfig own = new LoggerConfig(OWN, config.getRootLogger().getLevel(), true);
      config.addLogger(OWN, own);
    }
    java.util.Set<LoggerConfig> loggers = new java.util.LinkedHashSet<>(config.getLoggers().values());
    loggers.add(config.getRootLogger());
    for (LoggerConfig logger : loggers) {
      if (!logger.getName().startsWith(OWN)) {
        quiet.saved.put(logger, logger.getLevel());
        logger.setLevel(Level.OFF);
      }
    }
    context.updateLoggers();
    return quiet;
  }

  /** The levels as they were. */
  @Override
  public void close() {
    if (context == null) {
      return;
    }
    saved.forEach(LoggerConfig::setLevel);
    context.updateLoggers();
  }
}
