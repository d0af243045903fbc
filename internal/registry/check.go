package registry

import (
	"context"

	"github.com/cartaschema/carta/schema"
)

// CheckResult is the verdict of CheckVersion.
type CheckResult struct {
	// Mode is the schema's compatibility mode the candidate was checked under.
	Mode schema.Mode
	// Policy is the compatibility policy applied.
	Policy schema.Policy
	// Reasons lists every incompatibility; empty means the candidate would be accepted.
	Reasons []schema.Incompatibility
}

// CheckVersion runs the check RegisterVersion would run for a candidate definition, without
// registering anything (a dry run for CI and for compatibility endpoints). A schema in
// DISABLED mode answers with CodeInvalid, as a registration would.
func (s *Service) CheckVersion(ctx context.Context, ref SchemaRef, definition string) (*CheckResult, error) {
	sc, parsed, err := s.candidate(ctx, "CheckVersion", ref, definition)
	if err != nil {
		return nil, err
	}
	if sc.Compatibility == schema.Disabled {
		return nil, disabledError(ref)
	}
	res := &CheckResult{Mode: sc.Compatibility}
	err = s.store.View(ctx, func(tx Tx) error {
		var err error
		if res.Policy, err = s.policyOf(ctx, tx, sc); err != nil {
			return err
		}
		res.Reasons, err = s.check(ctx, tx, sc, parsed)
		return err
	})
	if err != nil {
		return nil, s.fault(ctx, "CheckVersion", err)
	}
	return res, nil
}

func disabledError(ref SchemaRef) error {
	return Errorf(CodeNotPermitted, "Compatibility DISABLED does not allow versioning. SchemaId: SchemaId(schemaArn=null, schemaName=%s, registryName=%s)", ref.Name, ref.Registry)
}
