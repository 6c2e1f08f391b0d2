// Package resource parses, validates and renders FHIR R4 JSON through
// google/fhir (github.com/google/fhir/go v0.7.4): the one place that touches
// protos. Everything else handles resources as JSON bytes.
package resource
