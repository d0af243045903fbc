package postgres

import (
	"context"
	"fmt"

	"github.com/cartaschema/carta/internal/registry"
)

// AppendAudit adds a record to the end of the audit log; its sequence number is one the log
// never used before.
func (t *tx) AppendAudit(ctx context.Context, a registry.AuditRecord) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO audit (time, actor, action, target, rule, result, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, millis(a.Time), a.Actor, a.Action, a.Target, a.Rule, a.Result, a.Detail)
	return mapError(err, "append audit record")
}

// ListAudit returns up to limit audit records with a sequence number above afterSeq, oldest
// first.
func (t *tx) ListAudit(ctx context.Context, afterSeq int64, limit int) ([]registry.AuditEntry, error) {
	rows, err := t.tx.Query(ctx, `SELECT seq, time, actor, action, target, rule, result, detail FROM audit
		WHERE seq > $1 ORDER BY seq LIMIT $2`, afterSeq, sqlLimit(limit))
	return collect(rows, err, "list audit", func(s scanner) (registry.AuditEntry, error) {
		var (
			e  registry.AuditEntry
			ms int64
		)
		err := s.Scan(&e.Seq, &ms, &e.Actor, &e.Action, &e.Target, &e.Rule, &e.Result, &e.Detail)
		e.Time = fromMillis(ms)
		return e, err
	})
}

// ImportAudit inserts e with its own sequence number (OVERRIDING SYSTEM VALUE): registry.ErrExists
// when it is taken. It then moves the identity's sequence to e.Seq unless it is past it
// already, so that AppendAudit's next record gets a greater number (see ImportContent about a
// rollback).
func (t *tx) ImportAudit(ctx context.Context, e registry.AuditEntry) error {
	what := fmt.Sprintf("import audit record %d", e.Seq)
	if e.Seq <= 0 {
		return fmt.Errorf("postgres: %s: the sequence number must be positive", what)
	}
	err := t.insert(ctx, what, `INSERT INTO audit (seq, time, actor, action, target, rule, result, detail)
		OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
		[]any{e.Seq, millis(e.Time), e.Actor, e.Action, e.Target, e.Rule, e.Result, e.Detail}, "")
	if err != nil {
		return err
	}
	return t.advanceIdentity(ctx, what, "audit", "seq", e.Seq)
}
