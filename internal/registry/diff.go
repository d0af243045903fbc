package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

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
		b, err = s.selectVersion(ctx, tx, sc, second)
		return err
	})
	if err != nil {
		return "", s.fault(ctx, "GetSchemaVersionsDiff", err)
	}
	return textdiff.Unified(
		fmt.Sprintf("%s version %d", ref.Name, a.Number),
		fmt.Sprintf("%s version %d", ref.Name, b.Number),
		pretty(a.Format, a.Definition), pretty(b.Format, b.Definition), 3), nil
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
