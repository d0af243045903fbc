package jsonschema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
)

// suiteDir holds the required tests of the official JSON-Schema-Test-Suite for the drafts
// Carta supports (see its README.md for the origin and version).
const suiteDir = "testdata/JSON-Schema-Test-Suite/tests"

// suiteDrafts maps each directory of the suite to the meta-schema URL its schemas are
// registered under. The suite's draft-04 to draft-07 schemas (and a few later ones) have no
// "$schema", and a definition without one is draft-07 in Carta, so the test adds it, as a
// user registering the schema under that draft would.
var suiteDrafts = []struct{ dir, metaSchema string }{
	{"draft4", "http://json-schema.org/draft-04/schema#"},
	{"draft6", "http://json-schema.org/draft-06/schema#"},
	{"draft7", "http://json-schema.org/draft-07/schema#"},
	{"draft2019-09", "https://json-schema.org/draft/2019-09/schema"},
	{"draft2020-12", "https://json-schema.org/draft/2020-12/schema"},
}

// suiteExcludedFiles lists the files not run at all: every case in them needs a document
// served from http://localhost:1234/, and Carta refuses references to other documents by
// design (the definition must be self-contained; see the package documentation).
var suiteExcludedFiles = []string{
	"draft4/refRemote.json",
	"draft6/refRemote.json",
	"draft7/refRemote.json",
	"draft2019-09/refRemote.json",
	"draft2020-12/refRemote.json",
}

// suiteExcludedGroups lists the test groups ("dir/file: group description") of the files that
// are run whose schemas Carta refuses on purpose, each with the reason. Every one of them is
// checked to still be refused by Parse, so the list cannot go stale silently.
var suiteExcludedGroups = map[string]string{
	"draft4/definitions.json: validate definition against metaschema":                                     suiteMetaSchemaRef,
	"draft4/ref.json: remote ref, containing refs itself":                                                 suiteMetaSchemaRef,
	"draft6/definitions.json: validate definition against metaschema":                                     suiteMetaSchemaRef,
	"draft6/ref.json: remote ref, containing refs itself":                                                 suiteMetaSchemaRef,
	"draft7/definitions.json: validate definition against metaschema":                                     suiteMetaSchemaRef,
	"draft7/ref.json: remote ref, containing refs itself":                                                 suiteMetaSchemaRef,
	"draft2019-09/defs.json: validate definition against metaschema":                                      suiteMetaSchemaRef,
	"draft2019-09/ref.json: remote ref, containing refs itself":                                           suiteMetaSchemaRef,
	"draft2019-09/vocabulary.json: schema that uses custom metaschema with with no validation vocabulary": suiteCustomMetaSchema,
	"draft2019-09/vocabulary.json: ignore unrecognized optional vocabulary":                               suiteCustomMetaSchema,
	"draft2020-12/defs.json: validate definition against metaschema":                                      suiteMetaSchemaRef,
	"draft2020-12/ref.json: remote ref, containing refs itself":                                           suiteMetaSchemaRef,
	"draft2020-12/vocabulary.json: schema that uses custom metaschema with with no validation vocabulary": suiteCustomMetaSchema,
	"draft2020-12/vocabulary.json: ignore unrecognized optional vocabulary":                               suiteCustomMetaSchema,
	"draft2020-12/dynamicRef.json: strict-tree schema, guards against misspelled properties":              suiteRemoteRef,
	"draft2020-12/dynamicRef.json: tests for implementation dynamic anchor and reference link":            suiteRemoteRef,
	"draft2020-12/dynamicRef.json: $ref and $dynamicAnchor are independent of order - $defs first":        suiteRemoteRef,
	"draft2020-12/dynamicRef.json: $ref and $dynamicAnchor are independent of order - $ref first":         suiteRemoteRef,
	"draft2020-12/dynamicRef.json: $ref to $dynamicRef finds detached $dynamicAnchor":                     suiteRemoteRef,
}

// Reasons for suiteExcludedGroups.
const (
	suiteMetaSchemaRef    = "the schema references the draft's meta-schema by URL; Parse accepts only references inside the definition, meta-schemas included (a deliberate choice of the parser)"
	suiteRemoteRef        = "the schema references a document served from http://localhost:1234/; Carta refuses references to other documents by design"
	suiteCustomMetaSchema = "the schema's \"$schema\" is a custom meta-schema served from http://localhost:1234/; Parse accepts only the five standard draft meta-schemas by design"
)

// suiteFile is one file of the suite: a list of schemas, each with its cases.
type suiteFile []struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	} `json:"tests"`
}

// withMetaSchema adds "$schema" to an object schema that has none.
func withMetaSchema(t *testing.T, raw json.RawMessage, metaSchema string) string {
	t.Helper()
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return string(raw) // a boolean schema means the same in every draft
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		t.Fatal(err)
	}
	if _, ok := obj["$schema"]; ok {
		return string(raw)
	}
	sep := ","
	if len(obj) == 0 {
		sep = ""
	}
	return fmt.Sprintf(`{"$schema":%q%s%s`, metaSchema, sep, raw[1:])
}

// readSuiteFile decodes one file of the suite.
func readSuiteFile(t *testing.T, path string) suiteFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var groups suiteFile
	if err := json.Unmarshal(data, &groups); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return groups
}

// TestJSONSchemaTestSuite runs every in-scope case of the suite through Parse and Validate,
// once with "format" as an annotation and once with format assertions on: the required
// tests only check that formats ignore values of other types, so both must agree.
func TestJSONSchemaTestSuite(t *testing.T) {
	for _, assert := range []bool{false, true} {
		t.Run(fmt.Sprintf("AssertFormats=%v", assert), func(t *testing.T) {
			runSuite(t, jsonschema.ValidateOptions{AssertFormats: assert})
		})
	}
}

func runSuite(t *testing.T, opts jsonschema.ValidateOptions) {
	total, passed, excludedFileCases, excludedGroupCases, notApplicable := 0, 0, 0, 0, 0
	refused := map[string]bool{}
	for _, d := range suiteDrafts {
		files, err := filepath.Glob(filepath.Join(suiteDir, d.dir, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no test files for %s in %s: %v", d.dir, suiteDir, err)
		}
		for _, path := range files {
			name := d.dir + "/" + filepath.Base(path)
			groups := readSuiteFile(t, path)
			if slices.Contains(suiteExcludedFiles, name) {
				for _, g := range groups {
					excludedFileCases += len(g.Tests)
				}
				continue
			}
			for _, g := range groups {
				key := name + ": " + g.Description
				def := withMetaSchema(t, g.Schema, d.metaSchema)
				s, err := jsonschema.Parse(def, schema.Limits{})
				if reason, excluded := suiteExcludedGroups[key]; excluded {
					if err == nil {
						t.Errorf("%s: excluded (%s), but Parse now accepts it: run it", key, reason)
					}
					refused[key] = true
					excludedGroupCases += len(g.Tests)
					continue
				}
				total += len(g.Tests)
				if err != nil {
					t.Errorf("%s: Parse: %v", key, err)
					continue
				}
				for _, c := range g.Tests {
					if opts.AssertFormats && strings.HasSuffix(c.Description, "is only an annotation by default") {
						// The case checks the default, which AssertFormats turns off.
						notApplicable++
						total--
						continue
					}
					err := s.Validate(c.Data, opts)
					switch {
					case c.Valid && err != nil:
						t.Errorf("%s / %s: want valid, got %v", key, c.Description, err)
					case !c.Valid && err == nil:
						t.Errorf("%s / %s: want invalid, got valid", key, c.Description)
					default:
						passed++
					}
				}
			}
		}
	}
	for key := range suiteExcludedGroups {
		if !refused[key] {
			t.Errorf("excluded group %q is not in the suite any more", key)
		}
	}
	t.Logf("json-schema-test-suite: %d/%d cases pass (%d files excluded: %s, %d cases; %d groups excluded, %d cases; %d cases about the annotation default not applicable)",
		passed, total, len(suiteExcludedFiles), strings.Join(suiteExcludedFiles, ", "), excludedFileCases,
		len(suiteExcludedGroups), excludedGroupCases, notApplicable)
}
