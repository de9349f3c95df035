# A small static image of the bulkhead binary: musl, no shell, no package manager, a
# non-root user. Run it with a read-only root filesystem; the manifests in deploy/ do, and
# Bulkhead's own scan of them is clean (a test in crates/bulkhead/tests/node.rs).
#
#   docker build -t bulkhead .
#   docker run --rm --read-only -v "$PWD:/src:ro" bulkhead scan /src

# Alpine's Rust targets musl and links statically by default.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p bulkhead \
 && strip target/release/bulkhead

FROM scratch
COPY --from=build /src/target/release/bulkhead /bulkhead
# The "nonroot" user of distroless images: no home, no shell, no privileges.
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/bulkhead"]
CMD ["--help"]
