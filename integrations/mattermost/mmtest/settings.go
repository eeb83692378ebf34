package mmtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// parentEnv is this process's environment without Mattermost settings (MM_*), so that
// only the harness configures the server.
func parentEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MM_") {
			env = append(env, kv)
		}
	}
	return env
}

// settings configures the server through environment variables (MM_<SECTION>_<KEY>).
func settings(s *Server, port int, opts Options) []string {
	env := []string{
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
		"MM_SQLSETTINGS_DRIVERNAME=postgres",
		"MM_SQLSETTINGS_DATASOURCE=" + s.DSN,
		"MM_SQLSETTINGS_MAXOPENCONNS=50",
		"MM_SERVICESETTINGS_LISTENADDRESS=127.0.0.1:" + strconv.Itoa(port),
		"MM_SERVICESETTINGS_SITEURL=" + s.URL,
		"MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION=true",
		"MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS=true",
		"MM_SERVICESETTINGS_ENABLECOMMANDS=true",
		"MM_SERVICESETTINGS_ENABLEAPICHANNELDELETION=true",
		// Lets slash commands and buttons call services on loopback.
		"MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS=127.0.0.1 localhost",
		"MM_SERVICESETTINGS_ENABLESECURITYFIXALERT=false",
		"MM_SERVICESETTINGS_ENABLELOCALMODE=false",
		"MM_PLUGINSETTINGS_ENABLE=false",
		"MM_PLUGINSETTINGS_ENABLEMARKETPLACE=false",
		"MM_LOGSETTINGS_ENABLEDIAGNOSTICS=false",
		"MM_LOGSETTINGS_CONSOLELEVEL=INFO",
		"MM_LOGSETTINGS_CONSOLEJSON=false",
		"MM_LOGSETTINGS_ENABLEFILE=false",
		"MM_NOTIFICATIONLOGSETTINGS_ENABLEFILE=false",
		"MM_NOTIFICATIONLOGSETTINGS_ENABLECONSOLE=false",
		"MM_FILESETTINGS_DIRECTORY=" + filepath.Join(s.Dir, "data") + "/",
		"MM_TEAMSETTINGS_ENABLEOPENSERVER=true",
		// The default of 50 members a team is fewer than the people one
		// routing rule may name (NewUsers).
		"MM_TEAMSETTINGS_MAXUSERSPERTEAM=1000",
		"MM_EMAILSETTINGS_SENDEMAILNOTIFICATIONS=false",
		"MM_EMAILSETTINGS_REQUIREEMAILVERIFICATION=false",
		"MM_ANNOUNCEMENTSETTINGS_ADMINNOTICESENABLED=false",
		"MM_ANNOUNCEMENTSETTINGS_USERNOTICESENABLED=false",
		// No background jobs: tests do not need them, and a running job worker holds
		// up shutdown for about 10 s.
		"MM_JOBSETTINGS_RUNJOBS=false",
		"MM_JOBSETTINGS_RUNSCHEDULER=false",
		"MM_RATELIMITSETTINGS_ENABLE=" + strconv.FormatBool(opts.RateLimit),
	}
	if opts.RateLimitPerSec > 0 {
		env = append(env, "MM_RATELIMITSETTINGS_PERSEC="+strconv.Itoa(opts.RateLimitPerSec))
	}
	if opts.RateLimitMaxBurst > 0 {
		env = append(env, "MM_RATELIMITSETTINGS_MAXBURST="+strconv.Itoa(opts.RateLimitMaxBurst))
	}
	return append(env, opts.Env...)
}
