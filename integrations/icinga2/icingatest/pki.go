package icingatest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// NodeName is the instance's Icinga node name: the common name of its API
// certificate and the name of its Endpoint and Zone.
const NodeName = "icingatest"

// ca is a certificate authority made by `icinga2 pki new-ca`, kept in memory.
type ca struct {
	certPEM []byte
	keyPEM  []byte
	cert    *x509.Certificate
	key     any // *rsa.PrivateKey from Icinga's PEM
}

// The CA is made once per test binary: `icinga2 pki new-ca` makes a 4096-bit
// RSA key, which takes a second or more. Its key never reaches an instance's
// directory (an Icinga that holds ca.key acts as the CA and may renew its
// own certificate).
var (
	caMu     sync.Mutex
	sharedCA *ca
)

// theCA returns this process's CA, making it with icinga2 on first use.
func theCA(t testing.TB, bin string) (*ca, error) {
	t.Helper()
	caMu.Lock()
	defer caMu.Unlock()
	if sharedCA != nil {
		return sharedCA, nil
	}
	start := time.Now()
	dir, err := os.MkdirTemp("", "icingatest-ca-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if out, err := runIcinga(bin, dir, "pki", "new-ca"); err != nil {
		return nil, fmt.Errorf("icinga2 pki new-ca: %w\n%s", err, out)
	}
	c := &ca{}
	if c.certPEM, err = os.ReadFile(filepath.Join(dir, "lib", "ca", "ca.crt")); err != nil {
		return nil, fmt.Errorf("icinga2 pki new-ca: %w", err)
	}
	if c.keyPEM, err = os.ReadFile(filepath.Join(dir, "lib", "ca", "ca.key")); err != nil {
		return nil, fmt.Errorf("icinga2 pki new-ca: %w", err)
	}
	if c.cert, err = parseCertPEM(c.certPEM); err != nil {
		return nil, fmt.Errorf("icinga2 pki new-ca: ca.crt: %w", err)
	}
	if c.key, err = parseKeyPEM(c.keyPEM); err != nil {
		return nil, fmt.Errorf("icinga2 pki new-ca: ca.key: %w", err)
	}
	sharedCA = c
	t.Logf("icingatest: made the test CA (%q) with icinga2 pki new-ca in %v; once per test binary",
		c.cert.Subject.CommonName, time.Since(start).Round(time.Millisecond))
	return c, nil
}

// issueGo writes certs/NodeName.{crt,key} and certs/ca.crt into dataDir: a
// certificate signed by the CA with Go, for NodeName, localhost and
// 127.0.0.1, so that a client with only the CA file can reach the API at
// https://127.0.0.1:PORT.
func (c *ca) issueGo(dataDir string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: NodeName},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(397 * 24 * time.Hour), // Icinga renews certificates expiring within 30 days
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{NodeName, "localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		return err
	}
	certs := filepath.Join(dataDir, "certs")
	if err := os.MkdirAll(certs, 0o700); err != nil {
		return err
	}
	files := map[string][]byte{
		NodeName + ".crt": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		NodeName + ".key": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		"ca.crt":          c.certPEM,
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(certs, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// issueIcinga writes the same files as issueGo, but made the way `icinga2 api
// setup` makes them (`icinga2 pki new-cert` and `pki sign-csr`): the
// certificate names only DNS:NodeName, as real Icinga certificates do.
func (c *ca) issueIcinga(bin, dataDir string) error {
	work, err := os.MkdirTemp("", "icingatest-sign-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	caDir := filepath.Join(work, "lib", "ca")
	if err := os.MkdirAll(caDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(caDir, "ca.crt"), c.certPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(caDir, "ca.key"), c.keyPEM, 0o600); err != nil {
		return err
	}
	certs := filepath.Join(dataDir, "certs")
	if err := os.MkdirAll(certs, 0o700); err != nil {
		return err
	}
	key, csr, crt := filepath.Join(certs, NodeName+".key"), filepath.Join(work, NodeName+".csr"), filepath.Join(certs, NodeName+".crt")
	if out, err := runIcinga(bin, work, "pki", "new-cert", "--cn", NodeName, "--key", key, "--csr", csr); err != nil {
		return fmt.Errorf("icinga2 pki new-cert: %w\n%s", err, out)
	}
	if out, err := runIcinga(bin, work, "pki", "sign-csr", "--csr", csr, "--cert", crt); err != nil {
		return fmt.Errorf("icinga2 pki sign-csr: %w\n%s", err, out)
	}
	return os.WriteFile(filepath.Join(certs, "ca.crt"), c.certPEM, 0o600)
}

// runIcinga runs an icinga2 CLI command with every path under dir (see
// defines), so that it touches nothing of the system's Icinga 2.
func runIcinga(bin, dir string, args ...string) ([]byte, error) {
	defs, err := defines(dir)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, append(args, defs...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.Bytes(), err
}

func parseCertPEM(b []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

func parseKeyPEM(b []byte) (any, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM key")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		return x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(block.Bytes)
	}
	return nil, fmt.Errorf("unexpected PEM block %q", block.Type)
}
