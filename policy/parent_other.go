//go:build !linux

package main

// dieWithParent does nothing: only Linux has a parent-death signal, and
// elsewhere the pack relies on the engine to stop it.
func dieWithParent() {}
