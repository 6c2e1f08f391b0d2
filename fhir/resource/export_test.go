package resource

// ParseGoogle is Parse without the schema fast path: every body through
// google/fhir, for tests and benchmarks that compare the two.
func ParseGoogle(body []byte) (*Doc, error) {
	if err := checkJSON(body); err != nil {
		return nil, err
	}
	return parseChecked(body)
}
