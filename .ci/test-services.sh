#!/usr/bin/env bash
# What `npm test` needs besides node_modules, fetched and built here (npm's pretest), cached under .ci/cache:
# AWS event-ruler, EventBridge's matching engine, the filter compiler's oracle; the Kafka broker's jars
# (kafka_2.13 from Maven Central), which test/helpers/kafka-broker.ts starts; pstest, Google's fake Pub/Sub
# server (built from the Go module), which test/helpers/pstest.ts starts. Services that run (brokers,
# emulators) are started and stopped by the tests themselves. Idempotent and quick once cached.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/event-ruler/setup.sh"
bash "$here/kafka/setup.sh"
bash "$here/pstest/setup.sh"
