package rest_test

import (
	"testing"

	"github.com/trialfhir/trialfhir/fhir/store/mongo/mongotest"
)

// TestMain stops the in-process FerretDB the MongoDB cases start, and
// removes its files, when the tests end.
func TestMain(m *testing.M) { mongotest.Main(m) }
