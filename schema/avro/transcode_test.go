package avro

import (
	"bytes"
	"strings"
	"testing"

	hamba "github.com/hamba/avro/v2"

	"github.com/cartaschema/carta/schema"
)

const transcodeSchema = `{"type":"record","name":"Event","namespace":"t","fields":[
 {"name":"id","type":"string"},
 {"name":"n","type":"int"},
 {"name":"big","type":"long"},
 {"name":"ok","type":"boolean"},
 {"name":"f","type":"float"},
 {"name":"d","type":"double"},
 {"name":"raw","type":"bytes"},
 {"name":"fx","type":{"type":"fixed","name":"F2","size":2}},
 {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
 {"name":"tags","type":{"type":"array","items":"string"}},
 {"name":"attrs","type":{"type":"map","values":"long"}},
 {"name":"note","type":["null","string"],"default":null},
 {"name":"child","type":["null","Event"],"default":null},
 {"name":"nothing","type":"null"}]}`

func parseForTest(t testing.TB, def string) *Schema {
	t.Helper()
	s, err := Handler{}.Parse(def, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return s.(*Schema)
}

func TestTranscodeRoundTripAndHamba(t *testing.T) {
	s := parseForTest(t, transcodeSchema)
	doc := `{"id":"é\"x","n":-3,"big":9007199254740993,"ok":true,"f":1.5,"d":"NaN","raw":"\u0000\u00ff","fx":"ab",
	 "color":"GREEN","tags":["a","b"],"attrs":{"k":-1},"note":{"string":"hi"},
	 "child":{"t.Event":{"id":"c","n":1,"big":2,"ok":false,"f":0,"d":-0.25,"raw":"","fx":"zz","color":"RED","tags":[],"attrs":{},"note":null,"child":null,"nothing":null}},
	 "nothing":null}`
	bin, err := s.EncodeJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ValidateBinary(bin); err != nil {
		t.Fatalf("EncodeJSON wrote an invalid datum: %v", err)
	}
	// hamba reads what EncodeJSON wrote.
	hs := hambaSchema(t, transcodeSchema)
	var got map[string]any
	if err := hambaUnmarshal(hs, bin, &got); err != nil {
		t.Fatalf("hamba cannot read EncodeJSON's output: %v", err)
	}
	if got["id"] != "é\"x" || got["big"] != int64(9007199254740993) || got["n"] != -3 {
		t.Fatalf("hamba read %v", got)
	}
	back, err := s.DecodeJSON(bin)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.EncodeJSON(back)
	if err != nil {
		t.Fatalf("DecodeJSON wrote JSON that EncodeJSON refuses: %v\n%s", err, back)
	}
	if !bytes.Equal(again, bin) {
		t.Fatalf("binary -> JSON -> binary changed the datum:\n% x\n% x", bin, again)
	}
	if !strings.Contains(string(back), `"note":{"string":"hi"}`) || !strings.Contains(string(back), `"d":"NaN"`) {
		t.Fatalf("JSON = %s", back)
	}
	// Invalid input is a DatumError, never a panic.
	for _, bad := range []string{`{}`, `{"id":1}`, `[`, ``} {
		if _, err := s.EncodeJSON([]byte(bad)); err == nil {
			t.Errorf("EncodeJSON(%q) succeeded", bad)
		}
	}
	if _, err := s.DecodeJSON(bin[:len(bin)-1]); err == nil {
		t.Error("DecodeJSON of a truncated datum succeeded")
	}
}

func TestDecodeJSONRefusesAnExplodingArray(t *testing.T) {
	s := parseForTest(t, `{"type":"array","items":"null"}`)
	// One block of a billion nulls: three bytes of binary.
	datum := append(zz(nil, 1_000_000_000), 0)
	if _, err := s.DecodeJSON(datum); err == nil {
		t.Fatal("a billion nulls were written as JSON")
	}
}

func FuzzTranscode(f *testing.F) {
	s := parseForTest(f, transcodeSchema)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, datum []byte) {
		js, err := s.DecodeJSON(datum)
		if err != nil {
			return
		}
		bin, err := s.EncodeJSON(js)
		if err != nil {
			t.Fatalf("DecodeJSON output refused by EncodeJSON: %v\n%s", err, js)
		}
		js2, err := s.DecodeJSON(bin)
		if err != nil || !bytes.Equal(js, js2) {
			t.Fatalf("not stable: %v\n%s\n%s", err, js, js2)
		}
	})
}

func hambaSchema(t testing.TB, def string) hamba.Schema {
	t.Helper()
	s, err := hamba.ParseWithCache(def, "", &hamba.SchemaCache{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
