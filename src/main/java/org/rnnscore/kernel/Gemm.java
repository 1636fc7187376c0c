package org.rnnscore.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * C[0:n] = A[0:n] · B for row-major float matrices whose first n rows take part. On ND4J's CPU
 * backend this calls the OpenBLAS sgemm that ND4J itself bundles and calls, directly on the
 * arrays' memory: ND4J's own gemm wraps each call in an op context (~15 µs measured), as much as
 * the 1024×32×32 product of a small recurrent step costs. Elsewhere (the CUDA backend) it is
 * ND4J's gemm on row views.
 */
final class Gemm {
  private static final boolean DIRECT = directBlasAvailable();

  private Gemm() {}

  private static boolean directBlasAvailable() {
    if (Boolean.getBoolean("rnnscore.nd4jGemm")
        || !Nd4j.getBackend().getClass().getName().contains("nativecpu")) {
      return false;
    }
    try {
      Class.forName("org.bytedeco.openblas.global.openblas");
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Whether products go straight to OpenBLAS, for the run report. */
  static boolean direct() {
    return DIRECT;
  }

  static void multiply(INDArray a, int n, INDArray b, INDArray c) {
    if (n == 0) {
      return;
    }
    if (!DIRECT) {
      Nd4j.gemm(Affine.firstRows(a, n), b, Affine.firstRows(c, n), false, false, 1.0, 0.0);
      return;
    }
    int k = (int) a.columns();
    int width = (int) b.columns();
    OpenBlas.sgemm(n, width, k, pointer(a), pointer(b), pointer(c));
  }

  private static FloatPointer pointer(INDArray array) {
    return new FloatPointer(array.data().addressPointer()).position(array.offset());
  }

  /** Isolated so that the OpenBLAS classes load only where they exist. */
  private static final class OpenBlas {
    static void sgemm(int n, int width, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
      org.bytedeco.openblas.global.openblas.cblas_sgemm(org.bytedeco.openblas.global.openblas.CblasRowMajor,
          org.bytedeco.openblas.global.openblas.CblasNoTrans, org.bytedeco.openblas.global.openblas.CblasNoTrans,
          n, width, k, 1f, a, k, b, width, 0f, c, width);
    }
  }
}
