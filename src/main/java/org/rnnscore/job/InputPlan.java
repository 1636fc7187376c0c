package org.rnnscore.job;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.Messages;
import org.rnnscore.model.Node;
import org.rnnscore.model.ClassOutputs;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/**
 * Checks the input's schema against the options and the model on the driver, before any
 * executor work, and plans the projection each partition reads: kept columns, the key, and the
 * sequence cast to float.
 */
public final class InputPlan {
  private final InputLayout layout;
  private final Dataset<Row> projected;
  private final StructType outputSchema;
  private final StateLookup stateLookup;

  private InputPlan(InputLayout layout, Dataset<Row> projected, StructType outputSchema, StateLookup stateLookup) {
    this.layout = layout;
    this.projected = projected;
    this.outputSchema = outputSchema;
    this.stateLookup = stateLookup;
  }

  /** This plan with its rows' starting states found by {@code lookup} (--initial-state-from). */
  InputPlan withStateLookup(StateLookup lookup) {
    return new InputPlan(layout, projected, outputSchema, lookup);
  }

  /** Where rows find their starting states and report their keys, or null (no states, or a library join). */
  StateLookup stateLookup() {
    return stateLookup;
  }

  public InputLayout layout() {
    return layout;
  }

  /** The input reduced to kept columns, then the key if not kept, then the float sequence. */
  public Dataset<Row> projected() {
    return projected;
  }

  /** Kept columns with their types, then the prediction column, array&lt;float&gt;. */
  public StructType outputSchema() {
    return outputSchema;
  }

  /**
   * @throws InputDataException when the sequence column is missing or of a type that cannot be
   *     scored; the message shows the schema found and what was expected
   * @throws UsageException when --keep, --key or --prediction-col name columns wrongly
   */
  public static InputPlan of(Dataset<Row> input, String inputName, ScoreOptions options, RnnModel model) {
    return of(input, inputName, options, model, null, false, false);
  }

  /** The prefix of the initial-state columns joined onto the input by --initial-state-from. */
  static final String INITIAL_STATE_PREFIX = SourceColumns.INTERNAL_PREFIX + "initial_";

  static InputPlan of(Dataset<Row> input, String inputName, ScoreOptions options, RnnModel model,
      StateColumns states, boolean emitState, boolean initialStates) {
    return of(input, inputName, options, model, states, emitState, initialStates, PassThrough.CLI);
  }

  /** Which input columns come out beside the predictions when --keep does not say. */
  enum PassThrough {
    /** All but the sequence column(s): the CLI writes predictions in their place. */
    CLI,
    /** Every input column, as Spark ML's transformers do (a library call). */
    LIBRARY,
    /** Every column, rnnscore's internal ones too: a model scored before another in one pass. */
    CHAIN
  }

  static InputPlan of(Dataset<Row> input, String inputName, ScoreOptions options, RnnModel model,
      StateColumns states, boolean emitState, boolean initialStates, PassThrough passThrough) {
    StructType schema = input.schema();
    List<RnnModel.Input> modelInputs = model.inputs();
    java.util.Map<String, String> mapping = ScoreOptions.inputColumns(options.featuresColumn());
    String featuresColumn = mapping == null ? options.featuresColumn() : inputColumnsOf(mapping, model);
    if (mapping == null && modelInputs.size() > 1) {
      throw new UsageException("the model has " + modelInputs.size() + " inputs (" + inputNames(model)
          + "); give one column per input: --features-col "
          + modelInputs.stream().map(in -> in.name() + "=COL").collect(Collectors.joining(",")));
    }
    StructField features = field(schema, featuresColumn);
    int d = model.inputWidth();
    if (features == null) {
      throw new InputDataException(inputName + ": column '" + featuresColumn + "' not found; the input has "
          + describe(schema) + ". Name the sequence column with --features-col");
    }
    boolean tokens = model.tokenInput();
    boolean flat;
    if (tokens) {
      if (!isIntegerArray(features.dataType())) {
        throw new InputDataException(inputName + ": column '" + featuresColumn + "' has type "
            + features.dataType().simpleString() + ", expected array<int> (one token id per timestep: the model starts"
            + " with an Embedding)");
      }
      flat = false;
    } else if (model.inputFrame() != null) {
      flat = framesColumn(inputName, featuresColumn, features.dataType(), options, model);
    } else {
      if (options.frameShape() != null) {
        throw new UsageException("--frame-shape " + options.frameShape().text().replace(" ", "") + " is for per-step"
            + " image models (input (None, T, H, W, C)); this model reads T×" + d + " rows");
      }
      flat = isNumericArray(features.dataType());
      boolean nested = !flat && features.dataType() instanceof ArrayType
          && isNumericArray(((ArrayType) features.dataType()).elementType());
      if (!flat && !nested) {
        throw new InputDataException(inputName + ": column '" + featuresColumn + "' has type "
            + features.dataType().simpleString() + ", expected array<array<float>> (T timesteps of D = " + d
            + " features; double is accepted and cast) or a flat array<float> of T·D values with --timesteps T");
      }
      if (flat && options.timesteps() == 0 && !model.requiresDeclaredTimesteps()) {
        throw new UsageException(inputName + ": column '" + featuresColumn + "' is a flat "
            + features.dataType().simpleString() + "; give --timesteps T so that each row's T·" + d
            + " values can be read as T timesteps of D = " + d + " features");
      }
    }
    if (modelInputs.size() > 1 && (flat || tokens || model.inputFrame() != null)) {
      throw new UsageException("a model of several inputs reads each input from an array<array<float>> column (T"
          + " timesteps of its D features); column '" + featuresColumn + "' of input '" + modelInputs.get(0).name()
          + "' is " + features.dataType().simpleString() + (tokens ? " (token ids)" : "")
          + (model.inputFrame() != null ? " (image frames)" : "") + ", which this version reads for one-input models"
          + " only");
    }
    int requiredTimesteps = options.timesteps();
    String requiredBy = requiredTimesteps > 0 ? "--timesteps " + requiredTimesteps : null;
    if (model.requiresDeclaredTimesteps()) {
      int declared = model.declaredTimesteps().getAsInt();
      if (requiredTimesteps > 0 && requiredTimesteps != declared) {
        throw new UsageException("--timesteps " + requiredTimesteps + " contradicts the model, whose "
            + model.declaredTimestepsNeededBy().kerasClass() + " needs"
            + " exactly " + declared + " timesteps");
      }
      requiredTimesteps = declared;
      requiredBy = "the model's " + model.declaredTimestepsNeededBy().kerasClass();
    }

    List<String> sequenceColumns = mapping == null ? List.of(featuresColumn) : new ArrayList<>(mapping.values());
    List<String> kept = keptColumns(schema, options, passThrough == PassThrough.CLI ? sequenceColumns : List.of(),
        passThrough == PassThrough.CHAIN);
    List<InputLayout.OutputColumn> outputs = outputColumns(model, options.predictionColumn());
    options.classOutputs().check(model, options.forceOutputs());
    List<ClassOutputs.Column> classColumns = options.classOutputs().columns(options.predictionColumn());
    List<String> predictionColumns = outputs.isEmpty() ? classColumns.stream().map(ClassOutputs.Column::name).toList()
        : outputs.stream().map(InputLayout.OutputColumn::column).toList();
    for (String name : kept) {
      if (predictionColumns.contains(name)) {
        throw new UsageException("--prediction-col '" + options.predictionColumn() + "'"
            + (outputs.isEmpty() ? "" : " gives prediction column '" + name + "', which")
            + " collides with a kept input column of the same name; rename it with --prediction-col or leave the"
            + " column out with --keep");
      }
    }

    if (emitState) {
      requireNoStateClash(states, kept, options.predictionColumn());
    }

    if (options.partitionBy() != null && !kept.contains(options.partitionBy())) {
      throw new UsageException("--partition-by '" + options.partitionBy() + "' is not among the output's columns "
          + kept + "; partition by a kept input column");
    }
    String keyColumn = options.keyColumn();
    if (keyColumn != null && field(schema, keyColumn) == null) {
      throw new UsageException(inputName + ": --key column '" + keyColumn + "' not found; the input has "
          + describe(schema));
    }
    if (keyColumn == null && field(schema, ScoreOptions.DEFAULT_KEY_COLUMN) != null) {
      keyColumn = ScoreOptions.DEFAULT_KEY_COLUMN;
    }

    List<Column> columns = new ArrayList<>();
    List<StructField> outputFields = new ArrayList<>();
    DataType[] keptTypes = new DataType[kept.size()];
    int keyOrdinal = -1;
    for (int i = 0; i < kept.size(); i++) {
      StructField f = field(schema, kept.get(i));
      columns.add(col(quote(f.name())));
      outputFields.add(f);
      keptTypes[i] = f.dataType();
      if (f.name().equals(keyColumn)) {
        keyOrdinal = i;
      }
    }
    DataType keyType = null;
    if (keyColumn != null) {
      StructField keyField = field(schema, keyColumn);
      keyType = keyField.dataType();
      if (keyOrdinal < 0) {
        keyOrdinal = columns.size();
        columns.add(col(quote(keyField.name())));
      }
      keyColumn = keyField.name();
    }
    int featuresOrdinal = columns.size();
    DataType readType = tokens
        ? DataTypes.createArrayType(DataTypes.IntegerType)
        : flat
            ? DataTypes.createArrayType(DataTypes.FloatType)
            : model.inputFrame() != null
                ? nestedFloat(4)
                : DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType));
    columns.add(col(quote(features.name())).cast(readType).as("__rnnscore_features"));
    List<InputLayout.ExtraInput> extras = new ArrayList<>();
    for (int k = 1; k < modelInputs.size(); k++) {
      RnnModel.Input in = modelInputs.get(k);
      StructField f = extraColumn(schema, inputName, in, mapping.get(in.name()));
      extras.add(new InputLayout.ExtraInput(k, in.name(), f.name(), columns.size(), in.width(), model.stepMinimums(k)));
      columns.add(col(quote(f.name())).cast(nestedFloat(2)).as("__rnnscore_features_" + k));
    }
    if (outputs.isEmpty()) {
      for (ClassOutputs.Column column : classColumns) {
        outputFields.add(new StructField(column.name(), classOutputType(column.value(), model.outputIsSequence()),
            false, org.apache.spark.sql.types.Metadata.empty()));
      }
    } else {
      for (InputLayout.OutputColumn output : outputs) {
        DataType vector = DataTypes.createArrayType(DataTypes.FloatType, false);
        outputFields.add(new StructField(output.column(), output.sequence() ? DataTypes.createArrayType(vector, false)
            : vector, false, org.apache.spark.sql.types.Metadata.empty()));
      }
    }

    int firstInitial = -1;
    if (initialStates) {
      firstInitial = columns.size();
      for (String name : states.names()) {
        columns.add(col(quote(INITIAL_STATE_PREFIX + name)));
      }
    }
    int sourceFile = -1;
    if (field(schema, SourceColumns.FILE) != null && field(schema, SourceColumns.ROW) != null) {
      sourceFile = columns.size();
      columns.add(col(SourceColumns.FILE));
      columns.add(col(SourceColumns.ROW));
    }
    if (emitState) {
      for (String name : states.names()) {
        outputFields.add(new StructField(name, DataTypes.createArrayType(DataTypes.FloatType, false), false,
            org.apache.spark.sql.types.Metadata.empty()));
      }
    }
    int vocabulary = tokens ? ((EmbeddingLayer) model.layers().get(0)).vocabularySize() : 0;
    InputLayout layout = new InputLayout(features.name(), featuresOrdinal, flat, tokens, vocabulary, requiredTimesteps,
        requiredBy, model.outputIsSequence(), d, kept.size(), keptTypes, keyColumn, keyOrdinal, keyType, states,
        emitState, firstInitial, sourceFile, model.stepMinimums(), model.inputFrame(), List.copyOf(extras),
        List.copyOf(outputs), extras.isEmpty() ? null : stepMergeOfInputs(model), options.classOutputs(),
        options.source().isTable() ? inputName : null);
    Dataset<Row> projected = input.select(columns.toArray(new Column[0]));
    return new InputPlan(layout, projected, new StructType(outputFields.toArray(new StructField[0])), null);
  }

  /**
   * --emit-state adds one column per state; a kept column or the prediction column of the same
   * name would make the write fail after the whole scoring pass, so it is refused before it.
   */
  private static void requireNoStateClash(StateColumns states, List<String> kept, String predictionColumn) {
    for (String name : states.names()) {
      if (name.equals(predictionColumn)) {
        throw new UsageException("--prediction-col '" + predictionColumn + "' is also the name of a state column"
            + " that --emit-state writes; name the prediction column otherwise");
      }
      if (kept.contains(name)) {
        throw new UsageException("--emit-state writes column '" + name + "', but the input already has a column of"
            + " that name (kept in the output); leave it out with --keep, or score without --emit-state");
      }
    }
  }

  /**
   * The first layer that merges, step by step, sequences carrying the row steps of different
   * inputs (an Add of two LSTM(return_sequences) branches over two inputs), or null: a row's
   * inputs must then have one length, and a row whose columns differ is a bad row, not a kernel
   * failure that ends the task.
   */
  static String stepMergeOfInputs(RnnModel model) {
    List<Node> nodes = model.nodes();
    List<Set<Integer>> from = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      Set<Integer> sources = new java.util.TreeSet<>();
      Set<Integer> first = null;
      boolean differ = false;
      for (int in : node.inputs()) {
        Set<Integer> carried = in < 0 ? Set.of(Node.inputOf(in)) : from.get(in);
        if (!model.shapeOf(in).sequence() || carried.isEmpty()) {
          continue;
        }
        differ |= first != null && !first.equals(carried);
        first = first == null ? carried : first;
        sources.addAll(carried);
      }
      if (differ && node.inputs().size() > 1) {
        return "layer '" + node.layer().name() + "' (" + node.layer().kerasClass() + ")";
      }
      boolean keeps = model.outputShapes().get(i).sequence() && !node.layer().fixesSteps(model.shapeOf(node.inputs().get(0)));
      from.add(keeps ? sources : Set.of());
    }
    return null;
  }

  /** "'encoder_input', 'decoder_input'", for messages. */
  private static String inputNames(RnnModel model) {
    return model.inputs().stream().map(in -> "'" + in.name() + "'").collect(Collectors.joining(", "));
  }

  /**
   * Checks that --features-col INPUT=COL,... names each of the model's inputs once and nothing
   * else; returns input 0's column.
   */
  private static String inputColumnsOf(java.util.Map<String, String> mapping, RnnModel model) {
    List<String> names = model.inputs().stream().map(RnnModel.Input::name).toList();
    for (String given : mapping.keySet()) {
      if (!names.contains(given)) {
        throw new UsageException("--features-col names input '" + given + "', which the model does not have; its"
            + " inputs are " + inputNames(model));
      }
    }
    for (String name : names) {
      if (!mapping.containsKey(name)) {
        throw new UsageException("--features-col gives no column for input '" + name + "'; the model's inputs are "
            + inputNames(model) + ": give --features-col " + names.stream()
                .map(n -> n + "=" + mapping.getOrDefault(n, "COL")).collect(Collectors.joining(",")));
      }
    }
    return mapping.get(names.get(0));
  }

  /** An extra input's column: present and array&lt;array&lt;float&gt;&gt; (double accepted). */
  private static StructField extraColumn(StructType schema, String inputName, RnnModel.Input in, String column) {
    StructField f = field(schema, column);
    if (f == null) {
      throw new InputDataException(inputName + ": column '" + column + "' (input '" + in.name() + "') not found;"
          + " the input has " + describe(schema));
    }
    boolean nested = f.dataType() instanceof ArrayType && isNumericArray(((ArrayType) f.dataType()).elementType());
    if (!nested) {
      throw new InputDataException(inputName + ": column '" + column + "' (input '" + in.name() + "') has type "
          + f.dataType().simpleString() + ", expected array<array<float>> (T timesteps of D = " + in.width()
          + " features; double is accepted and cast)");
    }
    return f;
  }

  /**
   * A model of several outputs: one column {@code <prediction-col>_<output layer name>} each, in
   * the model's order; empty for one output (the prediction column itself).
   */
  private static List<InputLayout.OutputColumn> outputColumns(RnnModel model, String predictionColumn) {
    List<InputLayout.OutputColumn> outputs = new ArrayList<>();
    if (model.outputNodes().size() < 2) {
      return outputs;
    }
    for (int node : model.outputNodes()) {
      org.rnnscore.model.Shape shape = model.outputShapes().get(node);
      String name = predictionColumn + "_" + model.nodes().get(node).layer().name();
      for (InputLayout.OutputColumn other : outputs) {
        if (other.column().equals(name)) {
          throw new UsageException("the model's outputs give prediction column '" + name + "' twice");
        }
      }
      outputs.add(new InputLayout.OutputColumn(name, shape.width(), shape.sequence()));
    }
    return outputs;
  }

  private static List<String> keptColumns(StructType schema, ScoreOptions options, List<String> sequenceColumns,
      boolean internalToo) {
    if (options.keep() == null) {
      List<String> all = new ArrayList<>();
      for (StructField f : schema.fields()) {
        if (!sequenceColumns.contains(f.name()) && (internalToo || !f.name().startsWith(SourceColumns.INTERNAL_PREFIX))) {
          all.add(f.name());
        }
      }
      return all;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String name : options.keep()) {
      StructField f = field(schema, name);
      if (f == null) {
        throw new UsageException("--keep names column '" + name + "', which the input does not have; the input has "
            + describe(schema));
      }
      if (sequenceColumns.contains(f.name())) {
        throw new UsageException("--keep names the sequence column '" + name
            + "'; it is never passed through (predictions replace it)");
      }
      if (!seen.add(f.name())) {
        throw new UsageException("--keep names column '" + name + "' twice");
      }
    }
    return new ArrayList<>(seen);
  }

  /** The field of that exact name (Parquet names are case-sensitive), or null. */
  private static StructField field(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** array&lt;float&gt; of K, or array&lt;array&lt;float&gt;&gt; (T×K) when the model returns sequences. */
  /** A class output column's type: per step (an array of them) for a sequence output. */
  static DataType classOutputType(ClassOutputs.Value value, boolean sequence) {
    DataType one = switch (value) {
      case RAW, PROB, TOP_SCORES -> DataTypes.createArrayType(DataTypes.FloatType, false);
      case LABEL -> DataTypes.IntegerType;
      case LABEL_NAME -> DataTypes.StringType;
      case TOP_INDICES -> DataTypes.createArrayType(DataTypes.IntegerType, false);
      case POSITIVE -> DataTypes.BooleanType;
    };
    return sequence ? DataTypes.createArrayType(one, false) : one;
  }

  public static DataType predictionType(RnnModel model) {
    DataType vector = DataTypes.createArrayType(DataTypes.FloatType, false);
    return model.outputIsSequence() ? DataTypes.createArrayType(vector, false) : vector;
  }

  /**
   * A per-step image model's column: nested T × H × W × C (array&lt;array&lt;array&lt;array&lt;float&gt;&gt;&gt;&gt;),
   * or flat with --timesteps T and --frame-shape H,W,C, which must be the model's frame. True for flat.
   */
  private static boolean framesColumn(String inputName, String featuresColumn, DataType type, ScoreOptions options,
      RnnModel model) {
    org.rnnscore.model.Frame frame = model.inputFrame();
    String shape = frame.height() + "," + frame.width() + "," + frame.channels();
    if (isNumericArray(type)) {
      if (options.frameShape() == null || options.timesteps() == 0 && !model.requiresDeclaredTimesteps()) {
        throw new UsageException(inputName + ": column '" + featuresColumn + "' is a flat " + type.simpleString()
            + "; the model reads T frames of " + frame.height() + "×" + frame.width() + "×" + frame.channels()
            + " (H×W×C): give --timesteps T --frame-shape " + shape + " (or a nested"
            + " array<array<array<array<float>>>> column)");
      }
      if (!options.frameShape().equals(frame)) {
        throw new UsageException("--frame-shape " + options.frameShape().text().replace(" ", "") + " contradicts the"
            + " model, whose input frames are " + shape + " (H,W,C)");
      }
      return true;
    }
    DataType element = type;
    for (int depth = 0; depth < 3 && element instanceof ArrayType; depth++) {
      element = ((ArrayType) element).elementType();
    }
    if (!isNumericArray(element)) {
      throw new InputDataException(inputName + ": column '" + featuresColumn + "' has type " + type.simpleString()
          + ", expected array<array<array<array<float>>>> (T frames of H×W×C = " + frame.height() + "×"
          + frame.width() + "×" + frame.channels() + "; double is accepted and cast) or a flat array<float> with"
          + " --timesteps T --frame-shape " + shape);
    }
    if (options.frameShape() != null && !options.frameShape().equals(frame)) {
      throw new UsageException("--frame-shape " + options.frameShape().text().replace(" ", "") + " contradicts the"
          + " model, whose input frames are " + shape + " (H,W,C)");
    }
    return false;
  }

  private static DataType nestedFloat(int depth) {
    DataType type = DataTypes.FloatType;
    for (int i = 0; i < depth; i++) {
      type = DataTypes.createArrayType(type);
    }
    return type;
  }

  private static boolean isIntegerArray(DataType type) {
    if (!(type instanceof ArrayType)) {
      return false;
    }
    DataType element = ((ArrayType) type).elementType();
    return element.equals(DataTypes.IntegerType) || element.equals(DataTypes.LongType)
        || element.equals(DataTypes.ShortType) || element.equals(DataTypes.ByteType);
  }

  private static boolean isNumericArray(DataType type) {
    if (!(type instanceof ArrayType)) {
      return false;
    }
    DataType element = ((ArrayType) type).elementType();
    return element.equals(DataTypes.FloatType) || element.equals(DataTypes.DoubleType);
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** "columns id: bigint, features: array<array<float>>", for messages. */
  static String describe(StructType schema) {
    List<StructField> visible = java.util.Arrays.stream(schema.fields())
        .filter(f -> !f.name().startsWith(SourceColumns.INTERNAL_PREFIX)).collect(Collectors.toList());
    if (visible.isEmpty()) {
      return "no columns";
    }
    return "columns " + Messages.list(visible.stream()
        .map(f -> f.name() + ": " + f.dataType().simpleString())
        .collect(Collectors.toList()));
  }
}
