package org.rnnscore.job;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;

/** Local files behind other schemes, to test what depends on the FileSystem without a cluster. */
final class TestFileSystems {
  private TestFileSystems() {}

  /** A Hadoop Configuration where {@code scheme://...} is served by {@code type}, uncached. */
  static Configuration with(String scheme, Class<?> type) {
    Configuration conf = new Configuration();
    conf.set("fs." + scheme + ".impl", type.getName());
    conf.setBoolean("fs." + scheme + ".impl.disable.cache", true);
    return conf;
  }

  /** {@code porthdfs://host[:port]/path}: local paths under an authority whose default port is 8020, as HDFS's. */
  public static final class PortedFileSystem extends RawLocalFileSystem {
    private URI uri;

    @Override
    public void initialize(URI name, Configuration conf) throws IOException {
      super.initialize(name, conf);
      uri = URI.create(name.getScheme() + "://" + name.getAuthority());
    }

    @Override
    public URI getUri() {
      return uri == null ? super.getUri() : uri;
    }

    @Override
    public String getScheme() {
      return "porthdfs";
    }

    @Override
    protected int getDefaultPort() {
      return 8020;
    }

    @Override
    public Path getWorkingDirectory() {
      return new Path(getUri() + System.getProperty("user.dir"));
    }
  }

  /** {@code readonly:///path}: local paths on which every create and mkdirs is denied, as on a read-only mount. */
  public static final class ReadOnlyFileSystem extends RawLocalFileSystem {
    @Override
    public URI getUri() {
      return URI.create("readonly:///");
    }

    @Override
    public String getScheme() {
      return "readonly";
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
        short replication, long blockSize, Progressable progress) throws IOException {
      throw new AccessControlException("Permission denied: " + f + " (read-only filesystem)");
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
        Progressable progress) throws IOException {
      throw new AccessControlException("Permission denied: " + f + " (read-only filesystem)");
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
      throw new AccessControlException("Permission denied: " + f + " (read-only filesystem)");
    }
  }
}
