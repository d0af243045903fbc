package glue

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
)

// Pagination tokens are opaque to clients: base64url of a version byte, a small JSON document
// naming the operation, the scope of the listing (the registry, schema or version listed) and
// the cursor, and a truncated SHA-256 checksum. The checksum detects corrupted or made-up
// tokens; it is not a secret MAC (cursors are names and numbers the caller may list anyway),
// so tokens stay valid across restarts and across the nodes of a deployment.

const (
	tokenVersion  = 1
	tokenSumBytes = 8
	// maxTokenLen bounds the tokens accepted; Carta's own are far shorter.
	maxTokenLen = 4096
)

// pageToken is the content of a NextToken.
type pageToken struct {
	Op    string `json:"o"`
	Scope string `json:"s,omitempty"`
	// The cursor: the last name, (registry, name) or number of the previous page.
	Registry string `json:"r,omitempty"`
	Name     string `json:"n,omitempty"`
	Number   int64  `json:"v,omitempty"`
}

func tokenSum(payload []byte) []byte {
	sum := sha256.Sum256(append([]byte{tokenVersion}, payload...))
	return sum[:tokenSumBytes]
}

// encodeToken returns the NextToken for t.
func encodeToken(t pageToken) string {
	payload, _ := json.Marshal(t) // a struct of strings and an integer always marshals
	buf := make([]byte, 0, 1+len(payload)+tokenSumBytes)
	buf = append(buf, tokenVersion)
	buf = append(buf, payload...)
	buf = append(buf, tokenSum(payload)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// decodeToken reads a NextToken given to op over scope. A token of another operation or scope,
// or one that is not Carta's, is InvalidInputException "Invalid NextToken".
func decodeToken(s *string, op, scope string) (pageToken, bool, error) {
	if s == nil {
		return pageToken{}, false, nil
	}
	bad := invalid("%s", invalidNextTokenError)
	if len(*s) == 0 || len(*s) > maxTokenLen {
		return pageToken{}, false, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(*s)
	if err != nil || len(raw) < 1+tokenSumBytes || raw[0] != tokenVersion {
		return pageToken{}, false, bad
	}
	payload, sum := raw[1:len(raw)-tokenSumBytes], raw[len(raw)-tokenSumBytes:]
	if !bytes.Equal(sum, tokenSum(payload)) {
		return pageToken{}, false, bad
	}
	var t pageToken
	if err := json.Unmarshal(payload, &t); err != nil || t.Op != op || t.Scope != scope {
		return pageToken{}, false, bad
	}
	return t, true, nil
}
