package org.rnnscore.job;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The record of one commit, {@code .<name>.rnnscore-journal} beside each target: a directory
 * holding the plan (every move, with a listing of each output it moves aside) and one empty file
 * per step done, in the first target's journal. The step {@code committed} is the commit point,
 * written once every new output is in place: a run killed before it is rolled back (the old
 * outputs restored, the staging deleted), one killed after it is rolled forward (the backups
 * deleted). Each record is a file creation, atomic on every Hadoop filesystem.
 */
final class CommitJournal {
  static final String SUFFIX = ".rnnscore-journal";
  private static final String PLAN = "plan";
  static final String COMMITTED = "committed";

  /**
   * One rename of the commit: {@code from} (null: create an empty {@code _SUCCESS} marker) to
   * {@code to}, the previous {@code to} (if {@code hadOld}) first moved to {@code backup}, and
   * {@code oldListing} what it held, so that recovery can tell a complete backup from a cut-short copy.
   */
  record Move(Path from, Path to, Path backup, boolean hadOld, TreeMap<String, Long> oldListing) {}

  /** A target's staging and backup, deleted once the commit is decided. */
  record Leftovers(Path staging, Path backup) {}

  record Plan(String run, List<Path> journals, List<Leftovers> leftovers, List<Move> moves) {}

  private CommitJournal() {}

  static Path of(Path target) {
    return OutputCommit.sibling(target, SUFFIX);
  }

  /** Writes the plan into every journal, the first one last (it holds the steps and decides). */
  static void write(Plan plan, Configuration conf) throws IOException {
    StringBuilder text = new StringBuilder("run\t" + enc(plan.run()) + "\n");
    for (Path journal : plan.journals()) {
      text.append("journal\t").append(enc(journal.toString())).append('\n');
    }
    for (Leftovers l : plan.leftovers()) {
      text.append("leftovers\t").append(enc(l.staging().toString())).append('\t')
          .append(enc(l.backup().toString())).append('\n');
    }
    for (int i = 0; i < plan.moves().size(); i++) {
      Move m = plan.moves().get(i);
      text.append("move\t").append(m.from() == null ? "-" : enc(m.from().toString())).append('\t')
          .append(enc(m.to().toString())).append('\t').append(enc(m.backup().toString())).append('\t')
          .append(m.hadOld()).append('\n');
      for (var file : m.oldListing().entrySet()) {
        text.append("old\t").append(i).append('\t').append(enc(file.getKey())).append('\t').append(file.getValue())
            .append('\n');
      }
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    List<Path> order = new ArrayList<>(plan.journals().subList(1, plan.journals().size()));
    order.add(plan.journals().get(0));
    for (Path journal : order) {
      FileSystem fs = journal.getFileSystem(conf);
      Path partial = new Path(journal, PLAN + ".partial");
      try (OutputStream out = fs.create(partial, true)) {
        out.write(bytes);
      }
      if (!fs.rename(partial, new Path(journal, PLAN))) {
        throw new IOException("could not write the commit journal " + journal);
      }
    }
  }

  /** Records a step in the deciding journal. */
  static void record(Plan plan, String step, Configuration conf) throws IOException {
    Path journal = plan.journals().get(0);
    journal.getFileSystem(conf).create(new Path(journal, step), false).close();
  }

  /** The plan in {@code journal}, or null when the run was killed while writing it (nothing was moved). */
  static Plan read(Path journal, Configuration conf) throws IOException {
    FileSystem fs = journal.getFileSystem(conf);
    Path file = new Path(journal, PLAN);
    if (!fs.exists(file)) {
      return null;
    }
    String run = null;
    List<Path> journals = new ArrayList<>();
    List<Leftovers> leftovers = new ArrayList<>();
    List<Move> moves = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split("\t", -1);
        switch (f[0]) {
          case "run" -> run = dec(f[1]);
          case "journal" -> journals.add(new Path(dec(f[1])));
          case "leftovers" -> leftovers.add(new Leftovers(new Path(dec(f[1])), new Path(dec(f[2]))));
          case "move" -> moves.add(new Move(f[1].equals("-") ? null : new Path(dec(f[1])), new Path(dec(f[2])),
              new Path(dec(f[3])), Boolean.parseBoolean(f[4]), new TreeMap<>()));
          case "old" -> moves.get(Integer.parseInt(f[1])).oldListing().put(dec(f[2]), Long.parseLong(f[3]));
          default -> throw new IOException(file + ": unknown journal line '" + line + "'");
        }
      }
    }
    return new Plan(run, journals, leftovers, moves);
  }

  /**
   * Finishes a commit a killed (or failed) run left: rolls it back before the commit point, forward
   * after it, then deletes the journals (the deciding one last). Safe to repeat if it is itself killed.
   */
  static void recover(Path journal, Plan plan, Configuration conf) throws IOException {
    Path decider = plan.journals().get(0);
    FileSystem deciderFs = decider.getFileSystem(conf);
    boolean committed = deciderFs.exists(new Path(decider, COMMITTED));
    if (!committed) {
      for (int i = plan.moves().size() - 1; i >= 0; i--) {
        rollBack(plan.moves().get(i), deciderFs.exists(new Path(decider, "moving-" + i)), conf);
      }
    }
    for (Leftovers l : plan.leftovers()) {
      l.staging().getFileSystem(conf).delete(l.staging(), true);
      l.backup().getFileSystem(conf).delete(l.backup(), true);
    }
    remove(plan, conf);
  }

  /** Deletes the journals, the deciding one last. */
  static void remove(Plan plan, Configuration conf) throws IOException {
    for (int i = plan.journals().size() - 1; i >= 0; i--) {
      Path journal = plan.journals().get(i);
      journal.getFileSystem(conf).delete(journal, true);
    }
  }

  private static void rollBack(Move move, boolean moving, Configuration conf) throws IOException {
    FileSystem fs = move.to().getFileSystem(conf);
    if (!move.hadOld()) {
      if (moving) {
        fs.delete(move.to(), true); // the new output, whole or cut short
      }
      return;
    }
    if (!fs.exists(move.backup())) {
      return; // never moved aside, or already restored: the old output is at move.to()
    }
    if (move.oldListing().equals(listing(fs, move.backup()))) {
      fs.delete(move.to(), true);
      if (!fs.rename(move.backup(), move.to())) {
        throw new IOException("could not move the previous output back from " + move.backup() + " to " + move.to());
      }
    } else if (move.oldListing().equals(listing(fs, move.to()))) {
      fs.delete(move.backup(), true); // moving it aside was cut short: it never left
    } else {
      throw new IOException("neither " + move.to() + " nor its backup " + move.backup()
          + " holds the whole previous output; both are left as they are");
    }
  }

  /** Every file under {@code path} (or the file itself, as ""), with its length. */
  static TreeMap<String, Long> listing(FileSystem fs, Path path) throws IOException {
    TreeMap<String, Long> files = new TreeMap<>();
    if (!fs.exists(path)) {
      return files;
    }
    FileStatus top = fs.getFileStatus(path);
    if (top.isFile()) {
      files.put("", top.getLen());
      return files;
    }
    String root = fs.makeQualified(top.getPath()).toUri().getPath();
    RemoteIterator<LocatedFileStatus> all = fs.listFiles(path, true);
    while (all.hasNext()) {
      LocatedFileStatus file = all.next();
      files.put(fs.makeQualified(file.getPath()).toUri().getPath().substring(root.length()), file.getLen());
    }
    return files;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
