package main

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// applyEnv overrides any key from WARROOM_ + the upper-case key path joined
// by "_": chat.mattermost.token is WARROOM_CHAT_MATTERMOST_TOKEN. Lists are
// comma-separated. WARROOM_ variables that name no key are returned so that
// the caller can warn about them (they are often typos).
func applyEnv(cfg *Config, environ []string) ([]string, error) {
	fields := map[string]reflect.Value{}
	collectFields(reflect.ValueOf(cfg).Elem(), "WARROOM", fields)
	var unknown []string
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, "WARROOM_") {
			continue
		}
		f, known := fields[name]
		if !known {
			if !oneOf(name, notConfigEnv...) {
				unknown = append(unknown, name)
			}
			continue
		}
		if err := setField(f, value); err != nil {
			return unknown, fmt.Errorf("environment variable %s: %w", name, err)
		}
	}
	return unknown, nil
}

// notConfigEnv are WARROOM_ variables with other uses (test harness, CI).
var notConfigEnv = []string{"WARROOM_CACHE"}

func collectFields(v reflect.Value, prefix string, out map[string]reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + "_" + strings.ToUpper(tag)
		f := v.Field(i)
		if f.Kind() == reflect.Struct && !f.Addr().Type().Implements(textUnmarshaler) {
			collectFields(f, name, out)
			continue
		}
		out[name] = f
	}
}

var textUnmarshaler = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()

func setField(f reflect.Value, value string) error {
	if f.CanAddr() && f.Addr().Type().Implements(textUnmarshaler) {
		return f.Addr().Interface().(interface{ UnmarshalText([]byte) error }).UnmarshalText([]byte(value))
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(value)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", value)
		}
		f.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("%q is not true or false", value)
		}
		f.SetBool(b)
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("is a list of rules; set it in the config file")
		}
		var items []string
		for _, s := range strings.Split(value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		f.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("cannot be set from the environment")
	}
	return nil
}
