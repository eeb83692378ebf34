package postgres

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/warroom/warroom/incident"
)

// storeError wraps a database error. One that a later try may not meet is
// KindTransient, so that a hook answers 503 and its sender retries, and a
// job is retried: a serialization failure or deadlock (class 40), a lost
// or refused connection (class 08, a server shutting down, a network
// error), too many connections. An error already of the domain passes
// through as it is.
func storeError(what string, err error) error {
	if err == nil {
		return nil
	}
	var de *incident.Error
	if errors.As(err, &de) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if transient(err) {
		return incident.Errorf(incident.KindTransient, "%s: the PostgreSQL database is unreachable or the write met a concurrent one; try again: %v", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// transient reports whether err is one a retry may not meet.
func transient(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "40") || strings.HasPrefix(pe.Code, "08") ||
			pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &ne) || errors.As(err, &ce) || pgconn.SafeToRetry(err)
}

// uniqueViolation reports whether err is a unique index's refusal.
func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
