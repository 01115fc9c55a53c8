#!/usr/bin/env bash
# Builds pstest, the fake Pub/Sub server inside Google's Go client library (cloud.google.com/go/pubsub/v2,
# pinned by go.mod and go.sum here), which test/helpers/pstest.ts starts: the real filter engine and gRPC
# API the GCP tests run against. Idempotent: quick when .ci/cache has a binary built from these sources.
#   bash .ci/pstest/setup.sh          # from the repository root (or anywhere); needs Go and the module proxy
# Output: .ci/cache/pstest/pstest (+ pstest.sources, the checksum of the sources it was built from)
# Where pstest departs from real Pub/Sub: /work/shared/reference/real-components.md §5 and providers/gcp/filter.ts.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/.ci/cache/pstest"
bin="$out/pstest"

# Go's own installer puts it in /usr/local/go, on PATH only for login shells that source a profile.
command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || { echo "pstest setup: go is not installed (need Go $(sed -n 's/^go //p' "$here/go.mod")+)" >&2; exit 1; }

sources="$(cd "$here" && sha256sum main.go go.mod go.sum | sha256sum | cut -d' ' -f1)"
built() { [ -x "$bin" ] && [ "$(cat "$bin.sources" 2>/dev/null)" = "$sources" ]; }

if ! built; then
  # Worktrees share .ci/cache, so two test runs may set up at once: one builds, the other waits for it.
  mkdir -p "$out"
  exec 9>"$out/.lock"
  flock 9
  if ! built; then
    started=$SECONDS
    # -mod=readonly: build exactly what go.sum pins; a missing or changed checksum fails instead of updating it.
    # GOTOOLCHAIN=local: an older Go fails with the version go.mod needs instead of fetching a toolchain.
    (cd "$here" && GOTOOLCHAIN=local go build -mod=readonly -buildvcs=false -trimpath -o "$bin.partial" .)
    # Smoke check, once per build: it starts on a free port and says where.
    exec 8< <(exec "$bin.partial" -addr 127.0.0.1:0)
    smoke=$!
    line=
    read -r -t 20 line <&8 || true
    kill -TERM "$smoke" 2>/dev/null || true
    exec 8<&-
    [[ "$line" =~ ^pstest\ listening\ on\ 127\.0\.0\.1:[0-9]+$ ]] || { echo "pstest setup: smoke check failed (got: $line)" >&2; exit 1; }
    mv "$bin.partial" "$bin"
    printf '%s' "$sources" > "$bin.sources"
    echo "pstest built in $((SECONDS - started)) s"
  fi
fi
echo "pstest ready in ${out#"$root"/}"
