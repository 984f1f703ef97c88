// Package tests holds the tests that cross packages. The end-to-end tests
// (e2e_test.go, cli_test.go) run the dev and prod stacks through the real
// Pulumi engine — the pinned CLI driven by the Automation API with the
// program inline, the policy pack and the local Alibaba Cloud — exactly as
// `hybridlink sandbox` does, each in a temporary copy of the project and a
// temporary state directory, so the repository's stack files and .sandbox
// are never touched. TestMain builds the CLI (once per machine, cached in
// .cache/) and the policy pack (once per test binary).
//
// go test -short skips them.
package tests
