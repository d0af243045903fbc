package registry

import (
	"errors"
	"fmt"

	"github.com/cartaschema/carta/schema"
)

// Code classifies a registry error. Each API adapter maps codes to its dialect (Glue __type,
// Confluent error_code, CLI exit status) in exactly one place.
type Code string

// The error codes.
const (
	// CodeInvalid: the request is malformed or breaks a rule of the model (Glue InvalidInputException).
	CodeInvalid Code = "invalid"
	// CodeNotFound: a registry, schema or version does not exist (Glue EntityNotFoundException).
	CodeNotFound Code = "not_found"
	// CodeAlreadyExists: the entity exists already (Glue AlreadyExistsException).
	CodeAlreadyExists Code = "already_exists"
	// CodeLimitExceeded: a quota is reached (Glue ResourceNumberLimitExceededException).
	CodeLimitExceeded Code = "limit_exceeded"
	// CodeConflict: a concurrent change won (Glue ConcurrentModificationException).
	CodeConflict Code = "conflict"
	// CodeIncompatible: the candidate schema breaks the compatibility rule (Glue
	// InvalidInputException when incompatibility is configured to be an error).
	CodeIncompatible Code = "incompatible"
	// CodeNotPermitted: the schema's compatibility (DISABLED) or the Confluent mode
	// (READONLY, IMPORT) forbids the change.
	CodeNotPermitted Code = "not_permitted"
	// CodeDeleted: the subject or version is soft-deleted, and the request needs it not to be.
	CodeDeleted Code = "deleted"
	// CodeNotDeleted: a permanent delete of a subject or version that is not soft-deleted first.
	CodeNotDeleted Code = "not_deleted"
	// CodeReferenced: the version (or a version of the schema) is referenced by another
	// version's schema references, so it cannot be deleted.
	CodeReferenced Code = "referenced"
	// CodeTimeout: the store did not answer before the request's deadline.
	CodeTimeout Code = "timeout"
	// CodeInternal: a fault of the server; details are logged, never shown.
	CodeInternal Code = "internal"
)

// Entity names what an error is about, where a dialect tells such errors apart (Confluent
// answers a missing subject, version and schema ID with different error codes).
type Entity string

// The entities.
const (
	EntityRegistry Entity = "registry"
	EntitySchema   Entity = "schema"
	EntityVersion  Entity = "version"
	// EntityContent is a content ID (a Confluent schema ID) or a definition looked up by content.
	EntityContent Entity = "content"
	// EntityConfig is a subject-level compatibility setting.
	EntityConfig Entity = "config"
	// EntityMode is a subject-level Confluent mode.
	EntityMode Entity = "mode"
)

// Error is the one error type of the registry domain.
type Error struct {
	Code    Code
	Message string
	// Reasons lists the incompatibilities behind a CodeIncompatible error.
	Reasons []schema.Incompatibility
	// Entity says what a CodeNotFound, CodeDeleted or CodeNotDeleted error is about; "" when
	// it does not matter.
	Entity Entity
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// entityErrorf returns an *Error about an entity.
func entityErrorf(code Code, entity Entity, format string, args ...any) *Error {
	return &Error{Code: code, Entity: entity, Message: fmt.Sprintf(format, args...)}
}

// ErrorEntity returns the entity of the *Error err wraps, or "".
func ErrorEntity(err error) Entity {
	if e := asError(err); e != nil {
		return e.Entity
	}
	return ""
}

// ErrorCode returns the code of err: the code of the *Error it wraps, or CodeInternal.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err; internal errors read "internal error".
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrNotExist is returned by a Store when the requested row does not exist.
var ErrNotExist = errors.New("registry: no such entity")

// ErrExists is returned by a Store when a create collides with an existing row.
var ErrExists = errors.New("registry: entity exists")

// asError returns the *Error that err wraps, or nil.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
