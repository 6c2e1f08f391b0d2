// Package mappings holds the project's terminology tables as data and the
// lookups the FHIR-to-facts bridge (mappings/fhirfacts) uses: laboratory
// concepts by LOINC, local code or name; canonical units with the
// analyte-specific conversion factors of domain.md §8; condition categories
// by ICD-10 prefix and SNOMED CT (domain.md §3, §5); medication, procedure,
// morphology and stage codes (§6, §7); and the qualitative answer codes of
// domain.md §1.
//
// The tables are tab-separated files (format in mappings/README.md). Default
// embeds the files of data/; LoadDir adds a site's own files (local LIS
// codes, its ICD-10 system URI, more drug names) without recompiling. A
// Tables value is immutable once loaded and safe for concurrent use.
//
// Keys are the contract of VOCAB (trial/eligibility reads them): concept
// keys such as "hemoglobin", condition categories such as "cancer-oral",
// medication classes such as "nab-paclitaxel". Loading rejects a file whose
// rows do not parse, so a typo in a site table fails at start-up rather than
// silently dropping a code.
//
// Arithmetic is exact (math/big.Rat): unit conversions go through fhir/ucum
// for commensurable units and through the table's exact factors (molar
// masses, the protocol's copies-to-IU ratio) for the rest. Nothing here
// guesses: an unknown unit is a problem string, never a converted value.
package mappings
