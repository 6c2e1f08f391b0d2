// Command genparams writes r4.json, the R4 SearchParameter definitions the
// registry loads: the fields search needs, taken from Bundle-searchParams.json
// of the npm package hl7.fhir.r4.examples@4.0.1 (CC0):
//
//	npm pack hl7.fhir.r4.examples@4.0.1 && tar xzf hl7.fhir.r4.examples-4.0.1.tgz
//	go run ./fhir/searchparam/internal/genparams -in package/Bundle-searchParams.json > fhir/searchparam/r4.json
package main

import (
	"encoding/json"
	"flag"
	"log"
	"os"

	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

func main() {
	in := flag.String("in", "Bundle-searchParams.json", "the R4 SearchParameter bundle")
	flag.Parse()
	raw, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	var b struct {
		Entry []struct {
			Resource searchparam.Definition `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		log.Fatal(err)
	}
	defs := make([]searchparam.Definition, 0, len(b.Entry))
	for _, e := range b.Entry {
		defs = append(defs, e.Resource)
	}
	out, err := json.Marshal(defs)
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout.Write(append(out, '\n'))
}
