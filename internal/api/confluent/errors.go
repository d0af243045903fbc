package confluent

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/cartaschema/carta/internal/registry"
)

// The error_codes of the Confluent dialect (Confluent's Errors.java).
const (
	codeSubjectNotFound       = 40401
	codeVersionNotFound       = 40402
	codeSchemaNotFound        = 40403
	codeSubjectSoftDeleted    = 40404
	codeSubjectNotSoftDeleted = 40405
	codeVersionSoftDeleted    = 40406
	codeVersionNotSoftDeleted = 40407
	codeSubjectCompatNotSet   = 40408
	codeSubjectModeNotSet     = 40409
	codeInvalidSchema         = 42201
	codeInvalidVersion        = 42202
	codeInvalidCompatibility  = 42203
	codeInvalidMode           = 42204
	codeOperationNotPermitted = 42205
	codeReferenceExists       = 42206
	codeIDDoesNotMatch        = 42207
	codeInvalidSubject        = 42208
	codeSchemaTooLarge        = 42209
	codeInvalidRuleSet        = 42210
	codeStoreError            = 50001
	codeOperationTimeout      = 50002
	internalErrorMessage      = "internal error"
	statusUnprocessable       = http.StatusUnprocessableEntity
	codeNotFoundRoute         = http.StatusNotFound
	codeMethodNotAllowed      = http.StatusMethodNotAllowed
	codeUnsupportedMediaType  = http.StatusUnsupportedMediaType
	codeBadRequest            = http.StatusBadRequest
)

// apiError is an error of the dialect itself, with its status and error_code: a request the
// adapter refuses before any use case runs (an unknown route, a malformed body, an invalid
// version or compatibility level).
type apiError struct {
	status  int
	code    int
	message string
}

// Error implements error.
func (e *apiError) Error() string { return e.message }

func newError(status, code int, format string, args ...any) error {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// unprocessable is a 422 error with the given error_code.
func unprocessable(code int, format string, args ...any) error {
	return newError(statusUnprocessable, code, format, args...)
}

// errorFor maps an error to its HTTP status and error_code: the one place where registry codes
// become the Confluent dialect. Unknown errors are internal: 500 with 50001.
func (h *handler) errorFor(err error) (status, code int) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status, ae.code
	}
	entity := registry.ErrorEntity(err)
	switch registry.ErrorCode(err) {
	case registry.CodeNotFound:
		switch entity {
		case registry.EntityVersion:
			return http.StatusNotFound, codeVersionNotFound
		case registry.EntityContent:
			return http.StatusNotFound, codeSchemaNotFound
		case registry.EntityConfig:
			return http.StatusNotFound, codeSubjectCompatNotSet
		case registry.EntityMode:
			return http.StatusNotFound, codeSubjectModeNotSet
		}
		return http.StatusNotFound, codeSubjectNotFound
	case registry.CodeDeleted:
		if entity == registry.EntityVersion {
			return http.StatusNotFound, codeVersionSoftDeleted
		}
		return http.StatusNotFound, codeSubjectSoftDeleted
	case registry.CodeNotDeleted:
		if entity == registry.EntityVersion {
			return http.StatusNotFound, codeVersionNotSoftDeleted
		}
		return http.StatusNotFound, codeSubjectNotSoftDeleted
	case registry.CodeIncompatible:
		return http.StatusConflict, h.cfg.IncompatibleErrorCode
	case registry.CodeInvalid:
		return statusUnprocessable, codeInvalidSchema
	case registry.CodeReferenced:
		return statusUnprocessable, codeReferenceExists
	case registry.CodeNotPermitted, registry.CodeLimitExceeded:
		return statusUnprocessable, codeOperationNotPermitted
	case registry.CodeAlreadyExists:
		return statusUnprocessable, codeIDDoesNotMatch
	case registry.CodeConflict:
		return http.StatusInternalServerError, codeStoreError
	case registry.CodeTimeout:
		return http.StatusInternalServerError, codeOperationTimeout
	}
	return http.StatusInternalServerError, codeStoreError
}

// errorBody is the JSON body of every error answer.
type errorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// writeError answers err. Internal errors are logged with the request ID; their message is
// "internal error".
func (h *handler) writeError(c *call, err error) {
	status, code := h.errorFor(err)
	msg := err.Error()
	var ae *apiError
	if !errors.As(err, &ae) {
		msg = registry.ErrorMessage(err)
	}
	if status >= 500 && registry.ErrorCode(err) == registry.CodeInternal {
		h.log.ErrorContext(c.ctx, "confluent: internal error", "request_id", c.requestID, "route", c.route, "err", err)
		msg = internalErrorMessage
	}
	c.errorCode = code
	h.write(c, status, errorBody{ErrorCode: code, Message: msg})
}
