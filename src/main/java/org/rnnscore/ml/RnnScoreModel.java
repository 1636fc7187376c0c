package org.rnnscore.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.rnnscore.api.RnnScorer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.UsageException;

/**
 * A Keras recurrent model as a Spark ML {@link Transformer}: {@code transform} adds the
 * prediction columns lazily, through {@link RnnScorer}. Saved with its pipeline ({@code
 * PipelineModel.save}), it embeds the model's bytes (and the weights', for a JSON architecture)
 * with their sha256 in the stage's {@code data/} folder, and a loaded stage scores from that copy
 * after checking the sha256, so a saved pipeline does not depend on the original path.
 *
 * <p>The model is read on the driver and broadcast at the first {@code transform} of an instance,
 * then reused by its later calls; the broadcast lives as long as the instance (a Transformer has
 * no close; use {@link RnnScorer} directly to control it).
 */
public final class RnnScoreModel extends Transformer implements MLWritable {
  private static final long serialVersionUID = 1L;
  private static final String DATA = "data";
  private static final String MANIFEST = "model.properties";

  private final String uid;
  private final Param<String> modelPath;
  private final Param<String> weightsPath;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> keyCol;
  private final IntParam timesteps;
  private final IntParam batchSize;
  private final Param<String> outputs;
  private final StringArrayParam classNames;
  private final Param<String> handleInvalid;
  /** The scorer of the current model path, made at the first transform; never serialized. */
  private transient RnnScorer scorer;
  private transient String scorerKey;

  public RnnScoreModel() {
    this(Identifiable$.MODULE$.randomUID("rnnScoreModel"));
  }

  /** The constructor Spark ML's copy and load use. */
  public RnnScoreModel(String uid) {
    this.uid = uid;
    modelPath = new Param<>(this, "modelPath", "the Keras model file (.keras, .h5, .npz; a JSON architecture with"
        + " weightsPath), any Hadoop path");
    weightsPath = new Param<>(this, "weightsPath", "the weights-only .h5 of a JSON architecture file; empty for a"
        + " full-model file");
    featuresCol = new Param<>(this, "featuresCol", "the sequence column, array<array<float>> (T×D), or a flat"
        + " array<float> with timesteps; INPUT=COL,... for a model of several inputs");
    predictionCol = new Param<>(this, "predictionCol", "the prediction column; class outputs add suffixes to it");
    keyCol = new Param<>(this, "keyCol", "the column that names a row in bad-row messages; empty: id when present");
    timesteps = new IntParam(this, "timesteps", "T for a flat array<float> column of T·D values; 0: not flat",
        ParamValidators.gtEq(0));
    batchSize = new IntParam(this, "batchSize", "rows per forward pass", ParamValidators.inRange(1, 1 << 20));
    outputs = new Param<>(this, "outputs", "a comma list of raw, softmax, sigmoid, argmax, top-k=N, threshold=X (as"
        + " the CLI's --outputs)");
    classNames = new StringArrayParam(this, "classNames", "the K class names (index order), for argmax's <predictionCol>_label_name;"
        + " empty: none");
    handleInvalid = new Param<>(this, "handleInvalid", "rows that cannot be scored: error (fail the action), skip"
        + " (drop them) or keep (null predictions, with reason_code and reason columns)",
        ParamValidators.inArray(new String[] {"error", "skip", "keep"}));
    setDefault(weightsPath, "");
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
    setDefault(keyCol, "");
    setDefault(timesteps, 0);
    setDefault(batchSize, 1024);
    setDefault(outputs, "raw");
    setDefault(classNames, new String[0]);
    setDefault(handleInvalid, "error");
  }

  @Override
  public String uid() {
    return uid;
  }

  // Params, found by Spark ML through these public getters (Params.params reflects on them).
  public Param<String> modelPath() {
    return modelPath;
  }

  public Param<String> weightsPath() {
    return weightsPath;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> keyCol() {
    return keyCol;
  }

  public IntParam timesteps() {
    return timesteps;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public Param<String> outputs() {
    return outputs;
  }

  public StringArrayParam classNames() {
    return classNames;
  }

  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  public RnnScoreModel setModelPath(String value) {
    return (RnnScoreModel) set(modelPath, value);
  }

  public RnnScoreModel setWeightsPath(String value) {
    return (RnnScoreModel) set(weightsPath, value);
  }

  public RnnScoreModel setFeaturesCol(String value) {
    return (RnnScoreModel) set(featuresCol, value);
  }

  public RnnScoreModel setPredictionCol(String value) {
    return (RnnScoreModel) set(predictionCol, value);
  }

  public RnnScoreModel setKeyCol(String value) {
    return (RnnScoreModel) set(keyCol, value);
  }

  public RnnScoreModel setTimesteps(int value) {
    return (RnnScoreModel) set(timesteps, value);
  }

  public RnnScoreModel setBatchSize(int value) {
    return (RnnScoreModel) set(batchSize, value);
  }

  public RnnScoreModel setOutputs(String value) {
    return (RnnScoreModel) set(outputs, value);
  }

  public RnnScoreModel setClassNames(String[] value) {
    return (RnnScoreModel) set(classNames, value);
  }

  public RnnScoreModel setHandleInvalid(String value) {
    return (RnnScoreModel) set(handleInvalid, value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    return scorer(dataset.sparkSession()).transform((Dataset<Row>) dataset);
  }

  /** The input's columns and the ones transform adds; a missing or wrongly typed column fails here, before any job. */
  @Override
  public StructType transformSchema(StructType schema) {
    return scorer(SparkSession.active()).outputSchema(schema);
  }

  @Override
  public RnnScoreModel copy(ParamMap extra) {
    return (RnnScoreModel) defaultCopy(extra);
  }

  /** The scorer for the current params: the model is read again only when its path changes. */
  private synchronized RnnScorer scorer(SparkSession spark) {
    if (!isDefined(modelPath)) {
      throw new UsageException("RnnScoreModel: set modelPath to the Keras model file before transform");
    }
    String weights = $(weightsPath).isEmpty() ? null : $(weightsPath);
    String key = $(modelPath) + "\u0000" + weights;
    if (scorer == null || !key.equals(scorerKey)) {
      if (scorer != null) {
        scorer.close();
      }
      scorer = RnnScorer.load(spark, $(modelPath), weights);
      scorerKey = key;
    }
    RnnScorer configured = scorer.featuresCol($(featuresCol)).predictionCol($(predictionCol))
        .timesteps((Integer) $(timesteps)).batchSize((Integer) $(batchSize))
        .onBadRow(switch ($(handleInvalid)) {
          case "skip" -> "skip";
          case "keep" -> "quarantine";
          default -> "fail";
        });
    if (!$(keyCol).isEmpty()) {
      configured = configured.keyCol($(keyCol));
    }
    return configured.outputs($(outputs)).classNames($(classNames));
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  @Override
  public void save(String path) throws IOException {
    write().save(path);
  }

  public static MLReader<RnnScoreModel> read() {
    return new Reader();
  }

  public static RnnScoreModel load(String path) {
    return read().load(path);
  }

  /** The params as Spark ML's default metadata, and the model's bytes with their sha256 under data/. */
  private static final class Writer extends MLWriter {
    private final RnnScoreModel stage;

    Writer(RnnScoreModel stage) {
      this.stage = stage;
    }

    @Override
    public void saveImpl(String path) {
      if (!stage.isDefined(stage.modelPath)) {
        throw new UsageException("RnnScoreModel: set modelPath before saving; the stage embeds the model's bytes");
      }
      DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, sparkSession());
      Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
      Properties manifest = new Properties();
      embed(stage.$(stage.modelPath), "model", path, conf, manifest);
      if (!stage.$(stage.weightsPath).isEmpty()) {
        embed(stage.$(stage.weightsPath), "weights", path, conf, manifest);
      }
      Path target = new Path(new Path(path, DATA), MANIFEST);
      try (OutputStream out = target.getFileSystem(conf).create(target, false)) {
        manifest.store(out, "rnnscore RnnScoreModel: the embedded model files and their sha256");
      } catch (IOException e) {
        throw new UsageException("RnnScoreModel: cannot write " + target + ": " + e.getMessage(), e);
      }
    }

    private static void embed(String source, String role, String stagePath, Configuration conf,
        Properties manifest) {
      byte[] bytes = readAll(new Path(source), conf, role + " file " + source);
      String name = role + "-" + new Path(source).getName();
      Path target = new Path(new Path(stagePath, DATA), name);
      try (OutputStream out = target.getFileSystem(conf).create(target, false)) {
        out.write(bytes);
      } catch (IOException e) {
        throw new UsageException("RnnScoreModel: cannot write " + target + ": " + e.getMessage(), e);
      }
      manifest.setProperty(role + ".file", name);
      manifest.setProperty(role + ".sha256", sha256(bytes));
      manifest.setProperty(role + ".source", source);
    }
  }

  /** Reads the params, then points modelPath (and weightsPath) at the embedded copies once their sha256 match. */
  private static final class Reader extends MLReader<RnnScoreModel> {
    @Override
    public RnnScoreModel load(String path) {
      DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
          RnnScoreModel.class.getName());
      RnnScoreModel stage = new RnnScoreModel(metadata.uid());
      metadata.getAndSetParams(stage, scala.Option.empty());
      Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
      Path data = new Path(path, DATA);
      Path manifestPath = new Path(data, MANIFEST);
      Properties manifest = new Properties();
      try (InputStream in = manifestPath.getFileSystem(conf).open(manifestPath)) {
        manifest.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        throw new ModelFormatException(path + ": not a saved RnnScoreModel (no readable " + DATA + "/" + MANIFEST
            + ": " + e.getMessage() + ")");
      }
      stage.set(stage.modelPath, verified(data, "model", manifest, conf, path));
      if (manifest.getProperty("weights.file") != null) {
        stage.set(stage.weightsPath, verified(data, "weights", manifest, conf, path));
      }
      return stage;
    }

    private static String verified(Path data, String role, Properties manifest, Configuration conf, String stage) {
      Path file = new Path(data, manifest.getProperty(role + ".file"));
      String want = manifest.getProperty(role + ".sha256");
      String got = sha256(readAll(file, conf, "the saved " + role + " file " + file));
      if (!got.equals(want)) {
        throw new ModelFormatException(file + ": sha256 " + got + " differs from the " + want + " recorded when the"
            + " stage was saved (from " + manifest.getProperty(role + ".source") + "); the saved pipeline " + stage
            + " was changed or damaged: save it again");
      }
      return file.toString();
    }
  }

  private static byte[] readAll(Path path, Configuration conf, String what) {
    try {
      FileSystem fs = path.getFileSystem(conf);
      try (InputStream in = fs.open(path)) {
        return in.readAllBytes();
      }
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      throw new ModelFormatException(path + ": the file's bytes no longer match the checksum written with them ("
          + e.getMessage() + "); " + what + " was changed or damaged: save the stage again");
    } catch (IOException e) {
      throw new UsageException("RnnScoreModel: cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).toLowerCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
