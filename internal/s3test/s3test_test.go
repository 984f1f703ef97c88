package s3test

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// start starts a server for a test, stopped at its end.
func start(t *testing.T, versioning bool) *Server {
	t.Helper()
	bin, err := Binary("../..")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(t.Context(), Options{Binary: bin, Dir: t.TempDir(), Versioning: versioning})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// client is an S3 client of the server with the given options changed.
func client(s *Server, secret string, change func(*s3.Options)) *s3.Client {
	proxy, _ := url.Parse(s.Proxy)
	o := s3.Options{
		BaseEndpoint: aws.String(s.Endpoint), Region: Region,
		Credentials:                credentials.NewStaticCredentialsProvider(AccessKey, secret, ""),
		HTTPClient:                 s.HTTPClient(proxy),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
	}
	if change != nil {
		change(&o)
	}
	return s3.New(o)
}

func code(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// The server serves virtual-hosted requests, signed, through its front;
// it refuses what OSS refuses: path-style requests, aws-chunked uploads
// with the SDK's default checksums, and requests signed with a wrong key.
func TestServerRefusesWhatOSSRefuses(t *testing.T) {
	s := start(t, false)
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "team-state", false); err != nil {
		t.Fatal(err)
	}
	body := func() *strings.Reader { return strings.NewReader(`{"version":1}`) }
	key := aws.String(".pulumi/probe.json")
	bucket := aws.String("team-state")

	good := s.Client()
	if _, err := good.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: body()}); err != nil {
		t.Fatalf("a virtual-hosted, signed PutObject: %v", err)
	}
	if _, err := good.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key}); err != nil {
		t.Fatalf("a virtual-hosted, signed GetObject: %v", err)
	}
	for _, r := range s.Requests() {
		if r.Host != "team-state."+strings.TrimPrefix(s.Endpoint, "https://") || r.Refused != "" {
			t.Errorf("request %+v: want Host team-state.<endpoint>, not refused", r)
		}
	}

	pathStyle := client(s, SecretKey, func(o *s3.Options) { o.UsePathStyle = true })
	_, err := pathStyle.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
	if code(err) != "AccessDenied" || !strings.Contains(err.Error(), "path-style") {
		t.Errorf("a path-style GetObject: %v, want AccessDenied naming path-style", err)
	}

	chunked := client(s, SecretKey, func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported })
	_, err = chunked.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: struct{ io.Reader }{body()}, ContentLength: aws.Int64(13)})
	if code(err) != "InvalidArgument" || !strings.Contains(err.Error(), "aws-chunked") {
		t.Errorf("a PutObject with the SDK's default checksums: %v, want InvalidArgument naming aws-chunked", err)
	}

	wrong := client(s, "not-the-secret", nil)
	_, err = wrong.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
	if code(err) != "SignatureDoesNotMatch" {
		t.Errorf("a GetObject signed with a wrong secret: %v, want SignatureDoesNotMatch", err)
	}
}
