package jsonschema_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
)

// vectorsDir holds the compatibility vectors kept in the repository, relative to this package.
const vectorsDir = "../../testdata/compat-vectors"

// vector is one row of a compat-vectors JSONL file.
type vector struct {
	ID          string          `json:"id"`
	Old         json.RawMessage `json:"old"`
	New         json.RawMessage `json:"new"`
	Mode        string          `json:"mode"`
	Expected    bool            `json:"expected"`
	ExpectRules []string        `json:"expect_rules"`
	Note        string          `json:"note"`
	PeerQuirk   string          `json:"peer_quirk"`
}

// loadVectors reads a vectors file; a missing or unreadable file fails the test by name.
func loadVectors(t *testing.T, name string) []vector {
	t.Helper()
	path := filepath.Join(vectorsDir, name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("cannot read the compatibility vectors %s: %v", path, err)
	}
	defer f.Close()
	var rows []vector
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v vector
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s line %d: %v", path, line, err)
		}
		rows = append(rows, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s holds no vectors", path)
	}
	return rows
}

// divergences lists every vector row where Carta, following Confluent's rules
// (shared/reference/compat-rules.md §3.1), disagrees with the peer's verdict, with the reason.
var divergences = map[string]string{
	// Apicurio treats "format", "contentEncoding" and "contentMediaType" as constraints.
	// Confluent's StringSchemaDiff compares only maxLength, minLength and pattern, and Carta's
	// parser makes all three keywords annotations that never fail a value, so changing them
	// cannot break a reader.
	"apicurio-json-013-F": `"format" added: an annotation, as in Confluent (which compares only maxLength, minLength and pattern)`,
	"apicurio-json-014-B": `"format" changed: an annotation, as in Confluent`,
	"apicurio-json-014-F": `"format" changed: an annotation, as in Confluent`,
	"apicurio-json-100-F": `"contentEncoding" added: an annotation in draft-07, not compared by Confluent`,
	"apicurio-json-101-B": `"contentEncoding" changed: an annotation in draft-07, not compared by Confluent`,
	"apicurio-json-101-F": `"contentEncoding" changed: an annotation in draft-07, not compared by Confluent`,
	"apicurio-json-103-F": `"contentMediaType" added: an annotation in draft-07, not compared by Confluent`,
	"apicurio-json-104-B": `"contentMediaType" changed: an annotation in draft-07, not compared by Confluent`,
	"apicurio-json-104-F": `"contentMediaType" changed: an annotation in draft-07, not compared by Confluent`,

	// Draft-07's meta-schema requires "enum" to hold at least one value, so Carta's parser
	// refuses the old schema of this case ({"enum": []}) before any compatibility check.
	"apicurio-json-094-B": `{"enum": []} is not a valid draft-07 schema (the meta-schema requires at least one value); registration fails at parsing`,
	"apicurio-json-094-F": `{"enum": []} is not a valid draft-07 schema (the meta-schema requires at least one value); registration fails at parsing`,

	// Karapace rows that contradict Confluent's rules.
	"karapace-json-002": `reader false cannot read a writer true: Confluent reports TYPE_CHANGED (only a writer false, or a reader {}/true, is exempt)`,
	"karapace-json-030": `a property whose schema is {} adds no constraint: Confluent's PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL is compatible`,
	"karapace-json-038": `the reader's pattern "^a*" matches every name, so the removed property is covered by its {} schema: Confluent's PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL is compatible`,
	"karapace-json-040": `a property whose schema is {} adds no constraint: Confluent's PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL is compatible`,
	"karapace-json-041": `Carta compares propertyNames as a string schema (Apicurio does too, apicurio-json-044-F), and an added "pattern" is PATTERN_ADDED under Confluent's string rule even when, like "a*", it matches every name (as karapace-json-162 expects)`,
	"karapace-json-043": `as karapace-json-041: the added propertyNames "pattern" is PATTERN_ADDED under Confluent's string rule`,
}

func TestVectorsJSONSchema(t *testing.T) {
	h := jsonschema.Handler{}
	for _, file := range []string{"jsonschema-apicurio.jsonl", "jsonschema-karapace.jsonl"} {
		rows := loadVectors(t, file)
		pass, diverged := 0, 0
		var quirks []string
		for _, v := range rows {
			var nwSchema schema.Schema
			old, err := h.Parse(string(v.Old), schema.Limits{})
			if err == nil {
				var nw schema.Schema
				if nw, err = h.Parse(string(v.New), schema.Limits{}); err == nil {
					nwSchema = nw
				}
			}
			if err != nil {
				if reason, ok := divergences[v.ID]; ok {
					diverged++
					t.Logf("vectors: divergence %s: %s", v.ID, reason)
				} else {
					t.Errorf("%s: a schema does not parse: %v", v.ID, err)
				}
				continue
			}
			nw := nwSchema
			reader, writer := nw, old
			switch v.Mode {
			case "BACKWARD":
			case "FORWARD":
				reader, writer = old, nw
			default:
				t.Errorf("%s: unknown mode %q", v.ID, v.Mode)
				continue
			}
			found, err := h.CanRead(reader, writer)
			if err != nil {
				t.Errorf("%s: CanRead: %v", v.ID, err)
				continue
			}
			want := v.Expected
			if v.PeerQuirk != "" {
				want = !want // the README: invert or skip; every quirk here is invertible
				quirks = append(quirks, v.ID)
			}
			got := len(found) == 0
			reason, documented := divergences[v.ID]
			switch {
			case got == want && documented:
				t.Errorf("%s: listed as a divergence (%s) but Carta now agrees with the file", v.ID, reason)
			case got == want:
				pass++
			case documented:
				diverged++
				t.Logf("vectors: divergence %s: %s", v.ID, reason)
			default:
				t.Errorf("%s (%s, %s): Carta says compatible=%v, the file says %v (peer rules %v)\n  old %s\n  new %s\n  findings %v",
					v.ID, v.Mode, v.Note, got, want, v.ExpectRules, v.Old, v.New, found)
			}
		}
		sort.Strings(quirks)
		for _, id := range quirks {
			t.Logf("vectors: peer_quirk %s inverted", id)
		}
		t.Logf("vectors: %s %d/%d (%.1f%%), %d divergences, %d peer_quirk rows inverted",
			file, pass, len(rows), 100*float64(pass)/float64(len(rows)), diverged, len(quirks))
	}
}
