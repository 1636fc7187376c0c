package org.rnnscore.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.rnnscore.job.ScoreJob;

/**
 * The progress line on stderr while scoring, every few seconds: rows scored of the input's total,
 * rows/s, elapsed, ETA. The count comes from an accumulator that executors report with their
 * heartbeats and at task ends, so it moves in steps (and a retried task counts twice here, never
 * in the final report, which counts the committed output).
 */
final class ProgressLine implements ScoreJob.Progress {
  private final PrintWriter err;
  private final long intervalMillis;
  private Thread thread;

  ProgressLine(PrintWriter err, long intervalMillis) {
    this.err = err;
    this.intervalMillis = intervalMillis;
  }

  @Override
  public void started(long totalRows, LongSupplier rowsScored) {
    long start = System.nanoTime();
    thread = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(intervalMillis);
          err.println(line(rowsScored.getAsLong(), totalRows, (System.nanoTime() - start) / 1e9));
          err.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "rnnscore-progress");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void finished() {
    if (thread != null) {
      thread.interrupt();
    }
  }

  static String line(long done, long total, double elapsedSeconds) {
    double rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
    String eta = rate > 0 && done < total ? String.format(Locale.ROOT, "%.0f s", (total - done) / rate) : "-";
    return String.format(Locale.ROOT, "rnnscore: %,d / %,d rows (%.0f%%), %,.0f rows/s, %.0f s elapsed, ETA %s", done,
        total, total == 0 ? 100.0 : Math.min(100.0, done * 100.0 / total), rate, elapsedSeconds, eta);
  }
}
