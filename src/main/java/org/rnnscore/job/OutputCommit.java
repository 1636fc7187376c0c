package org.rnnscore.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.rnnscore.model.RetryableException;
import org.rnnscore.model.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All-or-nothing output over one or more targets (the output and the rejects are one commit). A
 * run {@linkplain #open opens} it before any work: it locks every target ({@link OutputLock}, in
 * a fixed order), finishes a commit that a killed run left ({@link CommitJournal}), and deletes
 * stale staging; only then are the targets checked and written. The job writes each target into a
 * hidden staging directory beside it ({@code .<name>.rnnscore-staging-<run>}; Spark and Hadoop
 * skip names starting with a dot), and {@link #commit} moves them into place under a journal:
 * each old output (or, with --partition-by, each replaced partition) renamed aside into
 * {@code .<name>.rnnscore-replaced-<run>}, each new one renamed in, the {@code _SUCCESS} markers
 * created last, then the commit point recorded and the backups deleted. A failure or a kill at
 * any point leaves, once the next run has recovered, each target exactly old or exactly new.
 */
final class OutputCommit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputCommit.class);
  static final String STAGING = ".rnnscore-staging-";
  static final String REPLACED = ".rnnscore-replaced-";
  private static final String SUCCESS = "_SUCCESS";
  /** The exit code of a JVM halted by the test hook {@code rnnscore.test.haltAtCommitStep}. */
  static final int HALT_EXIT = 86;

  /** An output of the run: {@code label} names its option in messages. */
  record Target(String label, String location, boolean partitioned) {}

  private record Locked(Target target, FileSystem fs, Path path, Path staging, Path backup) {}

  private final Configuration conf;
  private final String run;
  private final Map<String, Locked> byLabel = new LinkedHashMap<>();
  private final List<OutputLock> locks = new ArrayList<>();
  private boolean committed;
  private int step;

  private OutputCommit(Configuration conf, String run) {
    this.conf = conf;
    this.run = run;
  }

  /** Locks the targets, recovers what killed runs left beside them, and names each one's staging. */
  static OutputCommit open(Configuration conf, List<Target> targets) {
    OutputCommit commit = new OutputCommit(conf, Long.toString(System.currentTimeMillis(), 36)
        + Long.toString(System.nanoTime() & 0xffffff, 36));
    try {
      List<Locked> order = new ArrayList<>();
      for (Target target : targets) {
        Path path = new Path(target.location());
        FileSystem fs;
        try {
          fs = path.getFileSystem(conf);
        } catch (IOException e) {
          throw new UsageException(target.label() + " " + target.location() + " cannot be prepared: "
              + e.getMessage(), e);
        }
        Path qualified = fs.makeQualified(path);
        Locked locked = new Locked(target, fs, qualified, sibling(qualified, STAGING + commit.run),
            sibling(qualified, REPLACED + commit.run));
        if (order.stream().noneMatch(other -> other.path().equals(qualified))) {
          order.add(locked);
        }
        commit.byLabel.put(target.label(), locked);
      }
      order.sort(Comparator.comparing(l -> l.path().toString())); // one order for all runs: no deadlock
      for (Locked l : order) {
        commit.locks.add(OutputLock.acquire(l.fs(), l.path(), l.target().label(), commit.run));
      }
      for (Locked l : order) {
        commit.recover(l, order);
      }
      return commit;
    } catch (RuntimeException | Error e) {
      commit.close();
      throw e;
    }
  }

  /** Where the job writes the target named {@code label}. */
  String stagingPath(String label) {
    return byLabel.get(label).staging().toString();
  }

  /**
   * Moves every staged target into place as one commit: after it each target holds its new
   * output; if it fails, each one holds its old output again (or, if even that failed, the
   * next run restores it first) and a retryable error says so.
   */
  void commit() {
    CommitJournal.Plan plan;
    try {
      plan = plan();
    } catch (IOException | FSError e) {
      throw failed(e, null);
    }
    try {
      CommitJournal.write(plan, conf);
      step(plan, "planned");
      List<CommitJournal.Move> moves = plan.moves();
      for (int i = 0; i < moves.size(); i++) {
        move(plan, i, moves.get(i));
      }
      step(plan, CommitJournal.COMMITTED);
    } catch (IOException | FSError | RuntimeException e) {
      throw failed(e, plan);
    }
    committed = true;
    try {
      for (CommitJournal.Leftovers l : plan.leftovers()) {
        l.staging().getFileSystem(conf).delete(l.staging(), true);
        l.backup().getFileSystem(conf).delete(l.backup(), true);
      }
      step(plan, "cleaned");
      CommitJournal.remove(plan, conf);
      step(plan, null);
    } catch (IOException | FSError e) {
      // Committed: the new output is in place; the next run deletes the backups the journal names.
      LOG.warn("the output is committed, but its backup was not deleted ({}); the next run deletes it",
          e.getMessage());
    }
  }

  private void move(CommitJournal.Plan plan, int index, CommitJournal.Move move) throws IOException {
    FileSystem fs = move.to().getFileSystem(conf);
    if (move.hadOld()) {
      fs.mkdirs(move.backup().getParent());
      if (!fs.rename(move.to(), move.backup())) {
        throw new IOException("could not move the previous " + move.to() + " aside to " + move.backup());
      }
      step(plan, "aside-" + index);
    }
    step(plan, "moving-" + index);
    if (move.from() == null) {
      fs.create(move.to(), false).close();
    } else if (!fs.rename(move.from(), move.to())) {
      throw new IOException("could not move " + move.from() + " to " + move.to());
    }
    step(plan, "in-" + index);
  }

  /**
   * The moves: per target, the whole staging directory onto the target, or, for a partitioned
   * target that exists, each staged partition onto the partition of that value (the others stay);
   * then every target's {@code _SUCCESS}, last, so that a target cut short never looks complete.
   */
  private CommitJournal.Plan plan() throws IOException {
    List<Path> journals = new ArrayList<>();
    List<CommitJournal.Leftovers> leftovers = new ArrayList<>();
    List<CommitJournal.Move> moves = new ArrayList<>();
    List<CommitJournal.Move> markers = new ArrayList<>();
    for (Locked l : distinct()) {
      FileSystem fs = l.fs();
      journals.add(CommitJournal.of(l.path()));
      leftovers.add(new CommitJournal.Leftovers(l.staging(), l.backup()));
      // The marker is created in the target after the data, not moved with it.
      boolean marked = fs.delete(new Path(l.staging(), SUCCESS), false);
      boolean exists = fs.exists(l.path());
      if (l.target().partitioned() && exists) {
        for (FileStatus child : fs.listStatus(l.staging())) {
          Path to = new Path(l.path(), child.getPath().getName());
          moves.add(moveOnto(fs, child.getPath(), to, new Path(l.backup(), to.getName())));
        }
        if (marked) {
          Path marker = new Path(l.path(), SUCCESS);
          markers.add(moveOnto(fs, null, marker, new Path(l.backup(), SUCCESS)));
        }
      } else {
        moves.add(moveOnto(fs, l.staging(), l.path(), l.backup()));
        if (marked) {
          markers.add(new CommitJournal.Move(null, new Path(l.path(), SUCCESS), new Path(l.backup(), SUCCESS), false,
              new TreeMap<>()));
        }
      }
    }
    moves.addAll(markers);
    return new CommitJournal.Plan(run, journals, leftovers, moves);
  }

  private static CommitJournal.Move moveOnto(FileSystem fs, Path from, Path to, Path backup) throws IOException {
    boolean hadOld = fs.exists(to);
    return new CommitJournal.Move(from, to, backup, hadOld, hadOld ? CommitJournal.listing(fs, to) : new TreeMap<>());
  }

  /** Rolls a failed commit back at once, and says (retryable) what happened to the targets. */
  private RetryableException failed(Throwable e, CommitJournal.Plan plan) {
    String targets = String.join(" and ", distinct().stream()
        .map(l -> l.target().label() + " " + l.target().location()).toList());
    String cause = e instanceof FSError && e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
    String outcome = "nothing was changed";
    if (plan != null) {
      try {
        CommitJournal.recover(CommitJournal.of(distinct().get(0).path()), plan, conf);
      } catch (IOException | FSError | RuntimeException again) {
        outcome = "the previous output could not be put back yet (" + again.getMessage()
            + "); the next run to it restores it before anything else";
        e.addSuppressed(again);
      }
    }
    return new RetryableException("moving the new output into " + targets + " failed: " + cause + "; " + outcome
        + ", and a retry can succeed", e);
  }

  /** The test hook: halts the JVM right after step k ({@code -Drnnscore.test.haltAtCommitStep=k}). */
  private void step(CommitJournal.Plan plan, String record) throws IOException {
    if (record != null) {
      CommitJournal.record(plan, record, conf);
    }
    step++;
    if (Integer.getInteger("rnnscore.test.haltAtCommitStep", -1) == step) {
      Runtime.getRuntime().halt(HALT_EXIT);
    }
  }

  /** The targets once each, in lock order (output and rejects may be the same path only if refused earlier). */
  private List<Locked> distinct() {
    List<Locked> out = new ArrayList<>();
    for (Locked l : byLabel.values()) {
      if (out.stream().noneMatch(o -> o.path().equals(l.path()))) {
        out.add(l);
      }
    }
    out.sort(Comparator.comparing(l -> l.path().toString()));
    return out;
  }

  /**
   * Under the lock: finishes a journaled commit a killed run left at this target (taking the
   * locks of the other targets it names for as long), then deletes stale staging.
   */
  private void recover(Locked l, List<Locked> held) {
    FileSystem fs = l.fs();
    try {
      Path journal = CommitJournal.of(l.path());
      if (fs.exists(journal)) {
        CommitJournal.Plan plan = CommitJournal.read(journal, conf);
        if (plan == null) {
          fs.delete(journal, true); // killed while writing the plan: nothing was moved
        } else {
          List<OutputLock> extra = new ArrayList<>();
          try {
            for (Path other : plan.journals()) {
              Path target = new Path(other.getParent(), other.getName().substring(1,
                  other.getName().length() - CommitJournal.SUFFIX.length()));
              if (held.stream().noneMatch(h -> h.path().equals(target))) {
                extra.add(OutputLock.acquire(target.getFileSystem(conf), target, l.target().label(), run));
              }
            }
            LOG.warn("finishing the commit of killed run {} at {}", plan.run(), l.path());
            CommitJournal.recover(journal, plan, conf);
          } finally {
            extra.forEach(OutputLock::close);
          }
        }
      }
      sweep(l);
    } catch (IOException | FSError e) {
      throw new RetryableException(l.target().label() + " " + l.target().location()
          + ": could not finish the commit a killed run left: " + e.getMessage(), e);
    }
  }

  /**
   * Staging of runs killed before their commit began, beside the target; and a backup without a
   * journal (left by versions before the journal, beside the target or, for a partition, inside
   * it) put back where its original is missing, else deleted.
   */
  private void sweep(Locked l) throws IOException {
    FileSystem fs = l.fs();
    Path parent = l.path().getParent();
    if (parent != null && fs.exists(parent)) {
      sweep(fs, parent, l.path().getName());
    }
    if (fs.exists(l.path()) && fs.getFileStatus(l.path()).isDirectory()) {
      sweep(fs, l.path(), null);
    }
  }

  /** @param only the one original name whose leftovers are swept, or null for all */
  private static void sweep(FileSystem fs, Path dir, String only) throws IOException {
    for (FileStatus status : fs.listStatus(dir)) {
      String name = status.getPath().getName();
      for (String kind : new String[] {STAGING, REPLACED}) {
        int at = name.lastIndexOf(kind);
        if (!name.startsWith(".") || at < 1 || (only != null && !name.substring(1, at).equals(only))) {
          continue;
        }
        Path original = new Path(dir, name.substring(1, at));
        if (kind.equals(REPLACED) && !fs.exists(original)) {
          fs.rename(status.getPath(), original);
        } else {
          fs.delete(status.getPath(), true);
        }
      }
    }
  }

  /** Deletes the staged outputs unless committed, and releases the locks. */
  @Override
  public void close() {
    if (!committed) {
      for (Locked l : byLabel.values()) {
        if (!locks.isEmpty()) { // staging is only ever deleted by the lock holder
          try {
            l.fs().delete(l.staging(), true);
          } catch (IOException e) {
            LOG.warn("could not delete the staging {}: {}", l.staging(), e.getMessage());
          }
        }
      }
    }
    for (int i = locks.size() - 1; i >= 0; i--) {
      locks.get(i).close();
    }
    locks.clear();
  }

  static Path sibling(Path target, String suffix) {
    return new Path(target.getParent(), "." + target.getName() + suffix);
  }
}
