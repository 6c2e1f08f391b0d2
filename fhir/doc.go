// Package fhir holds the contracts every other trialfhir package is written
// against: the Error type with its closed set of FHIR issue codes, the stored
// Resource version, and the Store interface that the embedded and MongoDB
// implementations satisfy.
//
// Nothing here knows about HTTP, SQL or BSON; those live in subpackages named
// after their dependency (rest, store/sqlite, store/mongo).
package fhir
