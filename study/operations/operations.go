// Package operations binds the trial's computations to the REST layer as
// rest.Operation values, so that neither fhir/rest knows the trial nor the
// trial components know HTTP.
package operations

import (
	"github.com/trialfhir/trialfhir/fhir/rest"
	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/study/recist"
)

// OperationDefinitionBase prefixes the canonical URLs of the project's
// operations (no OperationDefinition resources are published yet).
const OperationDefinitionBase = profiles.Base + "/OperationDefinition/"

// RECIST returns $recist and $recist-plot on Patient, $recist-plot on
// ResearchStudy (the waterfall of all its subjects) and
// $deescalation-adherence on Procedure (docs/recist.md).
func RECIST(c *recist.Component) []rest.Operation {
	return []rest.Operation{
		{Type: "Patient", Instance: true, Name: "recist", Definition: OperationDefinitionBase + "Patient-recist", Run: c.RunRecist},
		{Type: "Patient", Instance: true, Name: "recist-plot", Definition: OperationDefinitionBase + "Patient-recist-plot", Run: c.RunPlot},
		{Type: "ResearchStudy", Instance: true, Name: "recist-plot", Definition: OperationDefinitionBase + "ResearchStudy-recist-plot", Run: c.RunStudyPlot},
		{Type: "Procedure", Instance: true, Name: "deescalation-adherence", Definition: OperationDefinitionBase + "Procedure-deescalation-adherence", Run: c.RunAdherence},
	}
}
