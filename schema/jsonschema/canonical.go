package jsonschema

import (
	"bytes"
	"encoding/json"
)

// canonicalize renders doc as described at Schema.Canonical. encoding/json already sorts map
// keys and writes json.Number values verbatim; HTML escaping is turned off so that "<" stays
// "<" rather than becoming "\u003c".
func canonicalize(doc any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return "", parseError("", "cannot render the canonical form: %v", err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}
