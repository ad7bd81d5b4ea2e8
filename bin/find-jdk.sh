# Sourced by ./mvnw and ./fhec: sets FHEC_JAVA_HOME to a JDK 21+ or explains why it cannot.
# Order: $FHEC_JAVA_HOME, $JAVA_HOME, then every JDK under /usr/lib/jvm (newest first).
fhec_java_major() {
  # Prints the feature version of the JDK at $1 (e.g. 21, 25), or nothing.
  local rel="$1/release"
  [ -x "$1/bin/javac" ] || return 0
  if [ -f "$rel" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
  else
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
  fi
}

fhec_find_jdk() {
  local cand major
  for cand in "${FHEC_JAVA_HOME:-}" "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    [ -n "$cand" ] || continue
    cand="${cand%/}"
    major=$(fhec_java_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      FHEC_JAVA_HOME="$cand"
      return 0
    fi
  done
  echo "fhec: no JDK 21+ found (looked at \$FHEC_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm/*); install one, e.g. Temurin 21 or 25." >&2
  return 1
}
