package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cartaschema/carta/internal/textdiff"
	"github.com/cartaschema/carta/schema"
)

// DiffVersions returns a unified diff (SYNTAX_DIFF) from the first to the second version of a
// schema, each pretty-printed: JSON definitions (Avro, JSON Schema) indented by two spaces with
// their key order kept, Protobuf as written. Identical definitions give "".
func (s *Service) DiffVersions(ctx context.Context, ref SchemaRef, first, second VersionSelector) (string, error) {
	var a, b *Version
	err := s.store.View(ctx, func(tx Tx) error {
		sc, err := s.getSchema(ctx, tx, ref)
		if err != nil {
			return err
		}
		if a, err = s.selectVersion(ctx, tx, sc, first); err != nil {
			return err
		}
		if b, err = s.selectVersion(ctx, tx, sc, second); err != nil {
			return err
		}
		if a.Number == b.Number {
			return Errorf(CodeInvalid, "FirstSchemaVersionNumber and SecondSchemaVersionNumber name the same version (%d); a diff needs two versions.", a.Number)
		}
		return nil
	})
	if err != nil {
		return "", s.fault(ctx, "GetSchemaVersionsDiff", err)
	}
	d := textdiff.Unified(
		fmt.Sprintf("%s version %d", ref.Name, a.Number),
		fmt.Sprintf("%s version %d", ref.Name, b.Number),
		pretty(a.Format, a.Definition), pretty(b.Format, b.Definition), 3)
	return truncateDiff(d, MaxDiffChars), nil
}

// MaxDiffChars is the longest diff the Glue model allows; longer diffs are cut at a line
// boundary and end with a note.
const MaxDiffChars = 340000

const truncatedNote = "\n... diff truncated: it is longer than 340,000 characters\n"

func truncateDiff(d string, max int) string {
	if utf8.RuneCountInString(d) <= max {
		return d
	}
	runes := []rune(d)[:max-len(truncatedNote)]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	return cut + truncatedNote
}

// pretty renders a definition for diffing.
func pretty(f schema.Format, def string) string {
	if f == schema.Protobuf {
		return def
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(def), "", "  "); err != nil {
		return def
	}
	return buf.String()
}
