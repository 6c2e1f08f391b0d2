// Package storetest is the contract suite every fhir.Store implementation
// runs: call Run from the implementation's own tests with a function that
// opens a fresh, empty store.
package storetest
