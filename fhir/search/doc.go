// Package search turns FHIR search parameters into a storage-neutral
// fhir.Query. Stores compile that query themselves.
//
// At this stage the registry holds _id and identifier, the parameters
// conditional create, update and delete need; parameters it does not know
// are refused (400) rather than ignored, unless the client asks for lenient
// handling, so a filter is never silently dropped.
package search
