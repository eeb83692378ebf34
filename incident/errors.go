package incident

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that each surface (HTTP, chat, CLI) can answer it
// in its own way from one place.
type Kind string

// The kinds of error warroom distinguishes.
const (
	KindInvalid      Kind = "invalid"      // the caller sent something wrong
	KindNotFound     Kind = "not_found"    // the thing asked for does not exist
	KindConflict     Kind = "conflict"     // the request clashes with the current state
	KindUnauthorized Kind = "unauthorized" // missing or wrong credentials
	KindForbidden    Kind = "forbidden"    // refused whoever asks: a cross-site request, a foreign Host
	KindTooMany      Kind = "too_many"     // too many failed attempts; wait before trying again
	KindTransient    Kind = "transient"    // an outside system failed for now; retry
	KindPermanent    Kind = "permanent"    // an outside system refused; retrying will not help
	KindInternal     Kind = "internal"     // a bug or a broken store
)

// KindUnprocessable is a request well formed that contradicts what was
// sent before: an Idempotency-Key reused for another request.
const KindUnprocessable Kind = "unprocessable"

// Error is warroom's domain error. Message is written for the person who
// caused it: it says what was wrong and, where it can, what to do next.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

// Error implements the error interface. The message already holds the
// cause's text when it was made with Errorf and %w.
func (e *Error) Error() string {
	if e.Message == "" && e.Err != nil {
		return e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind with a formatted message. A %w
// verb in format wraps its argument as the cause.
func Errorf(kind Kind, format string, args ...any) error {
	wrapped := fmt.Errorf(format, args...)
	return &Error{Kind: kind, Message: wrapped.Error(), Err: errors.Unwrap(wrapped)}
}

// ErrorKind returns the kind of the first *Error in err's chain, or
// KindInternal when there is none.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic text for internal errors so that no internals leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal {
		return e.Message
	}
	return "internal error; the details are in warroom's log"
}
