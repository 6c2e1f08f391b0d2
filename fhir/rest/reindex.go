package rest

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

// reindexStatus answers GET /SearchParameter/{id}/$reindex with the state
// of the index of a stored SearchParameter, as Parameters: status (queued,
// running, done, failed, superseded, or not-active for a stored one that
// is not in force), one type per resource type reindexed, processed (how
// many resources so far) and error. A search with the parameter works once
// status is done (docs/search.md).
func (a *api) reindexStatus(c echo.Context) error {
	id := c.Param("id")
	st, ok := a.svc.ReindexStatus(id)
	if !ok {
		if _, err := a.svc.Read(c.Request().Context(), "SearchParameter", id); err != nil {
			return err
		}
		st.State = "not-active"
	}
	ps := []map[string]any{{"name": "status", "valueCode": st.State}}
	for _, t := range st.Types {
		ps = append(ps, map[string]any{"name": "type", "valueCode": t})
	}
	ps = append(ps, map[string]any{"name": "processed", "valueInteger": st.Processed})
	if st.Error != "" {
		ps = append(ps, map[string]any{"name": "error", "valueString": st.Error})
	}
	b, err := json.Marshal(map[string]any{"resourceType": "Parameters", "parameter": ps})
	if err != nil {
		return fhir.Errorf(fhir.CodeException, "cannot encode the reindex status")
	}
	return writeRaw(c, http.StatusOK, b)
}

// capsCache holds the CapabilityStatement of one registry: it lists the
// search parameters in force, so it is rebuilt when a SearchParameter
// changes them.
type capsCache struct {
	mu     sync.Mutex
	routes []route // the routes table (a field: the table's handlers refer to this cache)
	reg    *searchparam.Registry
	body   []byte
}

func (a *api) capabilities() []byte {
	reg := a.svc.Registry()
	a.caps.mu.Lock()
	defer a.caps.mu.Unlock()
	if a.caps.reg != reg {
		a.caps.body = withOperations(capabilityStatement(a.caps.routes, reg), a.ops)
		a.caps.reg = reg
	}
	return a.caps.body
}
