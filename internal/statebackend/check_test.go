package statebackend

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hybridlink/hybridlink/internal/s3test"
)

// srv is the test S3 server (versitygw behind an OSS-like front) of this
// package's tests: one per process, because the Go HTTP client reads the
// proxy and the certificates from the environment once.
var srv *s3test.Server

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

// testMain starts srv and points this process's AWS SDK at it as the
// Pulumi CLI's would be: its credentials, its certificate, its tunnel.
func testMain(m *testing.M) int {
	bin, err := s3test.Binary("../..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "statebackend-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if srv, err = s3test.Start(context.Background(), s3test.Options{Binary: bin, Dir: dir, Versioning: true}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	return m.Run()
}

// bucket creates a bucket for one case.
func bucket(t *testing.T, s *s3test.Server, name string, versioning bool) string {
	t.Helper()
	if err := s.CreateBucket(context.Background(), name, versioning); err != nil {
		t.Fatal(err)
	}
	return name
}

// put writes objects into a bucket as the Pulumi CLI would have.
func put(t *testing.T, s *s3test.Server, bucket string, objects map[string]string) {
	t.Helper()
	for k, v := range objects {
		if _, err := s.Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader(v)}); err != nil {
			t.Fatal(err)
		}
	}
}

// finding runs Check and returns its finding of what, asserting that Check
// only read.
func finding(t *testing.T, s *s3test.Server, url, what string) Finding {
	t.Helper()
	before := len(s.Requests())
	r := Check(context.Background(), url, time.Now())
	for _, req := range s.Requests()[before:] {
		if req.Method != "GET" && req.Method != "HEAD" {
			t.Errorf("backend check sent %s %s%s: it must only read", req.Method, req.Host, req.URI)
		}
	}
	for _, f := range r.Findings {
		if f.Check == what {
			return f
		}
	}
	t.Fatalf("no %s finding in %+v", what, r.Findings)
	return Finding{}
}

func expect(t *testing.T, f Finding, status Status, detail, fix string) {
	t.Helper()
	if f.Status != status || !strings.Contains(f.Detail, detail) || !strings.Contains(f.Fix, fix) {
		t.Errorf("%s: got %s %q (fix %q), want %s with %q (fix with %q)", f.Check, f.Status, f.Detail, f.Fix, status, detail, fix)
	}
	if status != OK && f.Fix == "" {
		t.Errorf("%s: %s without a fix", f.Check, status)
	}
}

const projectMeta = "version: 1\n"

// Each finding of the preflight, on a real S3 server: reachable with the
// credentials or not (and why), the layout, versioning, public access and
// the locks held.
func TestCheck(t *testing.T) {
	s := srv
	t.Run("reachable", func(t *testing.T) {
		b := bucket(t, s, "reach", true)
		expect(t, finding(t, s, s.URL(b), "reachable"), OK, "listed", "")
		expect(t, finding(t, s, s.URL("no-such-bucket"), "reachable"), Problem, "bucket no-such-bucket does not exist", "create it")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
		expect(t, finding(t, s, s.URL(b), "reachable"), Problem, "credentials are refused (SignatureDoesNotMatch)", "AWS_SECRET_ACCESS_KEY")
	})
	t.Run("no-credentials", func(t *testing.T) {
		b := bucket(t, s, "nocreds", true)
		for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
		t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
		expect(t, finding(t, s, s.URL(b), "reachable"), Problem, "no credentials", "AWS_ACCESS_KEY_ID")
	})
	t.Run("endpoint-down", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		url := fmt.Sprintf("s3://down?endpoint=https://%s&region=%s", addr, s3test.Region)
		r := Check(context.Background(), url, time.Now())
		if len(r.Findings) != 1 {
			t.Fatalf("an unreachable endpoint: %+v, want only the reachable finding", r.Findings)
		}
		expect(t, r.Findings[0], Problem, "did not answer", "endpoint")
	})

	t.Run("layout", func(t *testing.T) {
		b := bucket(t, s, "empty", true)
		expect(t, finding(t, s, s.URL(b), "layout"), OK, "empty", "")
		b = bucket(t, s, "project", true)
		put(t, s, b, map[string]string{".pulumi/meta.yaml": projectMeta, ".pulumi/stacks/hybridlink/prod.json": "{}", ".pulumi/stacks/hybridlink/dev.json.gz": ""})
		expect(t, finding(t, s, s.URL(b), "layout"), OK, "project layout (.pulumi/meta.yaml version 1); stacks: hybridlink/dev, hybridlink/prod", "")
		b = bucket(t, s, "legacy", true)
		put(t, s, b, map[string]string{".pulumi/stacks/prod.json": "{}"})
		expect(t, finding(t, s, s.URL(b), "layout"), Problem, "legacy layout (stacks prod directly under .pulumi/stacks/)", "PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR=1 PULUMI_BACKEND_URL='"+s.URL(b)+"' pulumi state upgrade")
		b = bucket(t, s, "mixed", true)
		put(t, s, b, map[string]string{".pulumi/meta.yaml": projectMeta, ".pulumi/stacks/hybridlink/prod.json": "{}", ".pulumi/stacks/dev.json": "{}"})
		expect(t, finding(t, s, s.URL(b), "layout"), Warning, "stack files in the legacy place too (dev)", "pulumi state upgrade")
		b = bucket(t, s, "future", true)
		put(t, s, b, map[string]string{".pulumi/meta.yaml": "version: 2\n"})
		expect(t, finding(t, s, s.URL(b), "layout"), Problem, "version 2, which the Pulumi CLI v3.274.1 does not read", "Pulumi CLI that wrote it")
		// A path in the URL is a prefix inside the bucket, as for the CLI.
		put(t, s, b, map[string]string{"team-a/.pulumi/meta.yaml": projectMeta})
		expect(t, finding(t, s, strings.Replace(s.URL(b), "?", "/team-a?", 1), "layout"), OK, "project layout", "")
	})

	t.Run("versioning", func(t *testing.T) {
		expect(t, finding(t, s, s.URL(bucket(t, s, "versioned", true)), "versioning"), OK, "on", "")
		expect(t, finding(t, s, s.URL(bucket(t, s, "unversioned", false)), "versioning"), Problem, "off", "put-bucket-versioning --bucket unversioned")
		b := bucket(t, s, "suspended", true)
		if _, err := s.Client().PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{Bucket: &b,
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}}); err != nil {
			t.Fatal(err)
		}
		expect(t, finding(t, s, s.URL(b), "versioning"), Problem, "suspended", "put-bucket-versioning --bucket suspended")
	})

	t.Run("public-access", func(t *testing.T) {
		b := bucket(t, s, "private", true)
		expect(t, finding(t, s, s.URL(b), "public access"), OK, "private", "")
		b = bucket(t, s, "public-acl", true)
		// As OSS, which takes ACLs by default.
		if _, err := s.Client().PutBucketOwnershipControls(context.Background(), &s3.PutBucketOwnershipControlsInput{Bucket: &b,
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Client().PutBucketAcl(context.Background(), &s3.PutBucketAclInput{Bucket: &b, ACL: types.BucketCannedACLPublicRead}); err != nil {
			t.Fatal(err)
		}
		expect(t, finding(t, s, s.URL(b), "public access"), Problem, "the ACL grants the group all-users READ", "private")
		b = bucket(t, s, "public-policy", true)
		policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`, b)
		if _, err := s.Client().PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: &b, Policy: &policy}); err != nil {
			t.Fatal(err)
		}
		expect(t, finding(t, s, s.URL(b), "public access"), Problem, "the bucket policy is public", "private")
	})

	t.Run("locks", func(t *testing.T) {
		b := bucket(t, s, "locks", true)
		expect(t, finding(t, s, s.URL(b), "locks"), OK, "none held", "")
		at := time.Now().Add(-90 * time.Minute).UTC().Format(time.RFC3339Nano)
		put(t, s, b, map[string]string{
			".pulumi/meta.yaml": projectMeta,
			".pulumi/locks/organization/hybridlink/prod/0d6f6c2e-6b9a-4c44-9d53-1f6f1f0e7a10.json": `{"pid":4242,"username":"alice","hostname":"laptop-a","timestamp":"` + at + `"}`,
		})
		f := finding(t, s, s.URL(b), "locks")
		expect(t, f, Warning, "1 held: organization/hybridlink/prod by pid 4242, alice@laptop-a, 1h30m0s old (lock 0d6f6c2e-6b9a-4c44-9d53-1f6f1f0e7a10)",
			"hybridlink backend unlock '"+s.URL(b)+"' --lock <lock>")
		if !strings.Contains(f.Fix, "not `pulumi cancel`") {
			t.Errorf("the locks' fix does not warn off pulumi cancel: %s", f.Fix)
		}
	})
}

// A store that serves neither versioning nor the bucket policy's status
// through its S3 API (as Alibaba OSS lists its S3-compatible operations)
// gets "unknown", with where to check them instead — never "ok".
func TestCheckWhatTheS3APIDoesNotServe(t *testing.T) {
	s := srv
	s.Unserve("versioning", "policyStatus")
	defer s.Unserve()
	b := bucket(t, s, "oss-like", false)
	expect(t, finding(t, s, s.URL(b), "versioning"), Unknown, "does not report versioning", "ossutil api get-bucket-versioning --bucket oss-like")
	expect(t, finding(t, s, s.URL(b), "public access"), Unknown, "the ACL is private; the bucket policy's status could not be read", "ossutil api get-bucket-policy-status --bucket oss-like")
}

// URLs that name an OSS endpoint but ask for what OSS refuses are reported
// before any request is sent.
func TestOSSURL(t *testing.T) {
	for raw, want := range map[string]string{
		"s3://b?endpoint=https://s3.oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou&s3ForcePathStyle=true":                       "path-style",
		"s3://b?endpoint=https://s3.oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou&use_path_style=true":                         "path-style",
		"s3://b?endpoint=https://s3.oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou&request_checksum_calculation=when_supported": "aws-chunked",
		"s3://b?endpoint=https://s3.oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou":                                             "",
		"s3://b?endpoint=http://minio.internal:9000&region=us-east-1&s3ForcePathStyle=true":                                      "",
	} {
		u, err := parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		f, bad := ossURL(u)
		if bad != (want != "") || !strings.Contains(f.Detail, want) {
			t.Errorf("%s: %v %q, want a problem naming %q", raw, bad, f.Detail, want)
		}
	}
}

// S3 names the public groups by URI (versitygw, by an ID of its own); the
// log-delivery group is no public.
func TestPublicGrantee(t *testing.T) {
	group := func(uri, id string) *types.Grantee {
		g := &types.Grantee{Type: types.TypeGroup}
		if uri != "" {
			g.URI = aws.String(uri)
		}
		if id != "" {
			g.ID = aws.String(id)
		}
		return g
	}
	for _, c := range []struct {
		g      *types.Grantee
		public bool
	}{
		{group("http://acs.amazonaws.com/groups/global/AllUsers", ""), true},
		{group("http://acs.amazonaws.com/groups/global/AuthenticatedUsers", ""), true},
		{group("", "all-users"), true},
		{group(logDelivery, ""), false},
		{&types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String("owner")}, false},
		{nil, false},
	} {
		if got := publicGrantee(c.g) != ""; got != c.public {
			t.Errorf("%+v: public %v, want %v", c.g, got, c.public)
		}
	}
}
