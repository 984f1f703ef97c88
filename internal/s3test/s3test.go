// Package s3test runs an S3-compatible object store on loopback for the
// tests and benchmarks of hybridlink's shared backends: versitygw (built by
// ./test.sh into .cache/bin) with its posix backend in a temporary
// directory, behind a front that refuses what Alibaba OSS refuses.
//
// versitygw checks every request's SigV4 signature. The front refuses, as
// OSS does ("Compatibility with Amazon S3"; error 0017-00000804):
//
//   - path-style requests (Host is the endpoint itself and the path starts
//     with the bucket): OSS serves only virtual-hosted ones, whose Host is
//     <bucket>.<endpoint>;
//   - aws-chunked uploads whose x-amz-content-sha256 is not
//     STREAMING-AWS4-HMAC-SHA256-PAYLOAD, as the AWS SDK's default checksums
//     send them.
//
// Everything else it passes to versitygw unchanged, Host header included,
// so that the signature still holds. The endpoint is
// https://localhost:<port>, with a certificate of its own (Env names it in
// SSL_CERT_FILE): over plain HTTP the AWS SDK sends no aws-chunked uploads,
// so only TLS shows what OSS would refuse. <bucket>.localhost does not
// resolve here, so clients reach virtual-hosted names through a tunnel,
// the HTTPS proxy of Env, which stands in for DNS: it connects every
// CONNECT to the endpoint, and the request arrives exactly as sent.
package s3test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Credentials of the server's root user.
const (
	AccessKey = "hybridlink-test-key"
	SecretKey = "hybridlink-test-secret-0123456789"
)

// Region is the server's region: an OSS region, as in production.
const Region = "cn-hangzhou"

// Binary is where ./test.sh builds versitygw in the repository.
func Binary(repo string) (string, error) {
	bin := filepath.Join(repo, ".cache", "bin", "versitygw")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("the test S3 server is not built (%s is missing): run ./test.sh, which builds versitygw into .cache/bin", bin)
	}
	return bin, nil
}

// Options configure a Server.
type Options struct {
	// Binary is versitygw's path (see Binary).
	Binary string
	// Dir holds the server's objects and its log; it must exist.
	Dir string
	// Versioning lets buckets keep versions (versitygw needs a directory
	// for them); without it PutBucketVersioning fails and every bucket
	// reports versioning off.
	Versioning bool
}

// Request is one request the front received.
type Request struct {
	Method, Host, URI string
	// Refused is the front's reason for refusing it, or "".
	Refused string
}

// Server is a running versitygw behind its front.
type Server struct {
	// Endpoint is the URL of the S3 API: https://localhost:<port>.
	Endpoint string
	// Proxy is the tunnel to the endpoint, for HTTPS_PROXY.
	Proxy string
	// CAFile is the PEM certificate the endpoint serves, for
	// SSL_CERT_FILE and AWS_CA_BUNDLE.
	CAFile string

	unserved []string
	gw       *exec.Cmd
	gwDone   chan error
	gwAddr   string
	endpoint string // host:port of the endpoint
	front    *http.Server
	tunnel   *http.Server
	log      string
	mu       sync.Mutex
	reqs     []Request
	forward  *http.Transport
	roots    *x509.CertPool
}

// Start starts versitygw and its front; Close stops both.
func Start(ctx context.Context, o Options) (*Server, error) {
	frontLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	tunnelLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		frontLn.Close()
		return nil, err
	}
	port := frontLn.Addr().(*net.TCPAddr).Port
	s := &Server{
		Endpoint: fmt.Sprintf("https://localhost:%d", port),
		Proxy:    "http://" + tunnelLn.Addr().String(),
		CAFile:   filepath.Join(o.Dir, "ca.pem"),
		endpoint: fmt.Sprintf("localhost:%d", port),
		log:      filepath.Join(o.Dir, "versitygw.log"),
		forward:  &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 16},
	}
	cert, err := s.makeCertificate()
	if err != nil {
		frontLn.Close()
		tunnelLn.Close()
		return nil, err
	}
	if err := s.startGateway(ctx, o); err != nil {
		frontLn.Close()
		tunnelLn.Close()
		return nil, err
	}
	s.front = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	s.tunnel = &http.Server{Handler: http.HandlerFunc(s.connect), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.front.ServeTLS(frontLn, "", "") }()
	go func() { _ = s.tunnel.Serve(tunnelLn) }()
	return s, nil
}

// makeCertificate makes the endpoint's self-signed certificate, for
// localhost and every <bucket>.localhost, and writes it to CAFile.
func (s *Server) makeCertificate() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "hybridlink test S3 server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		DNSNames:              []string{"localhost", "*.localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	s.roots = x509.NewCertPool()
	s.roots.AddCert(leaf)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(s.CAFile, pemBytes, 0o600); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// connect tunnels a client's CONNECT to the endpoint, whatever name of it
// (<bucket>.localhost) the client asks for; it connects nowhere else.
func (s *Server) connect(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect || !s.ownHost(r.Host) {
		http.Error(w, "the test S3 server's tunnel connects only to its endpoint", http.StatusForbidden)
		return
	}
	up, err := net.Dial("tcp", "127.0.0.1:"+strings.TrimPrefix(s.endpoint, "localhost:"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "no hijacking", http.StatusInternalServerError)
		return
	}
	down, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	_, _ = down.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		// What the client sent after CONNECT, already read, first.
		if n := buf.Reader.Buffered(); n > 0 {
			b, _ := buf.Reader.Peek(n)
			_, _ = up.Write(b)
		}
		_, _ = io.Copy(up, down)
		up.Close()
	}()
	go func() {
		_, _ = io.Copy(down, up)
		down.Close()
	}()
}

// startGateway starts versitygw on a free loopback port and waits until it
// answers.
func (s *Server) startGateway(ctx context.Context, o Options) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.gwAddr = ln.Addr().String()
	ln.Close()
	data := filepath.Join(o.Dir, "objects")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	args := []string{"--port", s.gwAddr, "--region", Region, "--virtual-domain", s.endpoint, "--quiet", "posix"}
	if o.Versioning {
		versions := filepath.Join(o.Dir, "versions")
		if err := os.MkdirAll(versions, 0o700); err != nil {
			return err
		}
		args = append(args, "--versioning-dir", versions)
	}
	args = append(args, data)
	logFile, err := os.Create(s.log)
	if err != nil {
		return err
	}
	defer logFile.Close()
	s.gw = exec.Command(o.Binary, args...)
	s.gw.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+AccessKey, "ROOT_SECRET_KEY="+SecretKey)
	s.gw.Stdout, s.gw.Stderr = logFile, logFile
	if err := s.gw.Start(); err != nil {
		return fmt.Errorf("starting versitygw: %w", err)
	}
	s.gwDone = make(chan error, 1)
	go func() { s.gwDone <- s.gw.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.gwAddr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case err := <-s.gwDone:
			return fmt.Errorf("versitygw ended at start (%v): %s", err, s.Log())
		case <-ctx.Done():
			_ = s.gw.Process.Kill()
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = s.gw.Process.Kill()
			return fmt.Errorf("versitygw did not listen on %s within 30 s: %s", s.gwAddr, s.Log())
		}
	}
}

// Log is what versitygw wrote.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.log)
	return string(b)
}

// Close stops the front and versitygw.
func (s *Server) Close() error {
	err := errors.Join(s.front.Close(), s.tunnel.Close())
	s.forward.CloseIdleConnections()
	_ = s.gw.Process.Kill()
	<-s.gwDone
	return err
}

// URL is the backend URL of a bucket, as an operator writes it for OSS
// (no path-style parameter); extra parameters are appended as given.
func (s *Server) URL(bucket string, extra ...string) string {
	u := fmt.Sprintf("s3://%s?endpoint=%s&region=%s", bucket, s.Endpoint, Region)
	for _, e := range extra {
		u += "&" + e
	}
	return u
}

// Env is the environment under which a client reaches the server with the
// root user's credentials: the AWS variables the Pulumi CLI reads, and
// Reach.
func (s *Server) Env() []string {
	return append([]string{"AWS_ACCESS_KEY_ID=" + AccessKey, "AWS_SECRET_ACCESS_KEY=" + SecretKey}, s.Reach()...)
}

// Reach is the environment under which a client reaches the server at
// all: the endpoint's certificate, and the tunnel that stands in for
// <bucket>.localhost's DNS. "localhost" itself is never proxied (Go's
// ProxyFromEnvironment), so path-style requests reach the endpoint
// directly.
func (s *Server) Reach() []string {
	return []string{
		"SSL_CERT_FILE=" + s.CAFile,
		// The AWS SDK's own setting, which wins over SSL_CERT_FILE.
		"AWS_CA_BUNDLE=" + s.CAFile,
		"HTTPS_PROXY=" + s.Proxy,
		"https_proxy=" + s.Proxy,
		"NO_PROXY=",
		"no_proxy=",
	}
}

// Unserve makes the front answer 501 NotImplemented to the bucket
// subresources named (the query's key, e.g. "versioning",
// "policyStatus"), as a store that does not serve them through its S3 API:
// Alibaba OSS lists only some bucket operations as S3-compatible. With no
// names, the front serves everything again.
func (s *Server) Unserve(subresources ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unserved = subresources
}

// Requests are the requests the front has received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// serve refuses what OSS refuses and forwards the rest to versitygw.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// The path and query exactly as sent: SigV4 signs the encoded path,
	// which a decode and re-encode could change.
	uri := r.RequestURI
	reason, code, status := refusal(r, uri)
	s.mu.Lock()
	if reason == "" && r.URL.Path == "/" {
		for _, sub := range s.unserved {
			if r.URL.Query().Has(sub) {
				reason, code, status = "this store does not serve ?"+sub+" through its S3 API", "NotImplemented", http.StatusNotImplemented
			}
		}
	}
	s.reqs = append(s.reqs, Request{Method: r.Method, Host: r.Host, URI: uri, Refused: reason})
	s.mu.Unlock()
	if reason != "" {
		writeError(w, status, code, reason, r.Host)
		return
	}
	if !s.ownHost(r.Host) {
		// Only the server is ever reached through the front.
		writeError(w, http.StatusBadGateway, "NotThisServer", "the test S3 front forwards only to its own server", r.Host)
		return
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+s.gwAddr+uri, r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidURI", err.Error(), r.Host)
		return
	}
	out.Host = r.Host
	out.ContentLength = r.ContentLength
	out.TransferEncoding = r.TransferEncoding
	for k, v := range r.Header {
		if !hopByHop(k) {
			out.Header[k] = v
		}
	}
	resp, err := s.forward.RoundTrip(out)
	if err != nil {
		writeError(w, http.StatusBadGateway, "ServerUnreachable", err.Error(), r.Host)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		if !hopByHop(k) {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// ownHost reports whether host is the endpoint's or a bucket under it.
func (s *Server) ownHost(host string) bool {
	return host == s.endpoint || strings.HasSuffix(host, "."+s.endpoint)
}

// refusal is why OSS would refuse r, with its error code and status, or "".
func refusal(r *http.Request, uri string) (reason, code string, status int) {
	host, _, _ := strings.Cut(r.Host, ":")
	path, _, _ := strings.Cut(uri, "?")
	if host == "localhost" && path != "/" {
		// OSS: "Path-style requests are denied."
		return "path-style request: OSS serves only virtual-hosted-style requests (Host: <bucket>.<endpoint>)", "AccessDenied", http.StatusForbidden
	}
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") &&
		r.Header.Get("X-Amz-Content-Sha256") != "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" {
		// OSS error 0017-00000804.
		return "aws-chunked encoding is not supported with the specified x-amz-content-sha256 value.", "InvalidArgument", http.StatusBadRequest
	}
	return "", "", 0
}

func writeError(w http.ResponseWriter, status int, code, msg, host string) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>%s</Code><Message>%s</Message><HostId>%s</HostId></Error>", code, xmlEscape(msg), xmlEscape(host))
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// hopByHop reports a header that belongs to one connection, not the
// request (RFC 9110, section 7.6.1).
func hopByHop(h string) bool {
	switch http.CanonicalHeaderKey(h) {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}
