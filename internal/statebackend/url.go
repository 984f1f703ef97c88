package statebackend

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// backendURL is a backend URL taken apart as the Pulumi CLI takes it
// (pkg/backend/diy/backend.go, massageBlobPath and translateLegacyS3Params).
type backendURL struct {
	scheme string
	// blobURL is the URL gocloud opens.
	blobURL string
	// bucket is the bucket's name (s3://); prefix the path inside it every
	// key is under ("" or ending in "/").
	bucket, prefix string
	// query is the URL's parameters, as the operator gave them.
	query url.Values
}

// parse reads a file:// or s3:// backend URL. Other self-managed backends
// (gs://, azblob://, postgres://) keep their locks the same way but are not
// what hybridlink supports: the message says which it does.
func parse(raw string) (backendURL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return backendURL{}, fmt.Errorf("backend URL %q: %w", raw, err)
	}
	b := backendURL{scheme: u.Scheme, query: u.Query()}
	switch u.Scheme {
	case "file":
		dir := strings.TrimPrefix(strings.SplitN(raw, "?", 2)[0], "file://")
		if dir == "" {
			return b, fmt.Errorf("backend URL %q names no directory: use file:///absolute/path", raw)
		}
		if dir, err = filepath.Abs(dir); err != nil {
			return b, err
		}
		// As the CLI opens it: temporary files beside the state, not in
		// the system's temporary directory.
		b.blobURL = "file://" + dir + "?no_tmp_dir=true"
	case "s3":
		if u.Host == "" {
			return b, fmt.Errorf("backend URL %q names no bucket: use s3://<bucket>?endpoint=https://s3.oss-<region>.aliyuncs.com&region=<region>", raw)
		}
		b.bucket = u.Host
		if p := strings.Trim(u.Path, "/"); p != "" {
			b.prefix = p + "/"
		}
		q, err := s3Query(u.Query())
		if err != nil {
			return b, fmt.Errorf("backend URL %q: %w", raw, err)
		}
		b.blobURL = (&url.URL{Scheme: "s3", Host: u.Host, RawQuery: q.Encode()}).String()
	default:
		return b, fmt.Errorf("backend URL %q: hybridlink works with file:// and s3:// backends (Alibaba OSS through its S3 API: s3://<bucket>?endpoint=https://s3.oss-<region>.aliyuncs.com&region=<region>)", raw)
	}
	return b, nil
}

// s3Query rewrites an s3:// URL's parameters as the Pulumi CLI v3.274.1
// does before it opens the bucket (translateLegacyS3Params): the AWS SDK
// v1's disableSSL becomes disable_https unless the endpoint has a scheme, a
// scheme-less endpoint gets one, and with an endpoint (a store that is not
// AWS) checksums are calculated only when an operation requires them,
// unless the URL or AWS_REQUEST_CHECKSUM_CALCULATION says otherwise — the
// SDK's default sends aws-chunked uploads that OSS refuses.
func s3Query(q url.Values) (url.Values, error) {
	q = cloneValues(q)
	disableSSL := false
	if v, ok := q["disableSSL"]; ok {
		var err error
		if disableSSL, err = strconv.ParseBool(v[len(v)-1]); err != nil {
			return nil, fmt.Errorf("disableSSL=%q: %w", v[len(v)-1], err)
		}
		q.Del("disableSSL")
		if !strings.Contains(q.Get("endpoint"), "://") {
			q.Set("disable_https", strconv.FormatBool(disableSSL))
		}
	}
	if endpoint := q.Get("endpoint"); endpoint != "" {
		if !strings.Contains(endpoint, "://") {
			scheme := "https"
			if disableSSL {
				scheme = "http"
			}
			q.Set("endpoint", scheme+"://"+endpoint)
		}
		if q.Get("request_checksum_calculation") == "" && os.Getenv("AWS_REQUEST_CHECKSUM_CALCULATION") == "" {
			q.Set("request_checksum_calculation", "when_required")
		}
	}
	return q, nil
}

func cloneValues(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// pathStyle reports whether the URL asks for path-style requests, which
// OSS refuses.
func (b backendURL) pathStyle() bool {
	for _, k := range []string{"s3ForcePathStyle", "use_path_style"} {
		if v, err := strconv.ParseBool(b.query.Get(k)); err == nil && v {
			return true
		}
	}
	return false
}

// FileDir is the directory of a file:// backend.
func FileDir(raw string) (string, bool) {
	u, err := parse(raw)
	if err != nil || u.scheme != "file" {
		return "", false
	}
	dir, _, _ := strings.Cut(strings.TrimPrefix(u.blobURL, "file://"), "?")
	return dir, true
}
