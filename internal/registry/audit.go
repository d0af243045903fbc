package registry

import (
	"context"
	"encoding/json"
	"errors"
)

// audit records a successful mutation inside its transaction.
func (s *Service) audit(ctx context.Context, tx Tx, action, target, rule string, detail any) error {
	return s.auditResult(ctx, tx, action, target, rule, "ok", detail)
}

// auditResult records a mutation with an explicit result inside its transaction.
func (s *Service) auditResult(ctx context.Context, tx Tx, action, target, rule, result string, detail any) error {
	rec := AuditRecord{Time: s.timestamp(), Actor: Actor(ctx), Action: action, Target: target, Rule: rule, Result: result}
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return err
		}
		rec.Detail = string(b)
	}
	return tx.AppendAudit(ctx, rec)
}

// auditRefusal records a refused mutation in a transaction of its own (the refused one rolled
// back). A failure to record is logged, not returned: the caller's answer is the refusal.
func (s *Service) auditRefusal(ctx context.Context, action, target, rule string, refusal *Error) {
	detail := map[string]any{"message": refusal.Message}
	if len(refusal.Reasons) > 0 {
		detail["reasons"] = refusal.Reasons
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		return s.auditResult(ctx, tx, action, target, rule, string(refusal.Code), detail)
	})
	if err != nil {
		s.log.ErrorContext(ctx, "recording audit of refused change", "action", action, "target", target, "err", err)
	}
}

// AuditLog returns up to limit audit entries after the given sequence number.
func (s *Service) AuditLog(ctx context.Context, afterSeq int64, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListAudit(ctx, afterSeq, limit)
		return err
	})
	if err != nil {
		return nil, s.fault(ctx, "AuditLog", err)
	}
	return out, nil
}

// fault passes domain errors through and turns anything else into an internal error, logged
// with the operation that met it.
func (s *Service) fault(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	if e := asError(err); e != nil {
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.WarnContext(ctx, "timeout", "op", op, "err", err)
		return &Error{Code: CodeTimeout, Message: "The operation timed out."}
	}
	s.log.ErrorContext(ctx, "internal error", "op", op, "err", err)
	return &Error{Code: CodeInternal, Message: "internal error"}
}
