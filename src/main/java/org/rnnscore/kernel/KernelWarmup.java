package org.rnnscore.kernel;

import java.util.concurrent.atomic.AtomicLong;
import org.rnnscore.model.RnnModel;

/**
 * Runs the model's forward pass on synthetic rows in a background thread, so that the JIT has
 * compiled the kernel before the first real batch arrives.
 *
 * <p>Why: until C2 compiles them, the Vector API loops run as interpreted Java that boxes every
 * vector, 50 to 100 times slower. In a short run that is most of the kernel's time: the profile of
 * the README's night 2 (300k rows, 10 steps) showed both tasks in those fallbacks for the first
 * second of a 3.3 s scoring job. In local mode the tasks run in this JVM, and while the Spark
 * session starts (a few seconds, mostly one thread) a core is free to do this instead.
 *
 * <p>The rows are made up (every value 0.5), each batch is scored by this thread's own {@link
 * ForwardPass} and thrown away: nothing here touches the job's rows or results. A model the
 * synthetic rows do not fit (an Embedding's vocabulary, several inputs) just ends the warm-up.
 */
public final class KernelWarmup {
  private static final int ROWS = 256;
  private static final int STEPS_WHEN_ANY = 20;

  private final Thread thread;
  private final AtomicLong batches = new AtomicLong();
  private volatile boolean stopped;

  private KernelWarmup(RnnModel model, KernelPath path, long budgetNanos) {
    this.thread = new Thread(() -> run(model, path, System.nanoTime() + budgetNanos), "rnnscore-kernel-warmup");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
  }

  /**
   * Starts warming up; the thread stops at {@link #stop()} or after {@code budgetMillis},
   * whichever comes first.
   */
  public static KernelWarmup start(RnnModel model, KernelPath path, long budgetMillis) {
    KernelWarmup warmup = new KernelWarmup(model, path, budgetMillis * 1_000_000L);
    warmup.thread.start();
    return warmup;
  }

  /** Asks the thread to stop after its current batch; does not wait for it. */
  public void stop() {
    stopped = true;
  }

  /** Batches scored so far. */
  public long batches() {
    return batches.get();
  }

  /** Waits for the thread to end (tests). */
  void join() throws InterruptedException {
    thread.join();
  }

  private void run(RnnModel model, KernelPath path, long deadline) {
    try {
      if (model.inputs().size() != 1 || model.inputFrame() != null) {
        return;
      }
      int steps = model.inputs().get(0).declaredTimesteps() > 0 ? model.inputs().get(0).declaredTimesteps()
          : STEPS_WHEN_ANY;
      int width = model.inputWidth();
      float[] values = new float[ROWS * steps * width];
      java.util.Arrays.fill(values, 0.5f);
      int[] offsets = new int[ROWS];
      int[] lengths = new int[ROWS];
      for (int r = 0; r < ROWS; r++) {
        offsets[r] = r * steps * width;
        lengths[r] = steps;
      }
      ForwardPass pass = new ForwardPass(model, path);
      while (!stopped && System.nanoTime() < deadline) {
        pass.score(values, offsets, lengths, ROWS);
        batches.incrementAndGet();
      }
    } catch (RuntimeException | LinkageError e) {
      // A warm-up that cannot run costs the job nothing but the warm-up: the job reports its own errors.
    }
  }
}
