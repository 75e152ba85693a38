# Builds the manager image: `make docker-build IMG=...`.
# NOTE: not built on the development machines of this project, which run no
# container engine; `make build` compiles the same binary without Docker.

# Go 1.27.3, as the Makefile uses: govulncheck reports standard library
# vulnerabilities in Go 1.26.8 that only a newer release fixes.
FROM golang:1.27.3 AS builder
ARG TARGETOS
ARG TARGETARCH
# Version stamped into the binary as main.version; the Makefile passes
# `git describe --always --dirty`, because .git is not copied into the build.
ARG VERSION=dev

WORKDIR /workspace
# Download modules in their own layer, so that code changes reuse it.
COPY go.mod go.sum ./
RUN go mod download

COPY main.go main.go
COPY api/ api/
COPY controllers/ controllers/
COPY internal/ internal/

# CGO is off so that the binary runs on the distroless static image.
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o manager .

# distroless/static has no shell and no package manager, and its nonroot
# user is 65532, which config/manager also requires.
FROM gcr.io/distroless/static:nonroot
WORKDIR /
COPY --from=builder /workspace/manager .
USER 65532:65532

ENTRYPOINT ["/manager"]
