package dev.fhec.spark;

import dev.fhec.runtime.circuit.Circuit;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Batch scoring of encrypted records in Spark SQL: a {@code Dataset<Row>} with a binary column of
 * ciphertext files in (each one client's encrypted inputs, as {@code fhec encrypt} writes them; the
 * file's header names its key set and circuit), the same rows with a binary column of output
 * ciphertext files added. Each record runs whole on one executor with the keys cached there, bit
 * for bit as the in-process executor runs it. Rows can come from Parquet, from a folder of {@code
 * .ct} files ({@code spark.read().format("binaryFile")}, column {@code content}) or any other
 * source, and go on to any sink.
 */
public final class EncryptedDatasets {
  private EncryptedDatasets() {}

  /**
   * {@code records} with column {@code outputColumn} added: the outputs of {@code circuit} run on
   * each row's {@code inputColumn} with {@code executor}'s keys (null in, null out). Lazy, like any
   * Dataset transformation: nothing runs until an action (a write, a collect).
   *
   * <p>Checked here: the circuit against the keys, the columns (names, types). Checked per record
   * on the executors, with the in-process messages: the ciphertext file (kind, checksum, key set,
   * circuit) and the inputs (count, shapes); a bad record fails the action.
   *
   * @throws IllegalArgumentException when the keys are not for {@code circuit}, {@code inputColumn}
   *     is missing or not binary, or {@code outputColumn} exists
   */
  public static Dataset<Row> score(
      SparkCircuitExecutor executor,
      Circuit circuit,
      Dataset<Row> records,
      String inputColumn,
      String outputColumn) {
    StructField in =
        Arrays.stream(records.schema().fields())
            .filter(f -> f.name().equals(inputColumn))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no column '"
                            + inputColumn
                            + "' in "
                            + Arrays.toString(records.columns())
                            + "; name the binary column that holds the ciphertext files"));
    if (!in.dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException(
          "column '"
              + inputColumn
              + "' is "
              + in.dataType().simpleString()
              + ", not binary: it must hold ciphertext files as 'fhec encrypt' writes them");
    }
    if (Arrays.asList(records.columns()).contains(outputColumn)) {
      throw new IllegalArgumentException(
          "column '" + outputColumn + "' already exists; name a new column for the outputs");
    }
    UserDefinedFunction run =
        functions
            .udf(new RunRecord(executor.batchTask(circuit)), DataTypes.BinaryType)
            // Never evaluated twice for one row, whatever the optimizer does with the plan.
            .asNondeterministic()
            .withName("fhec_run_" + circuit.name());
    return records.withColumn(outputColumn, run.apply(quoted(inputColumn)));
  }

  private static Column quoted(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  /** The batch task as a SQL function of one binary value. */
  private record RunRecord(SparkCircuitExecutor.BatchTask task) implements UDF1<byte[], byte[]> {
    @Override
    public byte[] call(byte[] record) throws Exception {
      return record == null ? null : task.call(record);
    }
  }
}
