// Package index computes what the search index holds for a resource: for
// every search parameter of its type (package searchparam), the values its
// FHIRPath expression yields, as exact-match keys, normalised strings and
// intervals (fhir.Index). The search package builds its predicates from the
// same key and parameter spellings, which are private to this package.
//
// Stores keep the entries of each current resource and answer predicates
// with their own indexes (SQLite tables, MongoDB multikey indexes).
package index
