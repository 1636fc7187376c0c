package org.rnnscore.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * {@code copyfs:///path}: the local disk, but a rename copies file by file (in name order, so
 * {@code _SUCCESS} before {@code part-*}) and then deletes the source, as object stores do; and
 * it can be told to run out of space after n bytes of the copies into one path.
 * Register with {@code fs.copyfs.impl}.
 */
public class CopyingFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "copyfs";

  private static volatile Path failInto;
  private static volatile long bytesLeft;
  /** What the target held (relative path → length) when the injected failure struck. */
  public static volatile TreeMap<String, Long> atFailure;

  /** The next copy into {@code target} (or under it) fails after {@code bytes} bytes, once. */
  public static void failCopyInto(Path target, long bytes) {
    failInto = Path.getPathWithoutSchemeAndAuthority(target);
    bytesLeft = bytes;
    atFailure = null;
  }

  public static void reset() {
    failInto = null;
    atFailure = null;
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  // RawLocalFileSystem reads permissions lazily through java.io.File, which takes only file: URIs.
  @Override
  public FileStatus getFileStatus(Path path) throws IOException {
    return plain(super.getFileStatus(path));
  }

  @Override
  public FileStatus[] listStatus(Path path) throws IOException {
    FileStatus[] statuses = super.listStatus(path);
    for (int i = 0; i < statuses.length; i++) {
      statuses[i] = plain(statuses[i]);
    }
    return statuses;
  }

  private static FileStatus plain(FileStatus s) {
    return new FileStatus(s.getLen(), s.isDirectory(), 1, s.getBlockSize(), s.getModificationTime(),
        s.getAccessTime(), FsPermission.getFileDefault(), "rnnscore", "rnnscore", s.getPath());
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    if (!exists(src) || exists(dst)) {
      return false;
    }
    Path plainDst = Path.getPathWithoutSchemeAndAuthority(makeQualified(dst));
    boolean failing = failInto != null && plainDst.toString().startsWith(failInto.toString());
    copy(src, dst, failing, dst);
    delete(src, true);
    return true;
  }

  private void copy(Path src, Path dst, boolean failing, Path root) throws IOException {
    FileStatus status = getFileStatus(src);
    if (status.isDirectory()) {
      mkdirs(dst);
      List<FileStatus> children = Arrays.asList(listStatus(src));
      children.sort(Comparator.comparing(c -> c.getPath().getName()));
      for (FileStatus child : children) {
        copy(child.getPath(), new Path(dst, child.getPath().getName()), failing, root);
      }
      return;
    }
    try (InputStream in = open(src); OutputStream out = create(dst, false)) {
      byte[] buffer = new byte[4096];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        if (failing && n > bytesLeft) {
          out.write(buffer, 0, (int) bytesLeft);
          out.flush();
          failInto = null;
          atFailure = CommitJournal.listing(this, root);
          throw new IOException("No space left on device");
        }
        out.write(buffer, 0, n);
        if (failing) {
          bytesLeft -= n;
        }
      }
    }
  }
}
