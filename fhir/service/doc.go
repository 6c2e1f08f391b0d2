// Package service implements the FHIR RESTful interactions (R4 3.1.0) on top
// of a fhir.Store, without any HTTP: the Echo handlers and, later, the bundle
// processor both call it. Conditional create, update and delete are written
// once here, on top of Search, Write and Lock.
package service
