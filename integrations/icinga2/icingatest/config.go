package icingatest

import (
	"fmt"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// Host and Service name the one host and the one service of every instance:
// the service's full name is Host + "!" + Service.
const (
	Host    = "web1"
	Service = "http"
)

// UserPermissions are the permissions of the ApiUser in Server.User: events
// of the types an incident tool follows, the actions it takes (and
// process-check-result, to feed results as a passive check would), and
// object queries for the resync after a reconnect.
var UserPermissions = []string{
	"events/StateChange",
	"events/CheckResult",
	"events/AcknowledgementSet",
	"events/AcknowledgementCleared",
	"events/Notification",
	"events/DowntimeAdded",
	"events/DowntimeStarted",
	"events/DowntimeRemoved",
	"actions/process-check-result",
	"actions/acknowledge-problem",
	"actions/remove-acknowledgement",
	"actions/schedule-downtime",
	"actions/remove-downtime",
	"objects/query/Downtime",
	"objects/query/Host",
	"objects/query/Service",
}

// Options adjust the instance that StartWith runs.
type Options struct {
	// Config is appended to the generated icinga2.conf, for example more
	// Host or Service objects. The ITL (CheckCommand "dummy" and friends)
	// is included; the monitoring plugins are not installed.
	Config string
	// IcingaCert makes the API certificate with `icinga2 pki new-cert` and
	// `pki sign-csr`, as `icinga2 api setup` does: it then names only
	// DNS:icingatest (NodeName), like a production Icinga's certificate names
	// only its FQDN, and a client that dials https://127.0.0.1:PORT must set
	// tls.Config.ServerName = NodeName. By default the certificate (from the
	// same Icinga-made CA) also names localhost and 127.0.0.1.
	IcingaCert bool
}

// adminUser is the ApiUser the helpers act as, the way Icinga Web 2 or a
// passive check would: it may do anything.
const adminUser = "icingaweb"

// defines are the icinga2 command-line constants that move every directory
// of the instance under dir: nothing is read from or written to /etc/icinga2,
// /var/lib/icinga2, /var/cache/icinga2, /var/log/icinga2 or /run/icinga2.
// The daemon runs as the current user (no privilege drop to nagios).
func defines(dir string) ([]string, error) {
	u, err := user.Current()
	if err != nil {
		return nil, fmt.Errorf("current user: %w", err)
	}
	group := u.Gid
	if g, err := user.LookupGroupId(u.Gid); err == nil {
		group = g.Name
	}
	kv := []string{
		"ConfigDir=" + filepath.Join(dir, "etc"),
		"DataDir=" + filepath.Join(dir, "lib"),
		"LogDir=" + filepath.Join(dir, "log"),
		"CacheDir=" + filepath.Join(dir, "cache"),
		"SpoolDir=" + filepath.Join(dir, "spool"),
		"InitRunDir=" + filepath.Join(dir, "run"),
		"ZonesDir=" + filepath.Join(dir, "etc", "zones.d"),
		"PidPath=" + filepath.Join(dir, "run", "icinga2.pid"),
		"StatePath=" + filepath.Join(dir, "lib", "icinga2.state"),
		"ModAttrPath=" + filepath.Join(dir, "lib", "modified-attributes.conf"),
		"ObjectsPath=" + filepath.Join(dir, "cache", "icinga2.debug"),
		"VarsPath=" + filepath.Join(dir, "cache", "icinga2.vars"),
		"RunAsUser=" + u.Username,
		"RunAsGroup=" + group,
	}
	args := make([]string, 0, 2*len(kv))
	for _, d := range kv {
		args = append(args, "-D", d)
	}
	return args, nil
}

// config is the instance's icinga2.conf.
func config(port int, password, adminPassword string, opts Options) string {
	q := strconv.Quote
	perms := make([]string, len(UserPermissions))
	for i, p := range UserPermissions {
		perms[i] = q(p)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `// A private Icinga 2 for one test, written by icingatest.
const NodeName = %s
const ZoneName = NodeName
const TicketSalt = ""

include <itl> // CheckCommand "dummy"

object IcingaApplication "app" { }
object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }

object ApiListener "api" {
  bind_host = "127.0.0.1"
  bind_port = %d
  ticket_salt = TicketSalt
}

// The code under test.
object ApiUser %s {
  password = %s
  permissions = [ %s ]
}

// The helpers: a person in Icinga Web 2, a passive check.
object ApiUser %s {
  password = %s
  permissions = [ "*" ]
}

object Host %s {
  check_command = "dummy"
  address = "127.0.0.1"
  enable_active_checks = false
  enable_passive_checks = true
  max_check_attempts = 1
}

object Service %s {
  host_name = %s
  check_command = "dummy"
  enable_active_checks = false
  enable_passive_checks = true
  max_check_attempts = 1 // a passive result is HARD at once
}
`, q(NodeName), port, q(userName), q(password), strings.Join(perms, ", "),
		q(adminUser), q(adminPassword), q(Host), q(Service), q(Host))
	if opts.Config != "" {
		b.WriteString("\n// Options.Config\n")
		b.WriteString(opts.Config)
		b.WriteString("\n")
	}
	return b.String()
}

// userName is the ApiUser in Server.User.
const userName = "warroom"
