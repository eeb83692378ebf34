package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// deployDir holds the deploy examples the tests below check.
const deployDir = "../../docs/deploy"

// unitFile is a systemd unit: section -> key -> values in order.
type unitFile map[string]map[string][]string

func parseUnit(t *testing.T, path string) unitFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u, section := unitFile{}, ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			u[section] = map[string][]string{}
		case section == "":
			t.Fatalf("%s:%d: %q outside a section", path, n, line)
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s:%d: %q is not key=value", path, n, line)
			}
			u[section][k] = append(u[section][k], v)
		}
	}
	return u
}

func (u unitFile) one(t *testing.T, section, key string) string {
	t.Helper()
	v := u[section][key]
	if len(v) != 1 {
		t.Fatalf("[%s] %s: %q; want one value", section, key, v)
	}
	return v[0]
}

// testSecret stands in for a secret the deployment provides.
func testSecret(name string) string { return "test-" + strings.ToLower(name) + "-0123456789abcdef" }

// testEnv is the environment a deployment gives warroom: its plain values
// as they are, each secret replaced by a test value (a DSN keeps its form).
func testEnv(plain map[string]string, secretNames []string) []string {
	var env []string
	for k, v := range plain {
		env = append(env, k+"="+v)
	}
	for _, k := range secretNames {
		v := testSecret(k)
		if k == "WARROOM_STORE_DSN" {
			v = "postgres://warroom:" + v + "@db.example.com:5432/warroom?sslmode=verify-full"
		}
		env = append(env, k+"="+v)
	}
	return env
}

// loadDeployConfig loads a deployment's config file with warroom's own
// loader and the deployment's environment, and checks what every HA
// deployment must hold: postgres, a listener beyond loopback, no secret in
// the file itself.
func loadDeployConfig(t *testing.T, path string, env []string) Config {
	t.Helper()
	cfg, unknown, err := loadConfig(path, env)
	if err != nil {
		t.Fatalf("the deployment's config is refused: %v", err)
	}
	if len(unknown) > 0 {
		t.Errorf("the deployment sets variables that name no key: %v", unknown)
	}
	if cfg.Store.Driver != driverPostgres || !strings.HasPrefix(cfg.Store.DSN, "postgres://") {
		t.Errorf("store %s %q; want postgres", cfg.Store.Driver, maskDSN(cfg.Store.DSN))
	}
	if isLoopback(cfg.Listen) {
		t.Errorf("listen %s: a load balancer cannot reach a loopback listener", cfg.Listen)
	}
	// The file alone carries no secret.
	bare, _, _ := loadConfig(path, []string{"WARROOM_API_TOKEN=x-unrelated-0123456789"})
	for _, s := range bare.secrets() {
		if s.value != "" && s.key != "api.token" {
			t.Errorf("%s: %s is in the file in plain text; take it from the environment", path, s.key)
		}
	}
	if _, pw := urlPassword(bare.Store.DSN); pw {
		t.Errorf("%s: store.dsn carries a password; take it from WARROOM_STORE_DSN", path)
	}
	return cfg
}

func urlPassword(dsn string) (string, bool) {
	_, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return "", false
	}
	userinfo, _, ok := strings.Cut(rest, "@")
	if !ok {
		return "", false
	}
	_, pw, ok := strings.Cut(userinfo, ":")
	return pw, ok
}

func listenPort(t *testing.T, cfg Config) int {
	t.Helper()
	_, p, err := net.SplitHostPort(cfg.Listen)
	n, err2 := strconv.Atoi(p)
	if err != nil || err2 != nil {
		t.Fatalf("listen %q has no port", cfg.Listen)
	}
	return n
}

// The systemd unit runs warroom as its own user, with its secrets from an
// EnvironmentFile, restarts it on failure, is hardened, and its config
// (with the env file's variables) is one warroom accepts: postgres, no
// secret in the file or the unit.
func TestDeploySystemdUnit(t *testing.T) {
	dir := filepath.Join(deployDir, "systemd")
	unitPath := filepath.Join(dir, "warroom.service")
	u := parseUnit(t, unitPath)
	for _, s := range []string{"Unit", "Service", "Install"} {
		if u[s] == nil {
			t.Fatalf("no [%s] section", s)
		}
	}
	if user := u.one(t, "Service", "User"); user == "" || user == "root" {
		t.Errorf("User=%q; want a dedicated user", user)
	}
	if r := u.one(t, "Service", "Restart"); r != "on-failure" {
		t.Errorf("Restart=%s; want on-failure", r)
	}
	for key, want := range map[string]string{"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
		"PrivateTmp": "yes", "PrivateDevices": "yes", "RestrictSUIDSGID": "yes", "CapabilityBoundingSet": ""} {
		if got := u.one(t, "Service", key); got != want {
			t.Errorf("%s=%q; want %q", key, got, want)
		}
	}
	if _, ok := u["Service"]["Environment"]; ok {
		t.Error("the unit sets Environment=: secrets belong in the EnvironmentFile, not in the unit")
	}
	args := strings.Fields(u.one(t, "Service", "ExecStart"))
	if len(args) != 4 || filepath.Base(args[0]) != "warroom" || args[1] != "serve" || args[2] != "-config" {
		t.Fatalf("ExecStart=%q; want warroom serve -config FILE", args)
	}
	cfgPath := filepath.Join(dir, filepath.Base(args[3]))
	envFile := u.one(t, "Service", "EnvironmentFile")
	envPath := filepath.Join(dir, filepath.Base(envFile)+".example")
	raw, err := os.ReadFile(envPath)
	if err != nil {
		t.Fatalf("EnvironmentFile=%s: no example %s: %v", envFile, envPath, err)
	}
	var names []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, _, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(k, "WARROOM_") {
			t.Errorf("%s: %q is not WARROOM_KEY=value", envPath, line)
		}
		names = append(names, k)
	}
	cfg := loadDeployConfig(t, cfgPath, testEnv(nil, names))
	if cfg.API.Token == "" {
		t.Error("api.token is not set from the EnvironmentFile")
	}
	for _, s := range cfg.secrets() {
		if s.value != "" && bytes.Contains(mustRead(t, unitPath), []byte(s.value)) {
			t.Errorf("the unit holds the value of %s", s.key)
		}
	}

	// systemd's own reading of the unit, where systemd is installed: any
	// complaint (an unknown or misspelt key, a bad value) fails.
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is not installed: the unit was checked by parsing only")
		return
	}
	tmp := filepath.Join(t.TempDir(), "warroom.service")
	self, _ := os.Executable() // verify wants ExecStart to exist
	body := strings.ReplaceAll(string(mustRead(t, unitPath)), args[0], self)
	if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", tmp).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fields of the Kubernetes objects the test checks, and no more.
type (
	k8sObject struct {
		Kind     string `yaml:"kind"`
		Metadata struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
		Data map[string]string `yaml:"data"` // ConfigMap
		Spec struct {
			Replicas *int         `yaml:"replicas"` // Deployment
			Selector k8sSelector  `yaml:"selector"` // Deployment, PDB; Service: the labels themselves
			Template k8sPodTmpl   `yaml:"template"`
			Ports    []k8sSvcPort `yaml:"ports"` // Service
			MinAvail *int         `yaml:"minAvailable"`
		} `yaml:"spec"`
	}
	k8sSelector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
		Labels      map[string]string `yaml:",inline"`
	}
	k8sPodTmpl struct {
		Metadata struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec struct {
			Containers []k8sContainer `yaml:"containers"`
			Volumes    []struct {
				Name      string `yaml:"name"`
				ConfigMap *struct {
					Name string `yaml:"name"`
				} `yaml:"configMap"`
			} `yaml:"volumes"`
		} `yaml:"spec"`
	}
	k8sContainer struct {
		Args  []string `yaml:"args"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		Env []struct {
			Name      string  `yaml:"name"`
			Value     *string `yaml:"value"`
			ValueFrom *struct {
				SecretKeyRef *struct {
					Name string `yaml:"name"`
					Key  string `yaml:"key"`
				} `yaml:"secretKeyRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
		LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
		Resources      struct {
			Requests map[string]string `yaml:"requests"`
			Limits   map[string]string `yaml:"limits"`
		} `yaml:"resources"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
	}
	k8sProbe struct {
		HTTPGet *struct {
			Path string    `yaml:"path"`
			Port yaml.Node `yaml:"port"` // a number or a port's name
		} `yaml:"httpGet"`
	}
	k8sSvcPort struct {
		Port       int       `yaml:"port"`
		TargetPort yaml.Node `yaml:"targetPort"`
	}
)

// port resolves a probe's or a Service's port (a number or the name of a
// container port) to its number.
func (c k8sContainer) port(t *testing.T, n yaml.Node) int {
	t.Helper()
	if p, err := strconv.Atoi(n.Value); err == nil {
		return p
	}
	for _, p := range c.Ports {
		if p.Name == n.Value {
			return p.ContainerPort
		}
	}
	t.Fatalf("port %q is not a port of the container", n.Value)
	return 0
}

// The Kubernetes example runs at least two replicas behind a Service, with
// readiness on /readyz and liveness on /healthz at the port warroom listens
// on, a PodDisruptionBudget, resources, and its config from a ConfigMap
// file plus secrets from a Secret: a config warroom's loader accepts, on
// postgres, with no secret in the ConfigMap.
func TestDeployKubernetes(t *testing.T) {
	path := filepath.Join(deployDir, "kubernetes", "warroom.yaml")
	dec := yaml.NewDecoder(bytes.NewReader(mustRead(t, path)))
	byKind := map[string][]k8sObject{}
	for {
		var o k8sObject
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		byKind[o.Kind] = append(byKind[o.Kind], o)
	}
	for _, k := range []string{"ConfigMap", "Deployment", "Service", "PodDisruptionBudget"} {
		if len(byKind[k]) != 1 {
			t.Fatalf("%d %s objects; want one", len(byKind[k]), k)
		}
	}
	if n := len(byKind["Secret"]); n > 0 {
		t.Errorf("%d Secret objects in the example: secrets are made with kubectl, never kept in the file", n)
	}
	dep, svc, pdb, cm := byKind["Deployment"][0], byKind["Service"][0], byKind["PodDisruptionBudget"][0], byKind["ConfigMap"][0]
	if dep.Spec.Replicas == nil || *dep.Spec.Replicas < 2 {
		t.Errorf("replicas %v; want at least 2", dep.Spec.Replicas)
	}
	pods := dep.Spec.Template.Metadata.Labels
	for what, sel := range map[string]map[string]string{"deployment": dep.Spec.Selector.MatchLabels,
		"service": svc.Spec.Selector.Labels, "pdb": pdb.Spec.Selector.MatchLabels} {
		if len(sel) == 0 {
			t.Errorf("%s selects nothing", what)
		}
		for k, v := range sel {
			if pods[k] != v {
				t.Errorf("%s selects %s=%s, which the pods do not carry (%v)", what, k, v, pods)
			}
		}
	}
	if pdb.Spec.MinAvail == nil || *pdb.Spec.MinAvail < 1 || *pdb.Spec.MinAvail >= *dep.Spec.Replicas {
		t.Errorf("PodDisruptionBudget minAvailable %v; want at least 1 and below the replicas", pdb.Spec.MinAvail)
	}
	if len(dep.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("%d containers; want warroom alone", len(dep.Spec.Template.Spec.Containers))
	}
	c := dep.Spec.Template.Spec.Containers[0]
	if c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" || c.Resources.Limits["memory"] == "" {
		t.Errorf("resources %+v; want cpu and memory requests and a memory limit", c.Resources)
	}

	// The config file: the ConfigMap's key mounted where -config points.
	if len(c.Args) != 3 || c.Args[0] != "serve" || c.Args[1] != "-config" {
		t.Fatalf("args %q; want serve -config FILE", c.Args)
	}
	var mounted string
	for _, m := range c.VolumeMounts {
		for _, v := range dep.Spec.Template.Spec.Volumes {
			if v.Name == m.Name && v.ConfigMap != nil && v.ConfigMap.Name == cm.Metadata.Name && filepath.Dir(c.Args[2]) == m.MountPath {
				mounted = filepath.Base(c.Args[2])
			}
		}
	}
	body, ok := cm.Data[mounted]
	if !ok {
		t.Fatalf("-config %s is not a key of the ConfigMap %s mounted at %s", c.Args[2], cm.Metadata.Name, filepath.Dir(c.Args[2]))
	}
	plain, secretNames := map[string]string{}, []string(nil)
	for _, e := range c.Env {
		switch {
		case e.Value != nil:
			plain[e.Name] = *e.Value
		case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
			secretNames = append(secretNames, e.Name)
		default:
			t.Errorf("env %s: neither a value nor a secretKeyRef", e.Name)
		}
	}
	cfgPath := filepath.Join(t.TempDir(), mounted)
	if err := os.WriteFile(cfgPath, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := loadDeployConfig(t, cfgPath, testEnv(plain, secretNames))
	secretKeys := map[string]bool{"WARROOM_STORE_DSN": true}
	for _, s := range cfg.secrets() {
		secretKeys[envName(s.key)] = true
	}
	for k := range plain {
		if secretKeys[k] {
			t.Errorf("env %s is a secret given in plain text; take it from a secretKeyRef", k)
		}
	}
	if cfg.API.Token == "" {
		t.Error("api.token is not set from the Secret")
	}

	// Probes and the Service reach the port warroom listens on, at the
	// endpoints warroom serves.
	port := listenPort(t, cfg)
	for name, p := range map[string]*k8sProbe{"/readyz": c.ReadinessProbe, "/healthz": c.LivenessProbe} {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("no httpGet probe for %s", name)
			continue
		}
		if p.HTTPGet.Path != name || c.port(t, p.HTTPGet.Port) != port {
			t.Errorf("probe %s:%d; want %s:%d", p.HTTPGet.Path, c.port(t, p.HTTPGet.Port), name, port)
		}
	}
	if len(svc.Spec.Ports) != 1 || c.port(t, svc.Spec.Ports[0].TargetPort) != port {
		t.Errorf("Service ports %+v; want one to port %d", svc.Spec.Ports, port)
	}
	h := startHarness(t, testConfig(t))
	for _, p := range []string{c.ReadinessProbe.HTTPGet.Path, c.LivenessProbe.HTTPGet.Path} {
		if code, body := h.do("GET", p, nil, nil); code != 200 {
			t.Errorf("warroom answers the probe %s with %d %s", p, code, body)
		}
	}
}
