package org.rnnscore.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.rnnscore.model.RetryableException;
import org.rnnscore.model.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run at a time per output: {@code .<name>.rnnscore-lock} beside the target, created with
 * {@code overwrite=false} (atomic on HDFS and local disk), holding the run id, pid, host and a
 * heartbeat that a daemon thread rewrites every 10 s. A second run that finds a live lock fails
 * (retryable, exit 5) and touches nothing. A lock whose heartbeat is older than
 * {@code rnnscore.lock.staleSeconds} (60), or whose process is gone (same host and pid namespace),
 * is a killed run's, and is taken over.
 */
final class OutputLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
  static final String SUFFIX = ".rnnscore-lock";
  static final long HEARTBEAT_SECONDS = 10;

  private final FileSystem fs;
  private final Path lock;
  private final String run;
  private final ScheduledExecutorService heartbeat;

  private OutputLock(FileSystem fs, Path lock, String run) {
    this.fs = fs;
    this.lock = lock;
    this.run = run;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "rnnscore-lock-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  /** Takes the lock of {@code target} (qualified), taking over a stale one; fails if another run holds it. */
  static OutputLock acquire(FileSystem fs, Path target, String label, String run) {
    Path lock = OutputCommit.sibling(target, SUFFIX);
    try {
      for (int attempt = 0; attempt < 3; attempt++) {
        if (tryCreate(fs, lock, run)) {
          return new OutputLock(fs, lock, run);
        }
        Holder holder = Holder.read(fs, lock);
        if (holder == null) {
          continue; // released meanwhile
        }
        if (!holder.stale()) {
          throw held(target, holder);
        }
        LOG.warn("taking over the stale lock {} of run {} (pid {}, host {}, heartbeat {} s ago)", lock, holder.run,
            holder.pid, holder.host, holder.ageSeconds());
        fs.delete(lock, false);
      }
      throw new RetryableException(target + " is being locked by other runs at the same time; retry when they end");
    } catch (IOException e) {
      throw new UsageException(label + " " + target + " cannot be locked (" + lock + "): " + e.getMessage(), e);
    }
  }

  /**
   * For validate: fails as {@link #acquire} would when another run holds {@code target}'s live
   * lock, without taking it.
   */
  static void requireFree(FileSystem fs, Path target, String label) {
    Path lock = OutputCommit.sibling(target, SUFFIX);
    try {
      Holder holder = fs.exists(lock) ? Holder.read(fs, lock) : null;
      if (holder != null && !holder.stale()) {
        throw held(target, holder);
      }
    } catch (IOException e) {
      throw new UsageException(label + " " + target + " cannot be checked for a lock (" + lock + "): "
          + e.getMessage(), e);
    }
  }

  private static RetryableException held(Path target, Holder holder) {
    return new RetryableException(target + " is being written by run " + holder.run + " (pid " + holder.pid
        + ", host " + holder.host + ", heartbeat " + holder.ageSeconds() + " s ago); retry when it ends");
  }

  private static boolean tryCreate(FileSystem fs, Path lock, String run) throws IOException {
    try (OutputStream out = fs.create(lock, false)) {
      out.write(content(run));
      return true;
    } catch (IOException e) {
      if (fs.exists(lock)) {
        return false; // FileAlreadyExistsException, or its filesystem's own kind of it
      }
      throw e;
    }
  }

  private static byte[] content(String run) {
    return ("run=" + run + "\npid=" + ProcessHandle.current().pid() + "\nhost=" + localHost()
        + "\npidns=" + PID_NAMESPACE + "\nheartbeat=" + System.currentTimeMillis() + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * This process's pid namespace (Linux), so that a pid is only judged dead where it would be
   * visible: containers sharing the host's name have their own pids. Empty where unknown.
   */
  private static final String PID_NAMESPACE = pidNamespace();

  private static String pidNamespace() {
    try {
      return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid")).toString();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private void beat() {
    try (OutputStream out = fs.create(lock, true)) {
      out.write(content(run));
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not refresh the lock {}: {}", lock, e.getMessage());
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(5, TimeUnit.SECONDS);
      fs.delete(lock, false);
    } catch (IOException e) {
      LOG.warn("could not delete the lock {} (the next run takes it over once stale): {}", lock, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What a lock file says about the run holding it. */
  private record Holder(String run, String pid, String host, String pidns, long heartbeatMillis) {
    static Holder read(FileSystem fs, Path lock) throws IOException {
      Properties properties = new Properties();
      long modified;
      try (InputStream in = fs.open(lock)) {
        modified = fs.getFileStatus(lock).getModificationTime();
        properties.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (java.io.FileNotFoundException e) {
        return null;
      }
      long heartbeat;
      try {
        heartbeat = Long.parseLong(properties.getProperty("heartbeat"));
      } catch (NumberFormatException e) {
        heartbeat = modified; // caught between the truncation and the write of a heartbeat
      }
      return new Holder(properties.getProperty("run", "?"), properties.getProperty("pid", "?"),
          properties.getProperty("host", "?"), properties.getProperty("pidns", ""), heartbeat);
    }

    long ageSeconds() {
      return Math.max(0, (System.currentTimeMillis() - heartbeatMillis) / 1000);
    }

    boolean stale() {
      if (ageSeconds() > Long.getLong("rnnscore.lock.staleSeconds", 60)) {
        return true;
      }
      if (host.equals(localHost()) && !pidns.isEmpty() && pidns.equals(PID_NAMESPACE)) {
        // A killed run on this machine need not be waited for.
        try {
          return ProcessHandle.of(Long.parseLong(pid)).isEmpty();
        } catch (NumberFormatException e) {
          return false;
        }
      }
      return false;
    }
  }
}
