package dev.fhec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.ParameterSets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link EncryptedDatasets#score}: a Dataset of encrypted records (optionally through Parquet files
 * on both sides), each output compared bit for bit with the in-process executor on the same record;
 * bad columns and records fail with the in-process messages.
 */
final class DatasetScoring {
  private DatasetScoring() {}

  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("ct", DataTypes.BinaryType, true);

  /**
   * With {@code parquet} non-null, records go to Parquet there and are read back, both ways;
   * otherwise they are also read as a folder of ciphertext files ({@code binaryFile}) in {@code
   * files}.
   */
  static void check(SparkSession spark, Path parquet, Path files) throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Random r = new Random(31);
    Circuit c = RandomCircuits.generate(r, ParameterSets.TOY_N256);
    KeyGenerator.KeySet keys = KeyGenerator.generate(c.plan(), KeySetIdentity.fresh(c), null);
    KeySetIdentity id = keys.evaluation().identity();
    CircuitExecutor local = new CircuitExecutor(keys.evaluation());
    List<Row> rows = new ArrayList<>();
    List<List<EncryptedTensor>> expected = new ArrayList<>();
    int n = 5;
    for (int i = 0; i < n; i++) {
      List<EncryptedTensor> in = RandomCircuits.encryptRandom(r, c, keys.client());
      rows.add(RowFactory.create(i, FhecFiles.ciphertextsBytes(id, c.plan(), in, true)));
      expected.add(local.run(c, in, null));
    }
    rows.add(RowFactory.create(n, null)); // a missing record stays missing
    Dataset<Row> records = spark.createDataFrame(rows, SCHEMA).repartition(3);
    if (parquet != null) {
      records.write().parquet(parquet.resolve("in.parquet").toString());
      records = spark.read().parquet(parquet.resolve("in.parquet").toString());
    }
    try (SparkCircuitExecutor executor =
        new SparkCircuitExecutor(sc, keys.evaluation(), SparkCircuitExecutor.Options.defaults())) {
      Dataset<Row> scored = EncryptedDatasets.score(executor, c, records, "ct", "out");
      if (parquet != null) {
        scored.write().parquet(parquet.resolve("out.parquet").toString());
        scored = spark.read().parquet(parquet.resolve("out.parquet").toString());
      }
      List<Row> out = scored.orderBy("id").collectAsList();
      assertEquals(n + 1, out.size());
      for (int i = 0; i < n; i++) {
        Row row = out.get(i);
        assertEquals(i, row.getInt(row.fieldIndex("id")));
        byte[] file = (byte[]) row.get(row.fieldIndex("out"));
        List<EncryptedTensor> got =
            FhecFiles.ciphertextsFromBytes(
                file, "record " + i, new FhecFiles.Expect(c, id), FhecFiles.Role.OUTPUTS);
        SparkClusterTest.assertBitIdentical(expected.get(i), got, "record " + i);
      }
      assertNull(out.get(n).get(out.get(n).fieldIndex("out")));

      if (files != null) {
        // A folder of .ct files as 'fhec encrypt' writes them, read by Spark's binaryFile source.
        for (int i = 0; i < 2; i++) {
          Files.write(files.resolve("r" + i + ".ct"), (byte[]) rows.get(i).get(1));
        }
        List<Row> fromFiles =
            EncryptedDatasets.score(
                    executor,
                    c,
                    spark.read().format("binaryFile").load(files.toString()),
                    "content",
                    "out")
                .orderBy("path")
                .collectAsList();
        assertEquals(2, fromFiles.size());
        for (int i = 0; i < 2; i++) {
          Row row = fromFiles.get(i);
          assertTrue(row.getString(row.fieldIndex("path")).endsWith("r" + i + ".ct"));
          SparkClusterTest.assertBitIdentical(
              expected.get(i),
              FhecFiles.ciphertextsFromBytes(
                  (byte[]) row.get(row.fieldIndex("out")),
                  "file " + i,
                  new FhecFiles.Expect(c, id)),
              "file " + i);
        }
      }

      // Checked on the driver, before anything runs.
      Dataset<Row> given = records;
      assertEquals(
          "no column 'cts' in [id, ct]; name the binary column that holds the ciphertext files",
          assertThrows(
                  IllegalArgumentException.class,
                  () -> EncryptedDatasets.score(executor, c, given, "cts", "out"))
              .getMessage());
      assertTrue(
          assertThrows(
                  IllegalArgumentException.class,
                  () -> EncryptedDatasets.score(executor, c, given, "id", "out"))
              .getMessage()
              .startsWith("column 'id' is int, not binary"));
      assertTrue(
          assertThrows(
                  IllegalArgumentException.class,
                  () -> EncryptedDatasets.score(executor, c, given, "ct", "id"))
              .getMessage()
              .contains("already exists"));
      Circuit other = RandomCircuits.generate(r, ParameterSets.TOY_N256);
      String want =
          assertThrows(
                  IllegalArgumentException.class, () -> local.run(other, expected.get(0), null))
              .getMessage();
      assertEquals(
          want,
          assertThrows(
                  IllegalArgumentException.class,
                  () -> EncryptedDatasets.score(executor, other, given, "ct", "out"))
              .getMessage());

      // Checked per record on the executors: the job fails with the reader's message.
      Dataset<Row> bad =
          spark.createDataFrame(List.of(RowFactory.create(0, new byte[] {1, 2, 3})), SCHEMA);
      SparkException e =
          assertThrows(
              SparkException.class,
              () -> EncryptedDatasets.score(executor, c, bad, "ct", "out").collectAsList());
      assertTrue(messages(e).contains("input record"), messages(e));
      // An output file given as a record is refused as in-process 'fhec run' refuses it.
      Row first = out.get(0);
      Dataset<Row> outputs =
          spark.createDataFrame(
              List.of(RowFactory.create(0, first.get(first.fieldIndex("out")))), SCHEMA);
      SparkException e2 =
          assertThrows(
              SparkException.class,
              () -> EncryptedDatasets.score(executor, c, outputs, "ct", "out").collectAsList());
      assertTrue(messages(e2).contains("input record"), messages(e2));
    }
  }

  static String messages(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable x = t; x != null; x = x.getCause()) {
      b.append(x.getMessage()).append(" | ");
    }
    return b.toString();
  }
}
