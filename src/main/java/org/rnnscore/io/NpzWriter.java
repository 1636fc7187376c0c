package org.rnnscore.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.UsageException;
import org.rnnscore.model.WeightArray;

/**
 * Writes a SimpleRNN → Dense model as the seeds' {@code .npz} (Wx, Wh, bh, Wo, bo; float32,
 * C order, stored entries, as {@code np.savez} writes), the file {@link NpzReader} reads: how
 * {@code generate --model-shape} hands a benchmark's model to {@code score}.
 */
public final class NpzWriter {
  private NpzWriter() {}

  /**
   * @throws UsageException when the model is not one SimpleRNN followed by one Dense (what .npz holds)
   */
  public static void write(OutputStream out, RnnModel model) throws IOException {
    if (model.layers().size() != 2 || !(model.layers().get(0) instanceof SimpleRnnLayer)
        || !(model.layers().get(1) instanceof DenseLayer)) {
      throw new UsageException("an .npz model holds a SimpleRNN and exactly one Dense; this model has layers "
          + model.layers().stream().map(Layer::kerasClass).collect(java.util.stream.Collectors.joining(", ")));
    }
    SimpleRnnLayer rnn = (SimpleRnnLayer) model.layers().get(0);
    DenseLayer dense = (DenseLayer) model.layers().get(1);
    Map<String, WeightArray> arrays = new LinkedHashMap<>();
    arrays.put("Wx", rnn.kernel());
    arrays.put("Wh", rnn.recurrentKernel());
    rnn.bias().ifPresent(b -> arrays.put("bh", b));
    arrays.put("Wo", dense.kernel());
    dense.bias().ifPresent(b -> arrays.put("bo", b));
    ZipOutputStream zip = new ZipOutputStream(out);
    for (Map.Entry<String, WeightArray> array : arrays.entrySet()) {
      byte[] bytes = npy(array.getValue());
      ZipEntry entry = new ZipEntry(array.getKey() + ".npy");
      CRC32 crc = new CRC32();
      crc.update(bytes);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(bytes.length);
      entry.setCompressedSize(bytes.length);
      entry.setCrc(crc.getValue());
      zip.putNextEntry(entry);
      zip.write(bytes);
      zip.closeEntry();
    }
    zip.finish();
  }

  /** A .npy 1.0 file of the array: little-endian float32, C order, header padded to 64 bytes. */
  static byte[] npy(WeightArray array) {
    StringBuilder shape = new StringBuilder("(");
    int[] dims = array.shape();
    for (int i = 0; i < dims.length; i++) {
      shape.append(i > 0 ? ", " : "").append(dims[i]);
    }
    shape.append(dims.length == 1 ? ",)" : ")");
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    int unpadded = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + 4 * array.size()).order(ByteOrder.LITTLE_ENDIAN);
    buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    buffer.putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < array.size(); i++) {
      buffer.putFloat(array.get(i));
    }
    return buffer.array();
  }
}
