package org.rnnscore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.cli.ExpectedPredictions;
import org.rnnscore.job.SharedSpark;

/**
 * The cluster jar on a real Spark standalone cluster: a master, two workers of one core each, and
 * spark-submit, each its own JVM, all on 127.0.0.1. Their classpath is target/spark-home/jars,
 * which the build fills with Spark's provided-scope artifacts only: if the cluster jar lacked a
 * class that rnnscore needs on executors (ND4J natives, jhdf, picocli), nothing here could lend it.
 * Local-mode tests cannot catch that, nor anything that only breaks once closures, broadcasts and
 * results cross JVMs.
 */
class StandaloneClusterIT {
  private static final Path SPARK_HOME = Path.of(System.getProperty("rnnscore.spark.home", "target/spark-home"))
      .toAbsolutePath();
  private static final Path CLUSTER_JAR = Path.of(
      System.getProperty("rnnscore.cluster.jar", "target/rnnscore-0.1.0-cluster.jar")).toAbsolutePath();
  private static final Path SAMPLE = Path.of(System.getProperty("rnnscore.sample.dir", "sample-data"))
      .toAbsolutePath();
  /** Spark's Java 17 module options (the pom's copy); the spark-submit script would add them, we start java ourselves. */
  private static final List<String> MODULE_OPTIONS = Arrays.asList(
      System.getProperty("rnnscore.spark.module.options", "").trim().split("\\s+"));
  private static final String LOOPBACK = "127.0.0.1";
  private static final int WORKERS = 2;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;

  /** Every JVM this test started, stopped in reverse order whatever happens. */
  private final List<Started> started = new ArrayList<>();

  private record Started(String name, Process process, Path log) {}

  @Test
  @Timeout(value = 360, unit = TimeUnit.SECONDS)
  void score_onStandaloneClusterWithTwoWorkers_matchesLocalModePredictions() throws Exception {
    assertTrue(Files.isDirectory(SPARK_HOME.resolve("jars")), SPARK_HOME + "/jars was not built (mvn package)");
    assertTrue(Files.isRegularFile(CLUSTER_JAR), CLUSTER_JAR + " was not built (mvn package)");
    // The sample is one Parquet row group, hence one task: rewritten as four files it makes four
    // tasks, so that both executors score rows. Same rows and ids; the expected CSV still applies.
    Path input = dir.resolve("input");
    SharedSpark.get().read().parquet(SAMPLE.resolve("input.parquet").toString()).repartition(4)
        .write().parquet(input.toString());
    try {
      int[] ports = freePorts(2 + WORKERS);
      int masterPort = ports[0];
      int masterUi = ports[1];
      String masterUrl = "spark://" + LOOPBACK + ":" + masterPort;

      start("master", "org.apache.spark.deploy.master.Master",
          "--host", LOOPBACK, "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi));
      int[] workerUis = new int[WORKERS];
      for (int w = 0; w < WORKERS; w++) {
        workerUis[w] = ports[2 + w];
        Path workDir = Files.createDirectories(dir.resolve("worker-" + w));
        // One core each, and spark.executor.cores=1 below: one executor per worker, so a job that
        // succeeds with two executors has run its tasks in two separate executor JVMs.
        start("worker-" + w, "org.apache.spark.deploy.worker.Worker",
            "--host", LOOPBACK, "--cores", "1", "--memory", "1g", "--work-dir", workDir.toString(),
            "--webui-port", String.valueOf(workerUis[w]), masterUrl);
      }
      awaitJson("master " + masterUi, masterUi, Duration.ofSeconds(60),
          json -> json.path("aliveworkers").asInt() == WORKERS);

      Path output = dir.resolve("out");
      Path metrics = dir.resolve("metrics.json");
      // The model path is a file on the driver's disk. The workers happen to share this
      // filesystem, but the job reads the model on the driver only and ships the weights to
      // executors by broadcast; executors never open the file.
      List<String> submitArgs = new ArrayList<>(submitOptions(masterUrl));
      submitArgs.addAll(List.of("score",
          "--model", SAMPLE.resolve("model.h5").toString(),
          "--input", input.toString(),
          "--output", output.toString(),
          "--metrics", metrics.toString()));
      Started submit = start("submit", "org.apache.spark.deploy.SparkSubmit", submitArgs.toArray(new String[0]));
      if (!submit.process().waitFor(110, TimeUnit.SECONDS)) {
        fail("spark-submit did not finish in 110 s:\n" + tail(submit.log()));
      }
      String submitLog = Files.readString(submit.log(), StandardCharsets.UTF_8);
      assertEquals(0, submit.process().exitValue(), "spark-submit's exit code:\n" + tail(submit.log()));
      assertTrue(submitLog.contains("rnnscore: scored N=1000 rows"), tail(submit.log()));

      // The report names the executor of every task that scored rows: both must have.
      Set<String> scoringExecutors = new TreeSet<>();
      for (JsonNode backend : JSON.readTree(metrics.toFile()).path("backends")) {
        scoringExecutors.add(backend.asText().replaceFirst(":.*", ""));
      }
      assertEquals(WORKERS, scoringExecutors.size(), "executors that scored rows: " + scoringExecutors);
      assertTwoExecutorsRanTheApplication(masterUi, workerUis);

      ExpectedPredictions.assertOutputMatches(SharedSpark.get(), output.toString(),
          SAMPLE.resolve("expected-predictions.csv"));

      assertBadRowIsNotRetried(masterUrl);
    } finally {
      stopAll();
    }
  }

  /** spark-submit's options for the cluster, up to the jar (the application's arguments follow). */
  private List<String> submitOptions(String masterUrl) throws IOException {
    return List.of("--master", masterUrl,
        "--deploy-mode", "client",
        "--class", "org.rnnscore.cli.RnnScoreCli",
        "--conf", "spark.executor.cores=1",
        "--conf", "spark.executor.memory=768m",
        "--conf", "spark.cores.max=" + WORKERS,
        "--conf", "spark.driver.host=" + LOOPBACK,
        "--conf", "spark.driver.bindAddress=" + LOOPBACK,
        "--conf", "spark.ui.enabled=false",
        // Standalone mode would start the job on whichever executor registers first; wait for
        // both, so that the tasks are spread over the two.
        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s",
        "--conf", "spark.local.dir=" + Files.createDirectories(dir.resolve("driver-local")),
        // No spark.executor.extraJavaOptions: Spark 4.2's SparkContext prepends
        // JavaModuleOptions to the executors' options itself, as it does on a real cluster.
        CLUSTER_JAR.toString());
  }

  /**
   * A bad row on the cluster (where a failed task is tried spark.task.maxFailures = 4 times) ends
   * the run with exit 4 and rnnscore's message, and no task was attempted twice: Spark's event
   * log, its own listener, holds every task start with its attempt number.
   */
  private void assertBadRowIsNotRetried(String masterUrl) throws Exception {
    Path input = dir.resolve("bad-input");
    SharedSpark.get().sql("SELECT id, IF(id = 57, array(array(1f, 2f)), array(array(1f, 2f, 3f))) AS features"
        + " FROM range(0, 200, 1, 4)").write().parquet(input.toString());
    Path events = Files.createDirectories(dir.resolve("events"));
    List<String> args = new ArrayList<>(submitOptions(masterUrl));
    // Before the jar, the last of the options.
    args.addAll(args.size() - 1, List.of("--conf", "spark.eventLog.enabled=true",
        "--conf", "spark.eventLog.dir=" + events.toUri(), "--conf", "spark.eventLog.rolling.enabled=false",
        "--conf", "spark.eventLog.compress=false"));
    args.addAll(List.of("score", "--model", SAMPLE.resolve("model.h5").toString(), "--input", input.toString(),
        "--output", dir.resolve("bad-out").toString()));
    Started submit = start("submit-bad-row", "org.apache.spark.deploy.SparkSubmit", args.toArray(new String[0]));
    if (!submit.process().waitFor(110, TimeUnit.SECONDS)) {
      fail("spark-submit did not finish in 110 s:\n" + tail(submit.log()));
    }
    String log = Files.readString(submit.log(), StandardCharsets.UTF_8);
    assertEquals(4, submit.process().exitValue(), "spark-submit's exit code:\n" + tail(submit.log()));
    assertTrue(log.contains("(id=57): timestep 0 has 2 features, model expects 3 (wrong_width); the input has 1"
        + " bad row in all"), tail(submit.log()));
    // The driver's log is off once rnnscore runs (spark-submit's own lines before it are not rnnscore's).
    assertTrue(log.lines().noneMatch(line -> line.contains(" INFO ") || line.contains(" ERROR ")
        || line.contains("TaskSetManager")), "the driver's log under spark-submit:\n" + tail(submit.log()));
    List<Integer> attempts = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.walk(events)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          JsonNode event = JSON.readTree(line);
          if (event.path("Event").asText().equals("SparkListenerTaskStart")) {
            attempts.add(event.path("Task Info").path("Attempt").asInt());
          }
        }
      }
    }
    assertTrue(!attempts.isEmpty(), "the event log holds the job's tasks");
    assertEquals(0, attempts.stream().mapToInt(Integer::intValue).max().getAsInt(), "task attempts " + attempts);
  }

  /**
   * The master lists the one finished application; each worker lists exactly one executor of it
   * (a second would mean an executor was lost and replaced). Workers move an executor to
   * "finishedexecutors" only once the master tells them the application ended, hence the wait.
   */
  private void assertTwoExecutorsRanTheApplication(int masterUi, int[] workerUis) throws Exception {
    JsonNode master = awaitJson("master " + masterUi, masterUi, Duration.ofSeconds(20),
        json -> json.path("completedapps").size() == 1);
    JsonNode app = master.path("completedapps").get(0);
    assertEquals("FINISHED", app.path("state").asText(), app.toString());
    String appId = app.path("id").asText();
    for (int ui : workerUis) {
      JsonNode worker = awaitJson("worker " + ui, ui, Duration.ofSeconds(20),
          json -> executorsOf(json.path("finishedexecutors"), appId) >= 1 && json.path("executors").isEmpty());
      assertEquals(1, executorsOf(worker.path("finishedexecutors"), appId), worker.toString());
    }
  }

  private static long executorsOf(JsonNode executors, String appId) {
    long count = 0;
    for (JsonNode executor : executors) {
      if (appId.equals(executor.path("appid").asText())) {
        count++;
      }
    }
    return count;
  }

  /** Starts {@code mainClass} in a JVM on spark-home's jars alone, its output in a log file. */
  private Started start(String name, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(MODULE_OPTIONS);
    command.add("-Xmx" + (name.startsWith("submit") ? "1g" : "512m"));
    command.add("-cp");
    command.add(SPARK_HOME.resolve("jars") + "/*");
    command.add(mainClass);
    command.addAll(List.of(args));

    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path log = logs.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    // Nothing from the developer's own Spark or Hadoop setup may leak in.
    env.keySet().removeIf(key -> key.startsWith("SPARK_") || key.startsWith("HADOOP_") || key.startsWith("YARN_"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("SPARK_HOME", SPARK_HOME.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", LOOPBACK);
    env.put("SPARK_CONF_DIR", Files.createDirectories(dir.resolve("conf")).toString());
    env.put("SPARK_LOG_DIR", logs.toString());
    env.put("SPARK_PID_DIR", logs.toString());
    // Workers hand these to their executors as scratch space (shuffle, broadcast blocks).
    env.put("SPARK_LOCAL_DIRS", Files.createDirectories(dir.resolve("local-" + name)).toString());
    Started process = new Started(name, builder.start(), log);
    started.add(process);
    return process;
  }

  /**
   * Polls a web UI's /json/ until {@code ready} holds; fails early, with the logs, if a JVM of
   * the cluster has died, and after {@code limit}.
   */
  private JsonNode awaitJson(String what, int port, Duration limit, Predicate<JsonNode> ready) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + LOOPBACK + ":" + port + "/json/"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + limit.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      for (Started s : started) {
        if (!s.name().equals("submit") && !s.process().isAlive()) {
          fail(s.name() + " exited with " + s.process().exitValue() + ":\n" + tail(s.log()));
        }
      }
      try {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          last = JSON.readTree(response.body());
          if (ready.test(last)) {
            return last;
          }
        }
      } catch (IOException notUpYet) {
        // The UI is not listening yet.
      }
      Thread.sleep(500);
    }
    StringBuilder logs = new StringBuilder();
    for (Started s : started) {
      logs.append("\n--- ").append(s.name()).append(":\n").append(tail(s.log()));
    }
    throw new AssertionError(what + " /json/ not ready in " + limit.toSeconds() + " s; last: " + last + logs);
  }

  /**
   * Stops every JVM this test started, newest first, each by its own handle: a polite destroy
   * (workers then kill their executors from a shutdown hook), then a forcible one. Executors the
   * workers spawned are looked up before their worker goes, so none outlives the test.
   */
  private void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process process = started.get(i).process();
      List<ProcessHandle> children = process.descendants().toList();
      stop(process.toHandle());
      children.forEach(StandaloneClusterIT::stop);
    }
    started.clear();
  }

  private static void stop(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return;
    }
    handle.destroy();
    try {
      handle.onExit().get(15, TimeUnit.SECONDS);
    } catch (Exception stillRunning) {
      handle.destroyForcibly();
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Nothing more to do; it was killed with SIGKILL.
      }
    }
  }

  /** Distinct free loopback ports, all held open until every one is chosen. */
  private static int[] freePorts(int count) throws IOException {
    ServerSocket[] sockets = new ServerSocket[count];
    int[] ports = new int[count];
    try {
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
        ports[i] = sockets[i].getLocalPort();
      }
    } finally {
      for (ServerSocket socket : sockets) {
        if (socket != null) {
          socket.close();
        }
      }
    }
    return ports;
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
