package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void isSecretKey_credentialNames_caseInsensitive() {
    for (String key : List.of("spark.hadoop.fs.s3a.secret.key", "spark.hadoop.fs.s3a.access.key",
        "spark.ssl.keyPassword", "spark.hadoop.fs.azure.account.key", "spark.hadoop.fs.gs.auth.TOKEN",
        "spark.hadoop.google.cloud.auth.service.account.json.keyfile.Credential", "spark.authenticate.secret",
        "spark.x.apiKey")) {
      assertTrue(Redaction.isSecretKey(key), key);
    }
    for (String key : List.of("spark.executor.memory", "spark.sql.shuffle.partitions", "spark.master",
        "spark.hadoop.fs.s3a.endpoint", "spark.io.encryption.keySizeBits")) {
      assertFalse(Redaction.isSecretKey(key), key);
    }
  }

  @Test
  void redactArgs_secretConfValues_hiddenBothForms() {
    Redaction redaction = Redaction.of(Map.of("spark.hadoop.fs.s3a.secret.key", "SUPERSECRET",
        "spark.executor.memory", "2g"));
    assertEquals("score --conf spark.hadoop.fs.s3a.secret.key=*********(redacted) --conf=spark.ssl.keyPassword="
        + "*********(redacted) --conf spark.executor.memory=2g --input *********(redacted)-dir",
        redaction.redactArgs(List.of("score", "--conf", "spark.hadoop.fs.s3a.secret.key=SUPERSECRET",
            "--conf=spark.ssl.keyPassword=hunter22", "--conf", "spark.executor.memory=2g", "--input",
            "SUPERSECRET-dir")), "a known secret is hidden wherever it appears");
    assertEquals("s3a: 403 for key *********(redacted)", redaction.redact("s3a: 403 for key SUPERSECRET"));
  }

  @Test
  void of_secretSetBySparkSubmitAsSystemProperty_hiddenInText() {
    System.setProperty("spark.hadoop.fs.s3a.access.key", "AKIAEXAMPLE");
    try {
      assertEquals("denied for *********(redacted)", Redaction.of(Map.of()).redact("denied for AKIAEXAMPLE"));
    } finally {
      System.clearProperty("spark.hadoop.fs.s3a.access.key");
    }
  }
}
