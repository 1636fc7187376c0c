package org.rnnscore.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.kernel.KernelPath;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * {@code rnnscore bench}: side-by-side measurements in one run, so that ratios hold on a noisy
 * machine. Per shape (N, T, D, M, K) and cell (SimpleRNN, LSTM, GRU: a seeded random
 * recurrent layer → Dense model; the cells of one shape share one input):
 *
 * <ul>
 *   <li>end to end: {@code score} against the I/O floor — the same Spark session reading the same
 *       Parquet and writing N×K values computed by a code-generated expression instead of the
 *       model — alternating, the first run reported apart from the median of the rest;
 *   <li>kernel: forward-pass rows/s and GFLOP/s on in-memory batches (one thread, no Spark),
 *       against ND4J's sgemm 1024³ GFLOP/s and, for SimpleRNN only, a straightforward
 *       per-sample Java loop (the seeds' loop), all measured in this run;
 *   <li>the process's peak resident memory (VmHWM) after the shape.
 * </ul>
 */
public final class Benchmark {
  /** A benchmark shape: the S1 (headline), S2 (the seeds') and S3 (compute heavy). */
  public record Shape(String name, long rows, int timesteps, int features, int units, int outputs) {
    /** FLOPs of one row's SimpleRNN forward pass: T input and recurrent GEMM rows, then Dense. */
    public double flopsPerRow() {
      return flopsPerRow(SIMPLE_RNN);
    }

    /**
     * FLOPs of one row's forward pass for {@code cell}, counting a multiply-add as 2 and leaving out,
     * for every cell alike, the bias adds, the sum of the input and recurrent products and the
     * activations (tanh, sigmoid: not a fixed number of FLOPs):
     *
     * <pre>
     *   simple_rnn: T·(2DM + 2M²)             + 2MK
     *   lstm:       T·(4·(2DM + 2M²) + 4M)    + 2MK   c = f·c + i·g (3M), h = o·tanh(c) (M)
     *   gru:        T·(3·(2DM + 2M²) + 5M)    + 2MK   r·r_h (M), h = z·h + (1 − z)·ĥ (4M)
     * </pre>
     */
    public double flopsPerRow(String cell) {
      double matmul = 2.0 * features * units + 2.0 * units * units;
      double step = switch (cell) {
        case SIMPLE_RNN -> matmul;
        case LSTM -> 4 * matmul + 4.0 * units;
        case GRU -> 3 * matmul + 5.0 * units;
        default -> throw new IllegalArgumentException("unknown cell '" + cell + "'; known: " + String.join(", ", CELLS));
      };
      return (double) timesteps * step + 2.0 * units * outputs;
    }
  }

  public static final String SIMPLE_RNN = "simple_rnn";
  public static final String LSTM = "lstm";
  public static final String GRU = "gru";
  /** The cells {@code --cells} knows, in the order they are measured (and the peers print them). */
  public static final List<String> CELLS = List.of(SIMPLE_RNN, LSTM, GRU);

  public static final List<Shape> SHAPES = List.of(
      new Shape("S1", 1_000_000, 20, 8, 32, 3),
      new Shape("S2", 1_000_000, 10, 3, 5, 2),
      new Shape("S3", 200_000, 50, 64, 256, 10));

  /**
   * Options: which shapes and cells, how many rows (scale), how many end-to-end repeats, where to
   * work; the kernel's warm-up and timed-round lengths in seconds (2 and 0.5 for the command).
   */
  public record Options(List<String> shapes, List<String> cells, double scale, int repeats, Path workDir,
      boolean endToEnd, boolean kernel, int batchSize, double kernelWarmSeconds, double kernelRoundSeconds,
      KernelPath kernelPath) {
    /** This JVM's default kernel path. */
    public Options(List<String> shapes, List<String> cells, double scale, int repeats, Path workDir,
        boolean endToEnd, boolean kernel, int batchSize, double kernelWarmSeconds, double kernelRoundSeconds) {
      this(shapes, cells, scale, repeats, workDir, endToEnd, kernel, batchSize, kernelWarmSeconds, kernelRoundSeconds,
          KernelPath.fromSystemProperty());
    }

    /** Every cell, the command's kernel timings. */
    public Options(List<String> shapes, double scale, int repeats, Path workDir, boolean endToEnd, boolean kernel,
        int batchSize) {
      this(shapes, CELLS, scale, repeats, workDir, endToEnd, kernel, batchSize, 2.0, 0.5);
    }
  }

  private Benchmark() {}

  /**
   * Runs the benchmark; returns one result map per shape and cell, shape by shape, cells in {@link
   * #CELLS}' order (what the JSON's {@code shapes} holds). The cells of a shape are timed on one
   * input: the same in-memory batch for the kernel, the same generated Parquet end to end.
   */
  public static List<Map<String, Object>> run(SparkSession spark, Options options, java.io.PrintWriter progress)
      throws IOException {
    List<Map<String, Object>> results = new ArrayList<>();
    double sgemm = options.kernel() ? sgemmGflops() : Double.NaN;
    for (Shape base : SHAPES) {
      if (!options.shapes().contains(base.name())) {
        continue;
      }
      Shape shape = new Shape(base.name(), Math.max(1, Math.round(base.rows() * options.scale())), base.timesteps(),
          base.features(), base.units(), base.outputs());
      float[] kernelInput = options.kernel() ? kernelInput(shape, options.batchSize()) : null;
      for (String cell : CELLS) {
        if (!options.cells().contains(cell)) {
          continue;
        }
        RnnModel model = model(shape, cell);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("shape", shape.name());
        result.put("cell", cell);
        result.put("rows", shape.rows());
        result.put("T", shape.timesteps());
        result.put("D", shape.features());
        result.put("M", shape.units());
        result.put("K", shape.outputs());
        result.put("flops_per_row", shape.flopsPerRow(cell));
        Map<String, String> paths = new LinkedHashMap<>();
        new ForwardPass(model, options.kernelPath()).kernelPaths().forEach((layer, c) -> paths.put(layer, c.toString()));
        result.put("kernel_paths", paths);
        if (options.kernel()) {
          progress.printf(Locale.ROOT, "bench %s %s: kernel...%n", shape.name(), cell);
          progress.flush();
          double kernelRows = kernelRowsPerSecond(model, shape, options.batchSize(), kernelInput,
              options.kernelWarmSeconds(), options.kernelRoundSeconds(), options.kernelPath());
          double gflops = kernelRows * shape.flopsPerRow(cell) / 1e9;
          result.put("kernel_rows_per_s", kernelRows);
          result.put("kernel_gflops", gflops);
          result.put("sgemm_gflops", sgemm);
          result.put("kernel_vs_sgemm", gflops / sgemm);
          if (cell.equals(SIMPLE_RNN)) { // the seeds' loop is a SimpleRNN's
            double loopRows = loopRowsPerSecond(model, shape);
            result.put("per_sample_loop_rows_per_s", loopRows);
            result.put("kernel_vs_loop", kernelRows / loopRows);
          }
        }
        if (options.endToEnd()) {
          endToEnd(spark, model, shape, cell, options, result, progress);
        }
        result.put("peak_rss_mib_so_far", peakRssMib());
        results.add(result);
      }
    }
    return results;
  }

  private static void endToEnd(SparkSession spark, RnnModel model, Shape shape, String cell, Options options,
      Map<String, Object> result, java.io.PrintWriter progress) throws IOException {
    Path dir = options.workDir().resolve(shape.name() + "-" + shape.rows()); // one input for every cell
    String input = generatedInput(spark, shape, dir, progress);
    String scoreOut = dir.resolve(cell.equals(SIMPLE_RNN) ? "score-out" : "score-out-" + cell).toString();
    String floorOut = dir.resolve("floor-out").toString();
    ScoreOptions scoreOptions = new ScoreOptions(input, scoreOut, "features", 0, null, "prediction", null,
        ScoreOptions.WriteMode.OVERWRITE, options.batchSize()).withKernel(options.kernelPath());
    List<Double> score = new ArrayList<>();
    List<Double> floor = new ArrayList<>();
    for (int i = 0; i <= options.repeats(); i++) { // run 0 is the cold one, reported apart
      progress.printf(Locale.ROOT, "bench %s %s: end to end, round %d of %d...%n", shape.name(), cell, i,
          options.repeats());
      progress.flush();
      long start = System.nanoTime();
      writeFloor(spark, input, floorOut, shape.outputs());
      floor.add(shape.rows() / ((System.nanoTime() - start) / 1e9));
      start = System.nanoTime();
      ScoreJob.run(spark, model, scoreOptions);
      score.add(shape.rows() / ((System.nanoTime() - start) / 1e9));
    }
    result.put("e2e_first_rows_per_s", score.get(0));
    result.put("e2e_rows_per_s", median(score.subList(1, score.size())));
    result.put("io_floor_first_rows_per_s", floor.get(0));
    result.put("io_floor_rows_per_s", median(floor.subList(1, floor.size())));
    result.put("e2e_vs_floor", median(score.subList(1, score.size())) / median(floor.subList(1, floor.size())));
    result.put("e2e_runs_rows_per_s", score);
    result.put("io_floor_runs_rows_per_s", floor);
  }

  /**
   * Several models in one pass (score --named-model) against one: {@code models} SimpleRNN models
   * of each chosen shape, seeds 42, 43, ..., scored end to end on the shape's generated input, the
   * single-model run (seed 42) and the several-model run alternating in one session; round 0 is
   * the cold one, reported apart, then the medians of {@code repeats} rounds.
   */
  public static List<Map<String, Object>> severalModels(SparkSession spark, Options options, int models,
      java.io.PrintWriter progress) throws IOException {
    List<Map<String, Object>> results = new ArrayList<>();
    for (Shape base : SHAPES) {
      if (!options.shapes().contains(base.name())) {
        continue;
      }
      Shape shape = new Shape(base.name(), Math.max(1, Math.round(base.rows() * options.scale())), base.timesteps(),
          base.features(), base.units(), base.outputs());
      Path dir = options.workDir().resolve(shape.name() + "-" + shape.rows());
      String input = generatedInput(spark, shape, dir, progress);
      List<SeveralModels.Named> named = new ArrayList<>();
      for (int m = 0; m < models; m++) {
        named.add(new SeveralModels.Named("m" + (m + 1), simpleRnnModel(shape, 42 + m), null, 0));
      }
      ScoreOptions one = new ScoreOptions(input, dir.resolve("one-model-out").toString(), "features", 0, null,
          "prediction", null, ScoreOptions.WriteMode.OVERWRITE, options.batchSize()).withKernel(options.kernelPath());
      ScoreOptions several = new ScoreOptions(input, dir.resolve("models-out").toString(), "features", 0, null,
          "prediction", null, ScoreOptions.WriteMode.OVERWRITE, options.batchSize()).withKernel(options.kernelPath());
      List<Double> oneSeconds = new ArrayList<>();
      List<Double> severalSeconds = new ArrayList<>();
      for (int i = 0; i <= options.repeats(); i++) {
        progress.printf(Locale.ROOT, "bench %s: %d models against 1, round %d of %d...%n", shape.name(), models, i,
            options.repeats());
        progress.flush();
        long start = System.nanoTime();
        ScoreJob.run(spark, named.get(0).model(), one);
        oneSeconds.add((System.nanoTime() - start) / 1e9);
        start = System.nanoTime();
        ScoreJob.runSeveral(spark, named, several, BadRowPolicy.FAIL, ScoreJob.NO_PROGRESS);
        severalSeconds.add((System.nanoTime() - start) / 1e9);
      }
      double oneMedian = median(oneSeconds.subList(1, oneSeconds.size()));
      double severalMedian = median(severalSeconds.subList(1, severalSeconds.size()));
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("shape", shape.name());
      result.put("cell", SIMPLE_RNN);
      result.put("rows", shape.rows());
      result.put("models", models);
      result.put("one_model_wall_s", oneMedian);
      result.put("models_wall_s", severalMedian);
      result.put("models_vs_one", severalMedian / oneMedian);
      result.put("one_model_runs_s", oneSeconds);
      result.put("models_runs_s", severalSeconds);
      results.add(result);
    }
    return results;
  }

  /** The shape's generated input under {@code dir}, made once and reused by later runs. */
  private static String generatedInput(SparkSession spark, Shape shape, Path dir, java.io.PrintWriter progress) {
    String input = dir.resolve("input").toString();
    if (!Files.exists(dir.resolve("input").resolve("_SUCCESS"))) {
      progress.printf(Locale.ROOT, "bench %s: generating %d rows...%n", shape.name(), shape.rows());
      progress.flush();
      GenerateJob.run(spark, new GenerateJob.Options(input, shape.rows(), shape.timesteps(), 0, shape.features(), 1,
          0, ScoreOptions.WriteMode.OVERWRITE));
    }
    return input;
  }

  /**
   * The I/O floor: read the same Parquet, decode the sequences, write N×K floats computed by a
   * fully code-generated expression (the issue's {@code array(cast(size(flatten(features)) as
   * float), 0f, ...)}) — the data path without the model.
   */
  static void writeFloor(SparkSession spark, String input, String output, int outputs) {
    Dataset<Row> in = spark.read().parquet(input);
    org.apache.spark.sql.Column[] values = new org.apache.spark.sql.Column[outputs];
    values[0] = functions.size(functions.flatten(functions.col("features"))).cast("float");
    for (int k = 1; k < outputs; k++) {
      values[k] = functions.lit(0f);
    }
    in.select(functions.col("id"), functions.array(values).as("prediction")).write().mode(SaveMode.Overwrite)
        .parquet(output);
  }

  /** The SimpleRNN → Dense model of a shape (Glorot-like seeded weights). */
  public static RnnModel model(Shape shape) {
    return model(shape, SIMPLE_RNN);
  }

  /**
   * The {@code cell} → Dense model of a shape. SimpleRNN: tanh, Glorot-like seeded weights (as
   * before the cells came). LSTM and GRU as the peers ({@code ../shared/bench/numpy_cells_bench.py})
   * build theirs: activation tanh, recurrent activation sigmoid, GRU reset_after=True (bias 2×3M);
   * kernel, recurrent kernel and Dense kernel uniform in ±0.3, recurrent biases uniform in ±0.1,
   * Dense bias 0.
   */
  public static RnnModel model(Shape shape, String cell) {
    if (cell.equals(SIMPLE_RNN)) {
      return simpleRnnModel(shape);
    }
    Random random = new Random(42);
    int d = shape.features();
    int m = shape.units();
    int k = shape.outputs();
    org.rnnscore.model.RecurrentLayer rnn = switch (cell) {
      case LSTM -> new LstmLayer("lstm", m, uniform("kernel", random, 0.3, d, 4 * m),
          uniform("recurrent_kernel", random, 0.3, m, 4 * m), uniform("bias", random, 0.1, 4 * m), Activation.TANH,
          Activation.SIGMOID, Sequencing.LAST);
      case GRU -> new GruLayer("gru", m, uniform("kernel", random, 0.3, d, 3 * m),
          uniform("recurrent_kernel", random, 0.3, m, 3 * m), uniform("bias", random, 0.1, 2, 3 * m), Activation.TANH,
          Activation.SIGMOID, true, Sequencing.LAST);
      default -> throw new IllegalArgumentException("unknown cell '" + cell + "'; known: " + String.join(", ", CELLS));
    };
    DenseLayer dense = new DenseLayer("dense", k, uniform("kernel", random, 0.3, m, k),
        new WeightArray("bias", new int[] {k}, new float[k]), Activation.LINEAR);
    return new RnnModel("input", shape.timesteps(), List.of(rnn, dense));
  }

  private static RnnModel simpleRnnModel(Shape shape) {
    return simpleRnnModel(shape, 42);
  }

  /** The shape's SimpleRNN → Dense model with weights drawn from {@code seed}. */
  public static RnnModel simpleRnnModel(Shape shape, long seed) {
    Random random = new Random(seed);
    int d = shape.features();
    int m = shape.units();
    int k = shape.outputs();
    // Glorot-like scales keep tanh out of saturation, as trained weights mostly are.
    SimpleRnnLayer rnn = new SimpleRnnLayer("simple_rnn", m, weights("kernel", random, 1 / Math.sqrt(d), d, m),
        weights("recurrent_kernel", random, 0.9 / Math.sqrt(m), m, m), weights("bias", random, 0.1, m),
        Activation.TANH);
    DenseLayer dense = new DenseLayer("dense", k, weights("kernel", random, 1 / Math.sqrt(m), m, k),
        weights("bias", random, 0.1, k), Activation.LINEAR);
    return new RnnModel("input", shape.timesteps(), List.of(rnn, dense));
  }

  private static WeightArray weights(String name, Random random, double scale, int... shape) {
    int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] data = new float[size];
    for (int i = 0; i < size; i++) {
      data[i] = (float) (random.nextGaussian() * scale);
    }
    return new WeightArray(name, shape, data);
  }

  private static WeightArray uniform(String name, Random random, double bound, int... shape) {
    int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] data = new float[size];
    for (int i = 0; i < size; i++) {
      data[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return new WeightArray(name, shape, data);
  }

  /** ND4J's sgemm, 1024³, one thread: the machine's reference GFLOP/s for this run. */
  static double sgemmGflops() {
    Nd4jRuntime.limitThreads(1);
    INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
    INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
    INDArray c = Nd4j.zeros(DataType.FLOAT, 1024, 1024);
    double best = 0;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      int reps = 4;
      for (int i = 0; i < reps; i++) {
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      }
      best = Math.max(best, reps * 2.0 * 1024 * 1024 * 1024 / ((System.nanoTime() - start) / 1e9) / 1e9);
    }
    return best;
  }

  /** The widths {@link #kernelGrid} measures: M and D around every width auto's rule compares. */
  public static final int[] GRID_UNITS = {4, 8, 16, 32, 48, 64, 96, 128, 192, 256};
  public static final int[] GRID_FEATURES = {3, 8, 64, 256};

  /**
   * The measurements behind auto's rule ({@code bench --kernel-grid}): for each cell, D in {@code
   * features} and M in {@code units} (the command's defaults: {@link #GRID_FEATURES}, {@link #GRID_UNITS}), T = {@code timesteps}, B = {@code batchSize}, one
   * thread, the fused and the BLAS path's rows/s side by side (each the median of 5 short rounds)
   * and their ratio, with the path auto takes.
   */
  public static List<Map<String, Object>> kernelGrid(List<String> cells, int[] features, int[] units, int timesteps,
      int batchSize, double warmSeconds, double roundSeconds, java.io.PrintWriter progress) {
    List<Map<String, Object>> results = new ArrayList<>();
    for (int d : features) {
      for (int m : units) {
        Shape shape = new Shape("grid", batchSize, timesteps, d, m, 3);
        float[] input = kernelInput(shape, batchSize);
        for (String cell : CELLS) {
          if (!cells.contains(cell)) {
            continue;
          }
          RnnModel model = model(shape, cell);
          double fused = kernelRowsPerSecond(model, shape, batchSize, input, warmSeconds, roundSeconds,
              KernelPath.FUSED);
          double blas = kernelRowsPerSecond(model, shape, batchSize, input, warmSeconds, roundSeconds, KernelPath.BLAS);
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("cell", cell);
          r.put("T", timesteps);
          r.put("D", d);
          r.put("M", m);
          r.put("fused_rows_per_s", fused);
          r.put("blas_rows_per_s", blas);
          r.put("fused_vs_blas", fused / blas);
          r.put("auto", new ForwardPass(model, KernelPath.AUTO).kernelPaths().values().iterator().next().path().text());
          results.add(r);
          progress.printf(Locale.ROOT, "grid %-10s D %3d M %3d: fused %10.0f  blas %10.0f  fused/blas %5.2f  auto %s%n",
              cell, d, m, fused, blas, fused / blas, r.get("auto"));
          progress.flush();
        }
      }
    }
    return results;
  }

  /** One in-memory batch of B rows of standard-normal values (seeded), shared by a shape's cells. */
  static float[] kernelInput(Shape shape, int batchSize) {
    Random random = new Random(7);
    float[] rows = new float[batchSize * shape.timesteps() * shape.features()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (float) random.nextGaussian();
    }
    return rows;
  }

  /**
   * Forward-pass rows/s on in-memory batches of B rows ({@code rows}), one thread: median of 5
   * timed rounds of about {@code roundSeconds} each after {@code warmSeconds} of warm-up.
   */
  static double kernelRowsPerSecond(RnnModel model, Shape shape, int batchSize, float[] rows, double warmSeconds,
      double roundSeconds, KernelPath path) {
    Nd4jRuntime.limitThreads(1);
    ForwardPass pass = new ForwardPass(model, path);
    float[] predictions = new float[batchSize * shape.outputs()];
    // Warm the JIT (two seconds for the command), then time rounds (about half a second each).
    long warmUntil = System.nanoTime() + (long) (warmSeconds * 1e9);
    int warmBatches = 0;
    long start = System.nanoTime();
    do { // at least one batch, so that its time is known
      pass.score(rows, batchSize, shape.timesteps(), predictions);
      warmBatches++;
    } while (System.nanoTime() < warmUntil);
    double oneBatch = (System.nanoTime() - start) / 1e9 / warmBatches;
    int batches = (int) Math.max(2, Math.min(100_000, roundSeconds / oneBatch));
    List<Double> rates = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      start = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        pass.score(rows, batchSize, shape.timesteps(), predictions);
      }
      rates.add((double) batches * batchSize / ((System.nanoTime() - start) / 1e9));
    }
    return median(rates);
  }

  /** The seeds' loop in Java: one sample at a time, h = tanh(x_t·Wx + h·Wh + bh), y = h·Wo + bo. */
  static double loopRowsPerSecond(RnnModel model, Shape shape) {
    SimpleRnnLayer rnn = (SimpleRnnLayer) model.recurrent();
    DenseLayer dense = model.denseLayers().get(0);
    float[] wx = rnn.kernel().data();
    float[] wh = rnn.recurrentKernel().data();
    float[] bh = rnn.bias().orElseThrow().data();
    float[] wo = dense.kernel().data();
    float[] bo = dense.bias().orElseThrow().data();
    int t = shape.timesteps();
    int d = shape.features();
    int m = shape.units();
    int k = shape.outputs();
    Random random = new Random(7);
    float[] x = new float[t * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] h = new float[m];
    float[] next = new float[m];
    float[] y = new float[k];
    double sink = 0;
    List<Double> rates = new ArrayList<>();
    int samples = (int) Math.max(20, Math.min(200_000, 2e8 / shape.flopsPerRow()));
    for (int round = 0; round < 6; round++) {
      long start = System.nanoTime();
      for (int s = 0; s < samples; s++) {
        Arrays.fill(h, 0f);
        for (int step = 0; step < t; step++) {
          for (int j = 0; j < m; j++) {
            float z = bh[j];
            for (int i = 0; i < d; i++) {
              z += x[step * d + i] * wx[i * m + j];
            }
            for (int i = 0; i < m; i++) {
              z += h[i] * wh[i * m + j];
            }
            next[j] = (float) Math.tanh(z);
          }
          System.arraycopy(next, 0, h, 0, m);
        }
        for (int j = 0; j < k; j++) {
          float z = bo[j];
          for (int i = 0; i < m; i++) {
            z += h[i] * wo[i * k + j];
          }
          y[j] = z;
        }
        sink += y[0];
      }
      if (round >= 2) {
        rates.add(samples / ((System.nanoTime() - start) / 1e9));
      }
    }
    if (sink == 42.4242) {
      System.out.print(""); // keeps the loop's result alive
    }
    return median(rates);
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The process's peak resident set (VmHWM), MiB; -1 where /proc is not there. */
  static long peakRssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
