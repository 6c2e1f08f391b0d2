// Package rest is the FHIR R4 RESTful API over HTTP, on Echo v4. Handlers
// parse the request, make one call to the service layer and write the
// response; every error travels up to ErrorHandler, the one place that maps
// fhir.Error codes to HTTP statuses and renders the OperationOutcome.
package rest
