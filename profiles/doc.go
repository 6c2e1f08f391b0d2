// Package profiles holds the study NCT07369882 and the project's own
// conformance resources as FHIR R4 JSON data: the ResearchStudy with its
// sponsor, site and eligibility Group, the CodeSystems (with one ValueSet
// each) and the StructureDefinitions (profiles and extensions) described in
// docs/profiles.md.
//
// The JSON files beside this package are the source of truth; they are
// embedded in the binary and Load upserts them by id at start-up, so a
// restart with unchanged files writes nothing. The constants name every
// canonical URL and code system, so the rest of the code never spells a URL
// literally.
package profiles
