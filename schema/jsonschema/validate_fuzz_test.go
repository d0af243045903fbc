package jsonschema

import (
	"reflect"
	"testing"
)

// FuzzValidateDecode checks that the document decoder's fast path (encoding/json and a
// member count) accepts exactly what the definition decoder accepts, duplicates included,
// and decodes to the same value.
func FuzzValidateDecode(f *testing.F) {
	for _, seed := range []string{
		`{"a":1,"b":[true,null,"x"]}`,
		`{"a":1,"a":2}`,
		`{"a":{"b:":1,"b:":2}}`,
		`{"\u0061":1,"a":2}`,
		`{"a\"":"\\:","a\"":3}`,
		`[1,2,{"":0}] `,
		`{} []`,
		`1e400`,
		``,
		`"\ud800"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if _, ok := checkPayload(text, ValidateOptions{}.withDefaults()); !ok {
			return
		}
		fast, p, ok := decodeDocument(text)
		slow, err := decode(text)
		if ok != (err == nil) {
			t.Fatalf("fast path ok=%v (%v), definition decoder error %v", ok, p, err)
		}
		if ok && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast path decoded %#v, definition decoder %#v", fast, slow)
		}
	})
}
