package main

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// applyEnv overrides any key from WARROOM_ + the upper-case key path joined
// by "_": chat.mattermost.token is WARROOM_CHAT_MATTERMOST_TOKEN. Lists are
// comma-separated. A value of the wrong form is a problem naming the
// variable and the key. It returns the key paths it set, with their
// variables, and the WARROOM_ variables that name no key, so that the
// caller can warn about them (they are often typos).
func applyEnv(cfg *Config, environ []string, probs *problems) (set map[string]string, unknown []string) {
	fields := map[string]envField{}
	collectFields(reflect.ValueOf(cfg).Elem(), "WARROOM", "", fields)
	set = map[string]string{}
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
		set[f.key] = name
		if err := setField(f.value, value); err != nil {
			probs.list = append(probs.list, problem{env: name, key: f.key, msg: err.Error()})
		}
	}
	return set, unknown
}

// envField is a config field an environment variable can set.
type envField struct {
	key   string // dotted key path
	value reflect.Value
}

// envSuggestion is "; did you mean WARROOM_...?" for a variable that names
// no key but is close to one, else "".
func envSuggestion(name string) string {
	cfg := defaultConfig()
	fields := map[string]envField{}
	collectFields(reflect.ValueOf(&cfg).Elem(), "WARROOM", "", fields)
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, strings.ToLower(n))
	}
	sort.Strings(names)
	if best, ok := nearest(name, names); ok {
		return "; did you mean " + strings.ToUpper(best) + "?"
	}
	return ""
}

// notConfigEnv are WARROOM_ variables with other uses (test harness, CI).
var notConfigEnv = []string{"WARROOM_CACHE"}

func collectFields(v reflect.Value, prefix, key string, out map[string]envField) {
	t := v.Type()
	for i := range t.NumField() {
		tag, inline := yamlName(t.Field(i))
		f := v.Field(i)
		if inline {
			collectFields(f, prefix, key, out)
			continue
		}
		if tag == "" {
			continue
		}
		name, path := prefix+"_"+strings.ToUpper(tag), joinKey(key, tag)
		if f.Kind() == reflect.Struct && !f.Addr().Type().Implements(textUnmarshaler) {
			collectFields(f, name, path, out)
			continue
		}
		out[name] = envField{key: path, value: f}
	}
}

var textUnmarshaler = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()

func setField(f reflect.Value, value string) error {
	if f.CanAddr() && f.Addr().Type().Implements(textUnmarshaler) {
		return f.Addr().Interface().(interface{ UnmarshalText([]byte) error }).UnmarshalText([]byte(value))
	}
	if f.Type() == durationType {
		d, err := time.ParseDuration(value)
		if err != nil {
			return fmt.Errorf("%q is not %s", value, expectedForm(durationType))
		}
		f.SetInt(int64(d))
		return nil
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
