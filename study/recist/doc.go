// Package recist derives RECIST 1.1 responses and surgical de-escalation
// adherence from what the server stores (domain.md §10, §11). It joins the
// FHIR service, the mapping of package mappings/lesions and the pure engines
// trial/recist and trial/deescalation, and knows no transport: the REST layer
// reaches it through rest.Operation values that cmd/trialfhir builds from
// the Run* methods (which take and return FHIR JSON).
//
// Derived Observations have stable ids (lesions.TimePointID, BestID,
// AdherenceID) and are written with Update, so an unchanged result makes no
// new version; a time point that no longer exists has its response deleted.
// Observe, registered with service.(*Service).Observe, re-derives when a
// Patient, lesion, measurement, imaging report, ResearchSubject, Procedure or an
// Observation partOf a Procedure is written, and ignores the derived
// Observations themselves (meta.tag computed).
package recist
