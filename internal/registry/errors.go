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
	// CodeInternal: a fault of the server; details are logged, never shown.
	CodeInternal Code = "internal"
)

// Error is the one error type of the registry domain.
type Error struct {
	Code    Code
	Message string
	// Reasons lists the incompatibilities behind a CodeIncompatible error.
	Reasons []schema.Incompatibility
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
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
