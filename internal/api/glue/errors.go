package glue

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/cartaschema/carta/internal/registry"
)

// Exception types of the Glue dialect (the __type of an error body).
const (
	excInvalidInput       = "InvalidInputException"
	excEntityNotFound     = "EntityNotFoundException"
	excAlreadyExists      = "AlreadyExistsException"
	excLimitExceeded      = "ResourceNumberLimitExceededException"
	excConcurrentModify   = "ConcurrentModificationException"
	excInternal           = "InternalServiceException"
	excSerialization      = "SerializationException"
	excUnknownOperation   = "UnknownOperationException"
	internalErrorMessage  = "internal error"
	invalidNextTokenError = "Invalid NextToken"
)

// protocolError is an error of the AWS JSON protocol itself (bad JSON, unknown operation, a
// request that is not POST /), which has no registry code.
type protocolError struct {
	typ     string
	status  int
	message string
}

func (e *protocolError) Error() string { return e.message }

func serializationError(format string, args ...any) error {
	return &protocolError{typ: excSerialization, status: http.StatusBadRequest, message: fmt.Sprintf(format, args...)}
}

func unknownOperation(format string, args ...any) error {
	return &protocolError{typ: excUnknownOperation, status: http.StatusBadRequest, message: fmt.Sprintf(format, args...)}
}

// invalid returns a CodeInvalid registry error: request validation speaks the domain's
// language so that errorType maps every user error in one place.
func invalid(format string, args ...any) error {
	return registry.Errorf(registry.CodeInvalid, format, args...)
}

// notFound returns a CodeNotFound registry error.
func notFound(format string, args ...any) error {
	return registry.Errorf(registry.CodeNotFound, format, args...)
}

// errorType maps an error to its Glue exception type and HTTP status. It is the one place where
// registry codes become the Glue dialect. Unknown errors are internal: 500 InternalServiceException.
func errorType(err error) (typ string, status int) {
	var pe *protocolError
	if errors.As(err, &pe) {
		return pe.typ, pe.status
	}
	switch registry.ErrorCode(err) {
	case registry.CodeInvalid, registry.CodeIncompatible, registry.CodeNotPermitted, registry.CodeDeleted,
		registry.CodeNotDeleted, registry.CodeReferenced:
		return excInvalidInput, http.StatusBadRequest
	case registry.CodeNotFound:
		return excEntityNotFound, http.StatusBadRequest
	case registry.CodeAlreadyExists:
		return excAlreadyExists, http.StatusBadRequest
	case registry.CodeLimitExceeded:
		return excLimitExceeded, http.StatusBadRequest
	case registry.CodeConflict:
		return excConcurrentModify, http.StatusBadRequest
	default:
		return excInternal, http.StatusInternalServerError
	}
}

// errorBody is the JSON body of an error answer. Incompatibilities is Carta's extension on a
// refused incompatible registration; the AWS SDKs ignore members they do not know.
type errorBody struct {
	Type              string            `json:"__type"`
	Message           string            `json:"Message"`
	Incompatibilities []incompatibility `json:"Incompatibilities,omitempty"`
}

// errorMessage returns the message shown to the caller: the registry's message for domain
// errors, the protocol message for protocol errors, and "internal error" for anything else.
func errorMessage(err error) string {
	var pe *protocolError
	if errors.As(err, &pe) {
		return pe.message
	}
	return registry.ErrorMessage(err)
}

// writeError answers err. Internal errors are logged with the request ID and shown as
// "internal error".
func (h *handler) writeError(w http.ResponseWriter, c *call, err error) {
	typ, status := errorType(err)
	body := errorBody{Type: typ, Message: errorMessage(err)}
	if status >= 500 {
		body.Message = internalErrorMessage
		h.log.ErrorContext(c.ctx, "glue: internal error", "request_id", c.requestID, "operation", c.op, "err", err)
	}
	var re *registry.Error
	if errors.As(err, &re) && re.Code == registry.CodeIncompatible {
		body.Incompatibilities = incompatibilities(re.Reasons)
	}
	w.Header().Set("X-Amzn-ErrorType", typ)
	c.errType = typ
	h.writeJSON(w, c, status, body)
}
