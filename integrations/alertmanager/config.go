package alertmanager

// Config is sources.alertmanager in warroom's config.
type Config struct {
	// Token is the bearer token POST /hooks/alertmanager requires (in
	// Alertmanager: webhook_configs[].http_config.authorization.credentials);
	// empty: the hook is off.
	Token string `yaml:"token"`
}
