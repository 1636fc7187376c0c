package org.rnnscore.cli;

import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.job.SharedSpark;

/** score --named-model: several models in one pass, each column as a single-model run gives it. */
class NamedModelsCliTest {
  static final Path SAMPLE = Path.of(System.getProperty("rnnscore.sample.dir", "sample-data"));
  static final String INPUT = SAMPLE.resolve("input.parquet").toString();

  @TempDir
  Path dir;

  static Map<Long, List<Float>> byId(Dataset<Row> rows, String column) {
    Map<Long, List<Float>> out = new HashMap<>();
    for (Row row : rows.select("id", column).collectAsList()) {
      out.put(row.getLong(0), row.getList(1));
    }
    return out;
  }

  @Test
  void threeModels_equalThreeSingleRuns_andEachColumnCarriesItsModelsSha() throws java.io.IOException {
    String out = dir.resolve("three").toString();
    CliRun run = CliRun.of("score", "--named-model", "h5=" + SAMPLE.resolve("model.h5"), "--named-model",
        "keras=" + SAMPLE.resolve("model.keras"), "--named-model", "npz=" + SAMPLE.resolve("model.npz"), "--input",
        INPUT, "--output", out, "--quiet", "--master", "local[2]", "--metrics", dir.resolve("m.json").toString());
    assertEquals(0, run.code(), run.err());
    String metrics = java.nio.file.Files.readString(dir.resolve("m.json"));
    // They read the rows alike: one scoring step runs the other two on each batch the first reads.
    assertTrue(metrics.contains("keras/simple_rnn: fused") && metrics.contains("npz/simple_rnn: fused"), metrics);
    Dataset<Row> three = SharedSpark.get().read().parquet(out);
    assertEquals(List.of("id", "h5_prediction", "keras_prediction", "npz_prediction"), List.of(three.columns()));
    java.util.Set<String> shas = new java.util.HashSet<>();
    for (String name : List.of("h5", "keras", "npz")) {
      String single = dir.resolve(name).toString();
      CliRun one = CliRun.of("score", "--model", SAMPLE.resolve("model." + name).toString(), "--input", INPUT,
          "--output", single, "--quiet", "--master", "local[2]");
      assertEquals(0, one.code(), one.err());
      Dataset<Row> alone = SharedSpark.get().read().parquet(single);
      three = SharedSpark.get().read().parquet(out); // each CLI run stops the session it ran in
      assertEquals(byId(alone, "prediction"), byId(three, name + "_prediction"), name);
      org.apache.spark.sql.types.Metadata footer = three.schema().apply(name + "_prediction").metadata();
      assertEquals(alone.schema().apply("prediction").metadata().getString("rnnscore.model_sha256"),
          footer.getString("rnnscore.model_sha256"), name);
      assertEquals(SAMPLE.resolve("model." + name).toString(), footer.getString("rnnscore.model"));
      shas.add(footer.getString("rnnscore.model_sha256"));
    }
    assertEquals(3, shas.size(), "three files, three sha256");
  }

  private String withBadRow() {
    String path = dir.resolve("bad-input").toString();
    SharedSpark.get().read().parquet(INPUT).where("id < 40")
        .withColumn("features", expr("if(id = 3, null, features)")).coalesce(1).write().parquet(path);
    return path;
  }

  @Test
  void aBadRow_failsNamingTheModel_andIsQuarantinedOnce() {
    String input = withBadRow();
    CliRun failed = CliRun.of("score", "--named-model", "first=" + SAMPLE.resolve("model.h5"), "--named-model",
        "second=" + SAMPLE.resolve("model.npz"), "--input", input, "--output", dir.resolve("f").toString(), "--quiet",
        "--master", "local[2]");
    assertEquals(4, failed.code(), failed.err());
    assertTrue(failed.err().contains("model 'first': "), failed.err());
    assertTrue(failed.err().contains("(id=3): the sequence is null (null_sequence)"), failed.err());

    String rejects = dir.resolve("rejects").toString();
    String out = dir.resolve("q").toString();
    CliRun quarantined = CliRun.of("score", "--named-model", "first=" + SAMPLE.resolve("model.h5"), "--named-model",
        "second=" + SAMPLE.resolve("model.npz"), "--input", input, "--output", out, "--on-bad-row", "quarantine",
        "--rejects", rejects, "--quiet", "--master", "local[2]");
    assertEquals(0, quarantined.code(), quarantined.err());
    assertTrue(quarantined.err().contains("40 rows read = 39 scored + 1 rejected"), quarantined.err());
    List<Row> bad = SharedSpark.get().read().parquet(rejects).collectAsList();
    assertEquals(1, bad.size(), "a row bad for both models is one reject");
    String reason = bad.get(0).getString(bad.get(0).fieldIndex("reason"));
    assertTrue(reason.startsWith("model 'first': ") || reason.startsWith("model 'second': "), reason);
    assertEquals(39, SharedSpark.get().read().parquet(out).count());
  }

  @Test
  void perModelFeatureColumns_eachModelReadsItsOwn_andNeitherIsKept() {
    String input = dir.resolve("two-columns").toString();
    SharedSpark.get().read().parquet(INPUT).where("id < 30").withColumn("reversed", expr("reverse(features)"))
        .coalesce(1).write().parquet(input);
    String out = dir.resolve("out").toString();
    String h5 = SAMPLE.resolve("model.h5").toString();
    CliRun run = CliRun.of("score", "--named-model", "fwd=" + h5, "--named-model", "rev=" + h5, "--features-col",
        "fwd.input_1=features,rev.input_1=reversed", "--input", input, "--output", out, "--quiet", "--master",
        "local[2]");
    assertEquals(0, run.code(), run.err());
    Dataset<Row> two = SharedSpark.get().read().parquet(out);
    assertEquals(List.of("id", "fwd_prediction", "rev_prediction"), List.of(two.columns()));
    String single = dir.resolve("single").toString();
    CliRun alone = CliRun.of("score", "--model", h5, "--features-col", "reversed", "--keep", "id", "--input", input,
        "--output", single, "--quiet", "--master", "local[2]");
    assertEquals(0, alone.code(), alone.err());
    Map<Long, List<Float>> reversed = byId(SharedSpark.get().read().parquet(single), "prediction");
    two = SharedSpark.get().read().parquet(out);
    assertEquals(reversed, byId(two, "rev_prediction"));
    assertNotEquals(reversed, byId(two, "fwd_prediction"));
  }

  @Test
  void emitState_givesEachModelsStateColumns_equalToASingleRunsStates() {
    String out = dir.resolve("states").toString();
    CliRun run = CliRun.of("score", "--named-model", "a=" + SAMPLE.resolve("model.h5"), "--named-model",
        "b=" + SAMPLE.resolve("model.keras"), "--emit-state", "--input", INPUT, "--output", out, "--quiet", "--master",
        "local[2]");
    assertEquals(0, run.code(), run.err());
    Dataset<Row> two = SharedSpark.get().read().parquet(out);
    assertEquals(List.of("id", "a_prediction", "state_a_simple_rnn_h", "b_prediction", "state_b_simple_rnn_h"),
        List.of(two.columns()));
    String single = dir.resolve("single").toString();
    CliRun one = CliRun.of("score", "--model", SAMPLE.resolve("model.h5").toString(), "--emit-state", "--input", INPUT,
        "--output", single, "--quiet", "--master", "local[2]");
    assertEquals(0, one.code(), one.err());
    Map<Long, List<Float>> alone = byId(SharedSpark.get().read().parquet(single), "state_simple_rnn_h");
    assertEquals(alone, byId(SharedSpark.get().read().parquet(out), "state_a_simple_rnn_h"));
  }

  @Test
  void mistakes_areRefusedWithExit2() {
    String h5 = SAMPLE.resolve("model.h5").toString();
    Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
    cases.put(List.of("--model", h5, "--named-model", "a=" + h5),
        "give --model FILE or --named-model NAME=PATH (repeatable), not both");
    cases.put(List.of("--named-model", "A=" + h5), "--named-model 'A=" + h5
        + "' is not NAME=PATH with NAME [a-z][a-z0-9_]* (it names the model's columns)");
    cases.put(List.of("--named-model", "a=" + h5, "--named-model", "a=" + h5),
        "--named-model names 'a' twice; each model needs its own name");
    cases.put(List.of("--named-model", "a=" + h5, "--timesteps", "b=10"),
        "--timesteps 'b=10': with --named-model give NAME=VALUE, NAME one of [a]");
    cases.put(List.of("--named-model", "a=" + h5, "--initial-state-from", INPUT),
        "--initial-state-from scores one model; with --named-model (1 models) it is not supported in this version: run"
            + " one score per model");
    cases.put(List.of("--model", h5, "--timesteps", "a=10"),
        "--timesteps 'a=10': NAME=T is for --named-model; give --timesteps T");
    cases.forEach((args, message) -> {
      List<String> all = new java.util.ArrayList<>(List.of("score", "--input", INPUT, "--output",
          dir.resolve("never").toString(), "--quiet"));
      all.addAll(args);
      CliRun run = CliRun.of(all.toArray(new String[0]));
      assertEquals(2, run.code(), run.err());
      assertTrue(run.err().startsWith("rnnscore: " + message), run.err());
    });
    assertNotEquals(0, CliRun.of("score", "--input", INPUT, "--output", "x").code());
  }
}
