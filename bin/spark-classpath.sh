# Sourced by ./fhec (and run by the cli module's SparkClusterCliTest): prints the classpath that
# gives 'fhec run --spark' and 'fhec serve --spark' Apache Spark's classes. FHEC_SPARK_CLASSPATH
# names an existing Spark 4.x installation's jars ("$SPARK_HOME/jars/*", or the folder itself);
# without it, the jars the build copies to spark/target/spark-jars. Usage: fhec_spark_classpath ROOT
fhec_spark_classpath() {
  local cp="${FHEC_SPARK_CLASSPATH:-}"
  if [ -z "$cp" ]; then
    cp="$1/spark/target/spark-jars/*"
  elif [ -d "$cp" ]; then
    cp="${cp%/}/*"
  fi
  printf '%s\n' "$cp"
}
