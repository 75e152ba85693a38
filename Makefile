# Image that docker-build, docker-push, deploy and build-installer use.
IMG ?= ghcr.io/securityoperator/security-operator:latest
# Container tool that builds and pushes the image (docker or podman).
CONTAINER_TOOL ?= docker
# kubectl that install, uninstall, deploy and undeploy run.
KUBECTL ?= /usr/bin/kubectl

# Version stamped into the manager binary as main.version.
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS ?= -X main.version=$(VERSION)

# Arguments of `make run`, `make demo` and `make bench`.
RUN_ARGS ?=
DEMO_ARGS ?=
BENCH_ARGS ?=
# Packages and extra flags of `make test`, and its timeout.
TEST_PACKAGES ?= ./...
TEST_ARGS ?=
TEST_TIMEOUT ?= 20m
# Packages that `make lint` checks.
LINT_PACKAGES ?= ./...

# Versions of the control plane that envtest runs. They must match
# hack/envtest/kube-apiserver/go.mod and hack/envtest/etcd/go.mod.
K8S_VERSION ?= 1.37.2
ETCD_VERSION ?= 3.6.16

# Go toolchain for every go command here. go.mod asks for Go 1.26, but the
# standard library of Go 1.26.8 has vulnerabilities that govulncheck reports
# and that only a newer release fixes, so builds, tests and tools use this one.
# The go command fetches it from the Go module proxy on first use (about 76 MB).
GOTOOLCHAIN ?= go1.27.3
export GOTOOLCHAIN

# Setting SHELL to bash allows bash commands to be executed by recipes.
# Options are set to exit when a recipe line exits non-zero or a piped command fails.
SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

.PHONY: all
all: build

##@ General

# The help target prints out all targets with their descriptions organized
# beneath their categories. The categories are represented by '##@' and the
# target descriptions by '##'.

.PHONY: help
help: ## Display this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} \
		/^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2 } \
		/^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate the CRD and the manager ClusterRole into config/.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd webhook paths="./..." \
		output:crd:artifacts:config=config/crd/bases

.PHONY: generate
generate: controller-gen ## Generate the DeepCopy methods of the API types.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./..."

.PHONY: fmt
fmt: ## Run go fmt against the code.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet against the code.
	go vet ./...

# test prints the total coverage also when a test fails, and then fails.
.PHONY: test
test: fmt vet envtest controller-gen ## Run all tests against envtest and print the coverage.
	@status=0; \
	echo "go test $(TEST_PACKAGES) -count=1 -timeout $(TEST_TIMEOUT) -coverprofile cover.out $(TEST_ARGS)"; \
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" CONTROLLER_GEN="$(CONTROLLER_GEN)" \
		go test $(TEST_PACKAGES) -count=1 -timeout $(TEST_TIMEOUT) \
		-coverprofile cover.out $(TEST_ARGS) || status=$$?; \
	if [ -s cover.out ]; then \
		go tool cover -func cover.out | \
			awk '/^total:/ { print "Total coverage: " $$3 " of statements" }'; \
	fi; \
	exit $$status

# lint runs both checkers even when the first fails, and fails if either does.
.PHONY: lint
lint: golangci-lint govulncheck vulndb ## Run golangci-lint and govulncheck (offline database).
	@status=0; \
	echo "$(GOLANGCI_LINT) run $(LINT_PACKAGES)"; \
	$(GOLANGCI_LINT) run $(LINT_PACKAGES) || status=1; \
	echo "$(GOVULNCHECK) -db file://$(VULNDB_DIR) $(LINT_PACKAGES)"; \
	$(GOVULNCHECK) -db "file://$(VULNDB_DIR)" $(LINT_PACKAGES) || status=1; \
	exit $$status

.PHONY: lint-fix
lint-fix: golangci-lint ## Run golangci-lint and apply the fixes it can make.
	$(GOLANGCI_LINT) run --fix $(LINT_PACKAGES)

.PHONY: envtest
envtest: ## Build kube-apiserver and etcd for envtest into bin/k8s/ unless they are up to date.
	hack/envtest/build.sh "$(ENVTEST_ASSETS)" "$(K8S_VERSION)" "$(ETCD_VERSION)"

.PHONY: vulndb
vulndb: indexdb ## Build the offline Go vulnerability database into bin/ unless it exists.
	hack/vulndb.sh "$(VULNDB_DIR)" "$(VULNDB_VERSION)" "$(INDEXDB)"

##@ Build

.PHONY: build
build: manifests generate fmt vet ## Build the manager binary into bin/manager.
	go build -ldflags "$(LDFLAGS)" -o bin/manager .

.PHONY: run
run: manifests generate fmt vet ## Run the manager against the current kubeconfig context.
	go run -ldflags "$(LDFLAGS)" . $(RUN_ARGS)

# docker-build needs a container engine, which the development machines of this
# project do not run; the Dockerfile builds the binary itself.
.PHONY: docker-build
docker-build: ## Build the container image IMG.
	$(CONTAINER_TOOL) build --build-arg VERSION="$(VERSION)" -t "$(IMG)" .

.PHONY: docker-push
docker-push: ## Push the container image IMG.
	$(CONTAINER_TOOL) push "$(IMG)"

.PHONY: build-installer
build-installer: manifests generate kustomize ## Write dist/install.yaml: CRDs and the manager with IMG.
	mkdir -p dist
	$(call render-default) > dist/install.yaml

##@ Deployment

ifndef ignore-not-found
  ignore-not-found = false
endif

.PHONY: install
install: manifests kustomize ## Install the CRDs and their admission policy into the current kubeconfig context.
	$(KUSTOMIZE) build config/crd | $(KUBECTL) apply -f -

.PHONY: uninstall
uninstall: manifests kustomize ## Uninstall what install installs. Call with ignore-not-found=true to ignore missing ones.
	$(KUSTOMIZE) build config/crd | $(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -f -

.PHONY: deploy
deploy: manifests kustomize ## Deploy the operator with image IMG to the current kubeconfig context.
	$(call render-default) | $(KUBECTL) apply -f -

.PHONY: undeploy
undeploy: kustomize ## Undeploy the operator. Call with ignore-not-found=true to ignore missing objects.
	$(call render-default) | $(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -f -

##@ Demo and benchmark

.PHONY: demo
demo: envtest build ## Run the demo against envtest and the Graph emulator.
	go build -o bin/demo ./hack/demo
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" bin/demo -manager bin/manager $(DEMO_ARGS)

.PHONY: bench
bench: envtest build ## Run the benchmark against envtest and the Graph emulator.
	go build -o bin/bench ./hack/bench
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" bin/bench $(BENCH_ARGS)

##@ Dependencies

## Folders of the built tools, envtest binaries and the vulnerability database.
LOCALBIN ?= $(CURDIR)/bin
TOOLS_DIR ?= $(LOCALBIN)/tools
ENVTEST_ASSETS ?= $(LOCALBIN)/k8s/$(K8S_VERSION)-etcd$(ETCD_VERSION)
VULNDB_DIR ?= $(LOCALBIN)/vulndb/$(VULNDB_VERSION)
# Scratch kustomization that sets IMG on config/default without editing it.
# kustomize accepts only relative paths to other kustomizations, so the folder
# is fixed at two levels below the repository root.
RENDER_DIR := $(CURDIR)/bin/render

## Tool versions.
CONTROLLER_TOOLS_VERSION ?= v0.23.0
GOLANGCI_LINT_VERSION ?= v2.15.0
GOVULNCHECK_VERSION ?= v1.9.0
KUSTOMIZE_VERSION ?= v5.8.2
# Snapshot of golang.org/x/vulndb whose data/osv folder becomes the database.
VULNDB_VERSION ?= v0.0.0-20261105234957-e22db6528018

## Tool binaries, one folder per version so that a version bump reinstalls.
CONTROLLER_GEN ?= $(TOOLS_DIR)/controller-gen-$(CONTROLLER_TOOLS_VERSION)/controller-gen
GOLANGCI_LINT ?= $(TOOLS_DIR)/golangci-lint-$(GOLANGCI_LINT_VERSION)/golangci-lint
GOVULNCHECK ?= $(TOOLS_DIR)/govulncheck-$(GOVULNCHECK_VERSION)/govulncheck
INDEXDB ?= $(TOOLS_DIR)/indexdb-$(VULNDB_VERSION)/indexdb
KUSTOMIZE ?= $(TOOLS_DIR)/kustomize-$(KUSTOMIZE_VERSION)/kustomize

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Install controller-gen into bin/tools/ unless present.
$(CONTROLLER_GEN):
	$(call go-install-tool,$@,sigs.k8s.io/controller-tools/cmd/controller-gen,$(CONTROLLER_TOOLS_VERSION))

.PHONY: golangci-lint
golangci-lint: $(GOLANGCI_LINT) ## Install golangci-lint into bin/tools/ unless present.
$(GOLANGCI_LINT):
	$(call go-install-tool,$@,github.com/golangci/golangci-lint/v2/cmd/golangci-lint,$(GOLANGCI_LINT_VERSION))

.PHONY: govulncheck
govulncheck: $(GOVULNCHECK) ## Install govulncheck into bin/tools/ unless present.
$(GOVULNCHECK):
	$(call go-install-tool,$@,golang.org/x/vuln/cmd/govulncheck,$(GOVULNCHECK_VERSION))

.PHONY: indexdb
indexdb: $(INDEXDB) ## Install indexdb, which builds the vulnerability database, unless present.
$(INDEXDB):
	$(call go-install-tool,$@,golang.org/x/vulndb/cmd/indexdb,$(VULNDB_VERSION))

.PHONY: kustomize
kustomize: $(KUSTOMIZE) ## Install kustomize into bin/tools/ unless present.
$(KUSTOMIZE):
	$(call go-install-tool,$@,sigs.k8s.io/kustomize/kustomize/v5,$(KUSTOMIZE_VERSION))

# go-install-tool installs package $(2) at version $(3) so that the binary
# ends up at path $(1). go install names the binary after the package's last
# path element without a major version suffix, so $(1) must end in that name.
define go-install-tool
@echo "Installing $(2)@$(3) into $(dir $(1))"
GOBIN="$(dir $(1))" go install "$(2)@$(3)"
@test -x "$(1)" || { echo "error: go install did not produce $(1)" >&2; exit 1; }
endef

# render-default prints config/default with the manager image set to IMG. It
# writes a scratch kustomization under bin/ so that no committed file changes.
define render-default
(rm -rf "$(RENDER_DIR)" && mkdir -p "$(RENDER_DIR)" && cd "$(RENDER_DIR)" && \
	$(KUSTOMIZE) create --resources ../../config/default && \
	$(KUSTOMIZE) edit set image "ghcr.io/securityoperator/security-operator=$(IMG)" && \
	$(KUSTOMIZE) build .)
endef
