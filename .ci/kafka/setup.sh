#!/usr/bin/env bash
# Fetches the Kafka broker (kafka_2.13 and its logging jars) from Maven Central for the tests and benchmarks
# that start a real single-node KRaft broker (test/helpers/kafka-broker.ts), then writes the class archive
# that halves a broker's start (.ci/kafka/class-archive.ts). Idempotent: quick when .ci/cache has both.
#   bash .ci/kafka/setup.sh          # from the repository root (or anywhere), after npm install
# Output: .ci/cache/kafka-<version>/lib/*.jar (lib/.complete once checked), broker.jsa (+ broker.jsa.jdk)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
out="$root/.ci/cache/kafka-$version"
lib="$out/lib"
archive="$out/broker.jsa"

command -v java >/dev/null || { echo "kafka setup: java is not installed (need a JDK 17+)" >&2; exit 1; }

# Worktrees share .ci/cache, so two test runs may set up at once: one does the work, the other waits for it.
locked=
lock() {
  [ -n "$locked" ] && return
  mkdir -p "$out"
  exec 9>"$out/.lock"
  flock 9
  locked=1
}

if [ ! -f "$lib/.complete" ]; then
  command -v mvn >/dev/null || { echo "kafka setup: mvn is not installed" >&2; exit 1; }
  lock
  if [ ! -f "$lib/.complete" ]; then
    started=$SECONDS
    staging="$out/lib.partial"
    rm -rf "$staging" "$lib" "$archive" "$archive.jdk"
    mvn -B -ntp -q -Dstyle.color=never -f "$here/pom.xml" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DoutputDirectory="$staging" -DincludeScope=runtime
    ls "$staging"/kafka_2.13-"$version".jar >/dev/null
    # A 2.x slf4j API would not bind to log4j-slf4j-impl, and the broker would log nothing.
    ls "$staging" | grep -q '^slf4j-api-1\.7\.' && ls "$staging" | grep -q '^log4j-slf4j-impl-' \
      || { echo "kafka setup: slf4j 1.7 API or its log4j binding missing in $staging" >&2; exit 1; }
    # Smoke check, once per fetch: the classpath loads the storage tool the broker helper formats with.
    uuid="$(java -Xmx256m -Dlog4j2.configurationFile="$here/tools-log4j2.properties" -cp "$staging/*" \
      kafka.tools.StorageTool random-uuid)"
    [[ "$uuid" =~ ^[A-Za-z0-9_-]{22}$ ]] || { echo "kafka setup: smoke check failed (got: $uuid)" >&2; exit 1; }
    touch "$staging/.complete"
    mv "$staging" "$lib"
    echo "kafka $version fetched in $((SECONDS - started)) s"
  fi
fi

# The archive belongs to one JDK build; a JVM ignores an archive from another, so make a new one then.
jdk="$(java -version 2>&1 | tr '\n' ' ')"
if [ ! -f "$archive" ] || [ "$(cat "$archive.jdk" 2>/dev/null)" != "$jdk" ]; then
  lock
  if [ ! -f "$archive" ] || [ "$(cat "$archive.jdk" 2>/dev/null)" != "$jdk" ]; then
    started=$SECONDS
    # Optional: without it brokers start, only slower; so a failure warns and setup goes on.
    if (cd "$root" && node --import tsx "$here/class-archive.ts"); then
      printf '%s' "$jdk" > "$archive.jdk"
      echo "kafka class archive written in $((SECONDS - started)) s"
    else
      echo "kafka setup: WARNING: no class archive (see above); brokers will start about 5 s slower" >&2
    fi
  fi
fi
echo "kafka $version ready in ${out#"$root"/}"
