package sqlite

import (
	"context"
	"fmt"

	"github.com/cartaschema/carta/internal/registry"
)

// AppendAudit adds a record to the end of the audit log; its sequence number is one the log
// never used before.
func (t *tx) AppendAudit(ctx context.Context, a registry.AuditRecord) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO audit (time, actor, action, target, rule, result, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, millis(a.Time), a.Actor, a.Action, a.Target, a.Rule, a.Result, a.Detail)
	return mapError(err, "append audit record")
}

// ListAudit returns up to limit audit records with a sequence number above afterSeq, oldest
// first.
func (t *tx) ListAudit(ctx context.Context, afterSeq int64, limit int) ([]registry.AuditEntry, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT seq, time, actor, action, target, rule, result, detail FROM audit
		WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, sqlLimit(limit))
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

// ImportAudit inserts e with its own sequence number: registry.ErrExists when it is taken.
// AUTOINCREMENT records the largest sequence number ever inserted, so AppendAudit's next one is
// above e.Seq.
func (t *tx) ImportAudit(ctx context.Context, e registry.AuditEntry) error {
	what := fmt.Sprintf("import audit record %d", e.Seq)
	if e.Seq <= 0 {
		return fmt.Errorf("sqlite: %s: the sequence number must be positive", what)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO audit (seq, time, actor, action, target, rule, result, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, millis(e.Time), e.Actor, e.Action, e.Target, e.Rule, e.Result, e.Detail)
	return mapError(err, what)
}
