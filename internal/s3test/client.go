package s3test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Client is an S3 client of the server as its root user, sending
// virtual-hosted-style requests through the front, as a client of OSS does.
func (s *Server) Client() *s3.Client {
	proxy, _ := url.Parse(s.Proxy)
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(s.Endpoint),
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		HTTPClient:   s.HTTPClient(proxy),
		// As the Pulumi CLI sets it for an endpoint: no aws-chunked uploads.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
	})
}

// HTTPClient reaches the endpoint through proxy (nil: directly) and trusts
// its certificate.
func (s *Server) HTTPClient(proxy *url.URL) *http.Client {
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: s.roots, MinVersion: tls.VersionTLS12}}}
}

// CreateBucket creates a private bucket; with versioning it keeps versions
// (Options.Versioning must be set).
func (s *Server) CreateBucket(ctx context.Context, name string, versioning bool) error {
	c := s.Client()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name}); err != nil {
		return fmt.Errorf("creating bucket %s: %w", name, err)
	}
	if !versioning {
		return nil
	}
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &name,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	if err != nil {
		return fmt.Errorf("turning versioning on in bucket %s: %w", name, err)
	}
	return nil
}
