package alertmanager

import "time"

// Config is sources.alertmanager in warroom's config.
type Config struct {
	// Token is the bearer token POST /hooks/alertmanager requires (in
	// Alertmanager: webhook_configs[].http_config.authorization.credentials);
	// empty: the hook is off.
	Token string `yaml:"token"`
	// URL is Alertmanager's own address (http://alertmanager:9093), for
	// silences made from chat; empty: the silence commands are off and say so.
	URL string `yaml:"url"`
	// APIToken is sent as a bearer token to Alertmanager's API (a proxy in
	// front of it, or web.config's authorization); or use APIUser and
	// APIPassword for basic auth. Both empty: no auth.
	APIToken    string `yaml:"api_token"`
	APIUser     string `yaml:"api_user"`
	APIPassword string `yaml:"api_password"`
	// SilencePoll is how often Alertmanager's silences are read, to post
	// those made elsewhere that match a live incident; 0 means 30s.
	SilencePoll time.Duration `yaml:"silence_poll"`
}
