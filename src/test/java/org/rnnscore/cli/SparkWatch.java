package org.rnnscore.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;

/** What tests observe of Spark from the outside: contexts started, task attempts, log events. */
final class SparkWatch {
  private SparkWatch() {}

  /**
   * Named in {@code spark.extraListeners}: Spark makes one per SparkContext it starts, so the
   * count says whether a command started Spark at all.
   */
  public static final class ContextStarts extends SparkListener {
    static final AtomicInteger STARTED = new AtomicInteger();

    public ContextStarts() {
      STARTED.incrementAndGet();
    }
  }

  /** Every task attempt a context ran: a retried task has an attempt number above 0. */
  static final class TaskAttempts extends SparkListener {
    final List<Integer> attempts = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onTaskStart(SparkListenerTaskStart taskStart) {
      attempts.add(taskStart.taskInfo().attemptNumber());
    }
  }

  /** Stops whatever session or context this test JVM has running (SharedSpark starts a new one when asked). */
  static void stopSpark() {
    scala.Option<SparkSession> session = SparkSession.getDefaultSession();
    if (session.isDefined()) {
      session.get().stop();
    }
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    if (active.isDefined()) {
      active.get().stop();
    }
  }

  /** Log events that reached the root logger's appenders while it was attached, with their logger's name. */
  static final class LogCapture extends AbstractAppender implements AutoCloseable {
    final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

    LogCapture() {
      super("rnnscore-test-capture", null, null, true, Property.EMPTY_ARRAY);
      start();
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      context.getConfiguration().getRootLogger().addAppender(this, null, null);
      context.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
      events.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getMessage().getFormattedMessage());
    }

    /** Events from loggers other than rnnscore's. */
    List<String> foreign() {
      synchronized (events) {
        return events.stream().filter(e -> !e.split(" ", 3)[1].startsWith("org.rnnscore")).toList();
      }
    }

    @Override
    public void close() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      context.getConfiguration().getRootLogger().removeAppender(getName());
      context.updateLoggers();
      stop();
    }
  }
}
