#!/usr/bin/env bash
# Fetches AWS event-ruler (EventBridge's matching engine) from Maven Central and compiles the oracle
# that test/providers/aws/event-ruler.test.ts drives. Idempotent: quick when .ci/cache already has it.
#   bash .ci/event-ruler/setup.sh          # from the repository root (or anywhere)
# Output: .ci/cache/event-ruler-<version>/{lib/*.jar,classes/Oracle.class}
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="$(sed -n 's:.*<ruler.version>\(.*\)</ruler.version>.*:\1:p' "$here/pom.xml")"
out="$root/.ci/cache/event-ruler-$version"
lib="$out/lib"
classes="$out/classes"

command -v java >/dev/null || { echo "event-ruler setup: java is not installed (need a JDK 11+)" >&2; exit 1; }
command -v javac >/dev/null || { echo "event-ruler setup: javac is not installed (need a JDK 11+)" >&2; exit 1; }

if [ ! -f "$lib/.complete" ]; then
  command -v mvn >/dev/null || { echo "event-ruler setup: mvn is not installed" >&2; exit 1; }
  rm -rf "$lib"
  mvn -B -ntp -q -Dstyle.color=never -f "$here/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$lib" -DincludeScope=runtime
  ls "$lib"/event-ruler-"$version".jar >/dev/null
  touch "$lib/.complete"
fi

# Recompile when the source is newer than the class (or the class is missing).
if [ ! -f "$classes/Oracle.class" ] || [ "$here/Oracle.java" -nt "$classes/Oracle.class" ]; then
  rm -rf "$classes"
  mkdir -p "$classes"
  javac -nowarn -encoding UTF-8 -cp "$lib/*" -d "$classes" "$here/Oracle.java"
fi

# Smoke check: one match and one non-match through the real engine.
probe="$(printf '%s\n%s\n' \
  '{"pattern":{"source":["a"]},"event":{"source":"a"}}' \
  '{"pattern":{"source":["a"]},"event":{"source":"b"}}' \
  | java -cp "$classes:$lib/*" Oracle | tr '\n' ' ')"
if [ "$probe" != "true false " ]; then
  echo "event-ruler setup: smoke check failed (got: $probe)" >&2
  exit 1
fi
echo "event-ruler $version ready in ${out#"$root"/}"
