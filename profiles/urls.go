package profiles

// Canonical bases of the project's conformance resources (COMMON brief:
// https://trialfhir.org/fhir).
const (
	// Base is the canonical base of everything the project defines.
	Base = "https://trialfhir.org/fhir"
	// CodeSystemBase prefixes every project CodeSystem URL.
	CodeSystemBase = Base + "/CodeSystem/"
	// ValueSetBase prefixes every project ValueSet URL; each CodeSystem has
	// one ValueSet of all its codes with the same last segment.
	ValueSetBase = Base + "/ValueSet/"
	// StructureDefinitionBase prefixes every project profile and extension.
	StructureDefinitionBase = Base + "/StructureDefinition/"
	// Version is the business version of every resource in this package.
	Version = "0.1.0"
)

// The study.
const (
	// StudyID is the resource id of the ResearchStudy.
	StudyID = "nct07369882"
	// EligibilityGroupID is the id of the Group holding the criteria.
	EligibilityGroupID = "nct07369882-eligibility"
	// SponsorID and SiteID are the ids of the sponsor Organization and the
	// single site Location.
	SponsorID = "nct07369882-sponsor"
	SiteID    = "nct07369882-site"
	// RegistrySystem and RegistryID identify the study on ClinicalTrials.gov.
	RegistrySystem = "https://clinicaltrials.gov"
	RegistryID     = "NCT07369882"
	// ProtocolSystem and ProtocolID are the sponsor's protocol identifier.
	ProtocolSystem = Base + "/sid/protocol"
	ProtocolID     = "SYSKY-2025-990-01"
	// ArmDeescalated and ArmStandard are ResearchStudy.arm.name, the values
	// ResearchSubject.assignedArm and actualArm carry.
	ArmDeescalated = "De-escalated surgery"
	ArmStandard    = "Standard surgery"
	// EnrollmentTarget is the planned number of participants (domain.md).
	EnrollmentTarget = 60
)

// CodeSystem URLs.
const (
	CriterionSystem       = CodeSystemBase + "eligibility-criterion"  // criterion IDs of criteria.md
	OutcomeSystem         = CodeSystemBase + "eligibility-outcome"    // met, not-met, unknown, review, not-applicable, applies, does-not-apply
	DecisionSystem        = CodeSystemBase + "eligibility-decision"   // eligible, ineligible, needs-review
	ObservationSystem     = CodeSystemBase + "trialfhir-observation"  // local Observation and component codes
	LesionRoleSystem      = CodeSystemBase + "recist-lesion-role"     // target, non-target, new
	ResponseSystem        = CodeSystemBase + "recist-response"        // CR, PR, SD, PD, NE, non-CR-non-PD
	LesionStatusSystem    = CodeSystemBase + "recist-lesion-status"   // present, absent, too-small-to-measure ...
	AdherenceSystem       = CodeSystemBase + "deescalation-adherence" // adherent, not-adherent, not-evaluable
	AdherenceRefSystem    = CodeSystemBase + "deescalation-reference" // interpretation-a, interpretation-b
	CriterionKindProperty = "kind"                                    // CriterionSystem property: inclusion or exclusion
)

// Profile (StructureDefinition) URLs.
const (
	LesionProfile                = StructureDefinitionBase + "recist-lesion"
	MeasurementProfile           = StructureDefinitionBase + "recist-measurement"
	ImagingReportProfile         = StructureDefinitionBase + "recist-imaging-report"
	ResponseProfile              = StructureDefinitionBase + "recist-response"
	BestOverallResponseProfile   = StructureDefinitionBase + "recist-best-overall-response"
	EligibilityAssessmentProfile = StructureDefinitionBase + "eligibility-assessment"
	AdherenceProfile             = StructureDefinitionBase + "deescalation-adherence"
)

// Extension URLs.
const (
	EnrollmentTargetExt = StructureDefinitionBase + "enrollment-target"        // ResearchStudy, valueInteger
	LesionNodalExt      = StructureDefinitionBase + "lesion-nodal"             // BodyStructure, valueBoolean
	LesionRoleExt       = StructureDefinitionBase + "recist-lesion-role"       // Observation, valueCodeableConcept
	LesionStatusExt     = StructureDefinitionBase + "recist-lesion-status"     // Observation, valueCodeableConcept
	ReasonExt           = StructureDefinitionBase + "eligibility-reason"       // Observation.component, valueString
	EvidenceExt         = StructureDefinitionBase + "eligibility-evidence"     // Observation.component, valueReference, repeats
	FlagExt             = StructureDefinitionBase + "eligibility-flag"         // Observation.component, valueString, repeats
	RuleVersionExt      = StructureDefinitionBase + "eligibility-rule-version" // Observation, valueString
	// DefaultExt is complex: sub-extensions "name" (valueCode) and "value"
	// (valueString); it repeats, one per default used.
	DefaultExt = StructureDefinitionBase + "eligibility-default"
)

// Standard codes the RECIST profiles fix (domain.md section 10).
const (
	LOINC  = "http://loinc.org"
	SNOMED = "http://snomed.info/sct"
	UCUM   = "http://unitsofmeasure.org"
	DICOM  = "http://dicom.nema.org/resources/ontology/DCM"

	TumorSizeCode       = "21889-1"   // LOINC: Size Tumor (mCODE TumorSize)
	LongestDiameterCode = "33728-7"   // LOINC: Size.maximum dimension in Tumor
	ShortAxisCode       = "103340004" // SNOMED CT: Short axis (nodal targets)
	CTCode              = "77477000"  // SNOMED CT: computed tomography (method)
	MRICode             = "113091000" // SNOMED CT: magnetic resonance imaging (method)
	RECISTMethodCode    = "126081"    // DICOM: RECIST 1.1 (response method)
)

// ComputedTag is the code (system ObservationSystem) of the meta.tag on every
// Observation the server derives rather than receives (docs/recist.md).
const ComputedTag = "computed"
