package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cartaschema/carta/internal/registry"
)

// tx is one transaction of a Store; it implements registry.Tx. The methods are spread over
// registries.go, versions.go and audit.go, one file per group of tables.
type tx struct {
	tx pgx.Tx
}

var _ registry.Tx = (*tx)(nil)

// sqlLimit turns the Store's limit (<= 0: no limit) into a LIMIT argument (NULL: no limit).
func sqlLimit(limit int) any {
	if limit <= 0 {
		return nil
	}
	return int64(limit)
}

// affected returns registry.ErrNotExist, wrapped with what, when tag reports no changed row.
func affected(tag pgconn.CommandTag, what string) error {
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, registry.ErrNotExist)
	}
	return nil
}

// exec runs a statement that changes rows and returns registry.ErrNotExist when it changed
// none.
func (t *tx) exec(ctx context.Context, what, query string, args ...any) error {
	tag, err := t.tx.Exec(ctx, query, args...)
	if err != nil {
		return mapError(err, what)
	}
	return affected(tag, what)
}

// insert runs an INSERT ... ON CONFLICT DO NOTHING whose row comes from a SELECT that yields
// nothing when a parent row is missing, so that it inserts nothing, rather than failing and
// aborting the transaction, when the key is taken or a parent is missing. When it inserted
// nothing, the query parents (one boolean, over parentArgs) tells the two apart:
// registry.ErrNotExist when a parent is missing, else registry.ErrExists. parents "" means the
// row has no parent.
func (t *tx) insert(ctx context.Context, what, query string, args []any, parents string, parentArgs ...any) error {
	tag, err := t.tx.Exec(ctx, query, args...)
	if err != nil {
		return mapError(err, what)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	if parents != "" {
		var ok bool
		if err := t.tx.QueryRow(ctx, parents, parentArgs...).Scan(&ok); err != nil {
			return mapError(err, what)
		}
		if !ok {
			return fmt.Errorf("%s: referenced entity missing: %w", what, registry.ErrNotExist)
		}
	}
	return fmt.Errorf("%s: %w", what, registry.ErrExists)
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
		return nil, fmt.Errorf("postgres: decode tags: %w", err)
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
		return nil, fmt.Errorf("postgres: decode list: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}

// scanner is a pgx.Row or pgx.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// collect scans every row of rows with scan.
func collect[T any](rows pgx.Rows, err error, what string, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, mapError(err, what)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapError(err, what)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err, what)
	}
	return out, nil
}

// count runs a SELECT count(*) query.
func (t *tx) count(ctx context.Context, query, what string) (int, error) {
	var n int64
	if err := t.tx.QueryRow(ctx, query).Scan(&n); err != nil {
		return 0, mapError(err, what)
	}
	return int(n), nil
}
