package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.job.SharedSpark;

/** The built artifacts as a user runs them: target/rnnscore as a process, and the cluster jar's contents. */
class LauncherIT {
  private static final Path LAUNCHER = Path.of(System.getProperty("rnnscore.launcher", "target/rnnscore"));
  private static final Path SAMPLE = Path.of(System.getProperty("rnnscore.sample.dir", "sample-data"))
      .toAbsolutePath();

  @TempDir
  Path dir;

  record Run(int code, String stdout, String stderr) {}

  private Run launch(Path workingDir, Map<String, String> env, String... args) throws Exception {
    return launchIn(workingDir, LAUNCHER.toAbsolutePath(), env, args);
  }

  /**
   * The JVM itself notes on stderr that Spark's option list adds the incubating Vector API
   * module; that line is the JVM's, not rnnscore's or Spark's logging.
   */
  private static String withoutJvmNotice(String stderr) {
    return stderr.replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "");
  }

  @Test
  void score_fromAnotherDirectoryWithRelativePaths_matchesExpectedPredictions() throws Exception {
    String output = dir.resolve("predictions").toString();
    Run run = launch(SAMPLE, Map.of(), "score", "--model", "model.h5", "--input", "input.parquet", "--output", output);

    assertEquals(0, run.code(), run.stderr());
    assertEquals("", run.stdout(), "stdout carries nothing for score");
    assertTrue(run.stderr().contains("rnnscore: scored N=1000 rows in "), run.stderr());
    // Spark logs WARN and above only; rnnscore's own INFO lines (the backend each executor used) stay.
    assertFalse(run.stderr().lines().anyMatch(line -> line.contains(" INFO ") && !line.contains(" INFO ScoreJob: ")),
        "Spark logs WARN and above only:\n" + run.stderr());
    ExpectedPredictions.assertOutputMatches(SharedSpark.get(), output, SAMPLE.resolve("expected-predictions.csv"));
  }

  /**
   * The small CI version of the load test: 200k rows scored in a 768 MiB heap with javacpp's
   * off-heap budget capped at 512 MiB, which works only if a partition streams in batches and the
   * buffers are reused (the 10M-row measurement is in the README).
   */
  @Test
  void score_200kRowsInFixedSmallHeapAndOffHeapBudget_succeeds() throws Exception {
    String input = dir.resolve("load-in").toString();
    Run generated = launch(dir, Map.of(), "generate", "--output", input, "--rows", "200000", "--timesteps", "20",
        "--features", "8");
    assertEquals(0, generated.code(), generated.stderr());
    Path model = dir.resolve("s1.h5");
    Run run = launch(dir, Map.of("RNNSCORE_JAVA_OPTS", "-Xmx768m -Dorg.bytedeco.javacpp.maxbytes=512m"), "score",
        "--model", loadModel(model), "--input", input, "--output", dir.resolve("load-out").toString(), "--quiet");
    assertEquals(0, run.code(), run.stderr());
    assertTrue(run.stderr().contains("rnnscore: scored N=200000 rows"), run.stderr());
  }

  /** A SimpleRNN(32) → Dense(3) for D=8, written as Keras writes it. */
  private static String loadModel(Path path) {
    org.rnnscore.model.RnnModel model = org.rnnscore.job.Benchmark.model(
        new org.rnnscore.job.Benchmark.Shape("S1", 0, 20, 8, 32, 3));
    org.rnnscore.testing.KerasFileWriter.writeLegacyH5(path, model);
    return path.toString();
  }

  @Test
  void inspect_printsSummaryToStdoutAndNothingToStderr() throws Exception {
    Run run = launch(dir, Map.of(), "inspect", "--model", SAMPLE.resolve("model.keras").toString());
    assertEquals(0, run.code(), run.stderr());
    assertEquals("", withoutJvmNotice(run.stderr()));
    assertTrue(run.stdout().contains("Total params: 57\n"), run.stdout());
  }

  @Test
  void badModel_exitCode3WithOneLineMessage() throws Exception {
    Path bogus = dir.resolve("bogus.npz");
    Files.writeString(bogus, "not a model");
    Run run = launch(dir, Map.of(), "inspect", "--model", "bogus.npz");
    assertEquals(3, run.code());
    String message = withoutJvmNotice(run.stderr());
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.startsWith("rnnscore: bogus.npz: "), message);
  }

  /** Item 13: a user error on a real process's stderr is rnnscore's message alone, no Spark log or trace. */
  @Test
  void score_badRow_stderrHoldsOnlyTheOneMessage() throws Exception {
    Path input = dir.resolve("in");
    SharedSpark.get().sql("SELECT id, IF(id = 57, array(array(1f, 2f)), array(array(1f, 2f, 3f))) AS features"
        + " FROM range(0, 200, 1, 4)").write().parquet(input.toString());
    Run run = launch(dir, Map.of(), "score", "--model", SAMPLE.resolve("model.npz").toString(), "--input", "in",
        "--output", "out", "--master", "local[2,3]", "--quiet");
    assertEquals(4, run.code(), run.stderr());
    String message = withoutJvmNotice(run.stderr());
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.startsWith("rnnscore: file:"), message);
  }

  @Test
  void javaOptionsFromEnvironment_reachTheJvm() throws Exception {
    // -version makes the JVM print its version and exit before main: proof the options got there.
    Run run = launch(dir, Map.of("RNNSCORE_JAVA_OPTS", "-version"), "inspect", "--model", "x");
    assertEquals(0, run.code(), run.stderr());
    assertTrue(run.stderr().contains("version \"17") || run.stderr().contains("version \""), run.stderr());
  }

  /** The class archive the package phase wrote (skipped with -Drnnscore.classArchive.skip=true: these tests too). */
  private static Path builtArchive() {
    Path archive = LAUNCHER.toAbsolutePath().getParent().resolve("rnnscore.jsa");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(archive),
        "no " + archive + ": the build ran with -Drnnscore.classArchive.skip=true");
    return archive;
  }

  /** Whether a run's JVM (with -Xlog:cds on stdout) mapped the archive at {@code archive}. */
  private static boolean mapped(Run run, Path archive) {
    return run.stdout().contains("Opened archive " + archive + ".");
  }

  @Test
  void classArchive_writtenByTheBuild_isMappedByTheLauncher() throws Exception {
    Path archive = builtArchive();
    // -Xshare:on: a JVM that cannot map an archive it is given fails to start, so exit 0 proves it usable.
    Run run = launch(dir, Map.of("RNNSCORE_JAVA_OPTS", "-Xshare:on -Xlog:cds=info"), "inspect", "--model",
        SAMPLE.resolve("model.npz").toString());
    assertEquals(0, run.code(), run.stderr() + run.stdout());
    assertTrue(mapped(run, archive), run.stdout());
    assertTrue(run.stdout().contains("Total params: 57\n"), run.stdout());
  }

  @Test
  void classArchive_offInTheEnvironment_isNotMapped() throws Exception {
    Path archive = builtArchive();
    Run run = launch(dir, Map.of("RNNSCORE_CLASS_ARCHIVE", "off", "RNNSCORE_JAVA_OPTS", "-Xlog:cds=info"), "inspect",
        "--model", SAMPLE.resolve("model.npz").toString());
    assertEquals(0, run.code(), run.stderr());
    assertFalse(mapped(run, archive), run.stdout());
  }

  /**
   * A launcher beside a rebuilt jar, or beside an archive cut short (which would crash the JVM
   * that maps it), runs without the archive. A copy of target/'s launcher files, the jar and the
   * archive with their times kept, so that the stamp matches until a case changes one.
   */
  @Test
  void classArchive_staleOrTruncated_isNotMappedAndTheRunSucceeds() throws Exception {
    Path archive = builtArchive();
    Path built = archive.getParent();
    Path copy = Files.createDirectories(dir.resolve("target"));
    for (String name : List.of("rnnscore", "rnnscore-0.1.0.jar", "classpath-runtime.txt", "classpath-provided.txt",
        "rnnscore.jsa", "rnnscore.jsa.stamp")) {
      Files.copy(built.resolve(name), copy.resolve(name), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    }
    Path launcher = copy.resolve("rnnscore");
    Path copiedArchive = copy.resolve("rnnscore.jsa");
    Map<String, String> env = Map.of("RNNSCORE_JAVA_OPTS", "-Xlog:cds=info");
    String model = SAMPLE.resolve("model.npz").toString();
    // The archive's class path names target/'s jar, so the JVM itself refuses it here; the launcher
    // passing it shows as "trying to map" in the log.
    String passed = "trying to map " + copiedArchive;

    Run intact = launchWith(launcher, env, "inspect", "--model", model);
    assertEquals(0, intact.code(), intact.stderr());
    assertTrue(intact.stdout().contains(passed), "the copy's stamp matches:\n" + intact.stdout());

    Path jar = copy.resolve("rnnscore-0.1.0.jar");
    Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
        Files.getLastModifiedTime(jar).toMillis() + 60_000));
    Run stale = launchWith(launcher, env, "inspect", "--model", model);
    assertEquals(0, stale.code(), stale.stderr());
    assertFalse(stale.stdout().contains(passed), "a jar rebuilt after the archive:\n" + stale.stdout());

    Files.copy(built.resolve("rnnscore-0.1.0.jar"), jar, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    copiedArchive.toFile().setWritable(true);
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(copiedArchive,
        java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(1 << 20);
    }
    Run truncated = launchWith(launcher, env, "inspect", "--model", model);
    assertEquals(0, truncated.code(), truncated.stderr());
    assertFalse(truncated.stdout().contains(passed), "an archive cut to 1 MiB:\n" + truncated.stdout());
    assertTrue(truncated.stdout().contains("Total params: 57\n"), truncated.stdout());
  }

  private Run launchWith(Path launcher, Map<String, String> env, String... args) throws Exception {
    return launchIn(dir, launcher, env, args);
  }

  private Run launchIn(Path workingDir, Path launcher, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
    builder.environment().putAll(env);
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("launcher did not finish in 5 minutes: " + command);
    }
    return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

  @Test
  void clusterJar_bundlesRnnscoreNd4jJhdfPicocliButNotSpark() throws IOException {
    Path jar = Path.of(System.getProperty("rnnscore.cluster.jar", "target/rnnscore-0.1.0-cluster.jar"));
    assertTrue(Files.exists(jar), jar + " was not built");
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      assertNotNull(zip.getEntry("org/rnnscore/cli/RnnScoreCli.class"));
      assertNotNull(zip.getEntry("org/nd4j/linalg/factory/Nd4j.class"));
      assertNotNull(zip.getEntry("io/jhdf/HdfFile.class"));
      assertNotNull(zip.getEntry("picocli/CommandLine.class"));
      assertTrue(zip.stream().anyMatch(e -> e.getName().startsWith("org/nd4j/linalg/cpu/nativecpu/")
          || e.getName().contains("linux-x86_64")), "ND4J's linux-x86_64 natives");
      assertTrue(zip.stream().noneMatch(e -> e.getName().startsWith("org/apache/spark/")), "Spark is provided");
      List<String> foreignNatives = zip.stream().map(ZipEntry::getName)
          .filter(name -> name.matches(".*\\.(so(\\.[0-9]+)*|dll|dylib|jnilib|a)$"))
          .filter(name -> !name.contains("linux-x86_64/") && !name.contains("linux-x86-64/"))
          .collect(Collectors.toList());
      assertEquals(List.of(), foreignNatives, "native libraries for other platforms");
      assertTrue(zip.stream().noneMatch(e -> e.getName().matches("META-INF/[^/]*\\.(SF|DSA|RSA)")), "signatures");
    }
  }
}
