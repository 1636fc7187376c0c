package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.model.UsageException;

/** The path guards on a plain Hadoop Configuration (no Spark): resolution, containment, probes, catalogs. */
class PathGuardsTest {
  @TempDir
  Path dir;

  private static PathGuards.Request request(String input, String output, String rejects) {
    return new PathGuards.Request(input, output, rejects, null, null, null, ScoreOptions.WriteMode.OVERWRITE, false);
  }

  @Test
  void resolve_withAndWithoutDefaultPortAndUnderDefaultFs_onePath() {
    Configuration conf = TestFileSystems.with("porthdfs", TestFileSystems.PortedFileSystem.class);
    conf.set("fs.defaultFS", "porthdfs://localhost:8020");
    String path = dir.resolve("x").toString();
    org.apache.hadoop.fs.Path expected = new org.apache.hadoop.fs.Path("porthdfs://localhost:8020" + path);
    assertEquals(expected, PathGuards.resolve("porthdfs://localhost:8020" + path, conf));
    assertEquals(expected, PathGuards.resolve("porthdfs://localhost" + path, conf));
    assertEquals(expected, PathGuards.resolve(path, conf));
    assertEquals(expected, PathGuards.resolve(path + "/", conf));
  }

  @Test
  void check_outputWithoutPortIsInputWithPort_usageErrorNamingBothResolvedPaths() throws Exception {
    Configuration conf = TestFileSystems.with("porthdfs", TestFileSystems.PortedFileSystem.class);
    conf.set("fs.defaultFS", "porthdfs://localhost:8020");
    Path in = Files.createDirectories(dir.resolve("in"));
    UsageException e = assertThrows(UsageException.class, () -> PathGuards.check(conf,
        request("porthdfs://localhost:8020" + in, "porthdfs://localhost" + in, null)));
    assertEquals("--output porthdfs://localhost:8020" + in + " is the same location as --input porthdfs://localhost:8020"
        + in + "; replacing the output would delete the input: write it outside the input", e.getMessage());
  }

  @Test
  void check_readOnlyFileSystem_usageErrorBeforeAnyWork() throws Exception {
    Configuration conf = TestFileSystems.with("readonly", TestFileSystems.ReadOnlyFileSystem.class);
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.createDirectories(dir.resolve("ro"));
    UsageException e = assertThrows(UsageException.class, () -> PathGuards.check(conf,
        request(in.toString(), "readonly://" + dir.resolve("ro/out"), null)));
    assertEquals("--output readonly:" + dir.resolve("ro/out") + " cannot be written: AccessControlException:"
        + " Permission denied: readonly:" + dir.resolve("ro/.out.rnnscore-probe-").toString(), e.getMessage()
        .replaceAll("probe-[0-9a-z]+", "probe-").replace(" (read-only filesystem)", ""));
    try (var left = Files.list(dir.resolve("ro"))) {
      assertEquals(0, left.count(), "the probe leaves nothing");
    }
  }

  @Test
  void check_probeOnAWritableDirectory_leavesNothingBehind() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    PathGuards.Resolved resolved = PathGuards.check(new Configuration(), request(in.toString(),
        dir.resolve("new/deeper/out").toString(), dir.resolve("rejects").toString()).withMetrics(dir.resolve("m.json")));
    assertEquals(new org.apache.hadoop.fs.Path("file:" + dir.resolve("new/deeper/out")), resolved.output());
    try (var left = Files.list(dir)) {
      assertEquals(1, left.count(), "only the input");
    }
  }

  @Test
  void check_outputInsideTheTablesLocation_usageError() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    PathGuards.Request toTable = new PathGuards.Request(in.toString(), dir.resolve("wh/scores/staging").toString(),
        null, null, dir.resolve("wh/scores").toString(), null, ScoreOptions.WriteMode.OVERWRITE, true);
    assertEquals("--output-table's staging path file:" + dir.resolve("wh/scores/staging") + " lies inside"
        + " --output-table's location file:" + dir.resolve("wh/scores") + "; give the staging output another location",
        assertThrows(UsageException.class, () -> PathGuards.check(new Configuration(), toTable)).getMessage());
  }

  @Test
  void check_stateFromTheOutputOrOneOfItsPartitions_allowed() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path out = Files.createDirectories(dir.resolve("out/day=2026-11-22"));
    for (String from : new String[] {dir.resolve("out").toString(), out.toString()}) {
      PathGuards.check(new Configuration(), new PathGuards.Request(in.toString(), dir.resolve("out").toString(), null,
          from, null, null, ScoreOptions.WriteMode.OVERWRITE, false));
    }
  }

  @Test
  void requireNoColon_portAndSchemeColonsAllowedPathColonRefused() {
    PathGuards.requireNoColon("--output", "hdfs://nn:8020/scores/day");
    PathGuards.requireNoColon("--output", "file:/scores/day");
    assertEquals("--output hdfs://nn:8020/out_2026-11-23T00:00:00: a path must not contain ':' (HDFS forbids it and"
        + " Hadoop reads it as a URI scheme); use e.g. hdfs://nn:8020/out_2026-11-23T000000",
        assertThrows(UsageException.class, () -> PathGuards.requireNoColon("--output",
            "hdfs://nn:8020/out_2026-11-23T00:00:00")).getMessage());
  }

  @Test
  void requirePersistentCatalog_inMemoryRefusedHiveAndConfiguredCatalogsAllowed() {
    assertThrows(UsageException.class, () -> PathGuards.requirePersistentCatalog("db.t", Map.of()));
    PathGuards.requirePersistentCatalog("db.t", Map.of("spark.sql.catalogImplementation", "hive"));
    PathGuards.requirePersistentCatalog("lake.db.t", Map.of("spark.sql.catalog.lake", "org.example.Catalog"));
    PathGuards.requirePersistentCatalog(null, Map.of());
  }
}
