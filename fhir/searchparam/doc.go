// Package searchparam is the registry of search parameters: the R4
// specification's own SearchParameter definitions (r4.json, generated from
// the spec; see internal/genparams), the project's own, and those clients
// POST as SearchParameter resources at run time.
//
// A definition says what a parameter is called on which resource types, its
// type, and the FHIRPath expression whose values the index holds. Nothing
// here evaluates expressions or touches storage.
package searchparam
