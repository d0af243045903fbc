package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/cartaschema/carta/internal/registry"
)

// tx is one transaction of a DB; it implements registry.Tx. The methods are spread over
// registries.go, versions.go and audit.go, one file per group of tables.
type tx struct {
	tx *sql.Tx
}

var _ registry.Tx = (*tx)(nil)

// sqlLimit turns the Store's limit (<= 0: no limit) into SQLite's (-1: no limit).
func sqlLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

// affected returns registry.ErrNotExist, wrapped with what, when res changed no row.
func affected(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, registry.ErrNotExist)
	}
	return nil
}

// encodeTags is the stored form of a tag map: a JSON object, "{}" when there are none.
func encodeTags(tags map[string]string) (string, error) {
	if len(tags) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(tags)
	return string(b), err
}

// decodeTags reads a stored tag map; no tags read back as nil.
func decodeTags(s string) (map[string]string, error) {
	var tags map[string]string
	if err := json.Unmarshal([]byte(s), &tags); err != nil {
		return nil, fmt.Errorf("sqlite: decode tags: %w", err)
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return tags, nil
}

// encodeJSONList is the stored form of a list: a JSON array, "[]" when it is empty.
func encodeJSONList[T any](list []T) (string, error) {
	if len(list) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(list)
	return string(b), err
}

// decodeJSONList reads a stored list; an empty one reads back as nil.
func decodeJSONList[T any](s string) ([]T, error) {
	var list []T
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return nil, fmt.Errorf("sqlite: decode list: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// collect scans every row of rows with scan.
func collect[T any](rows *sql.Rows, err error, what string, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return out, nil
}

// count runs a SELECT count(*) query.
func (t *tx) count(ctx context.Context, query, what string) (int, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, query).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return n, nil
}
