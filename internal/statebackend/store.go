// Package statebackend reads a Pulumi self-managed ("diy") backend — a
// directory (file://) or an S3-compatible bucket (s3://, Alibaba OSS
// through its S3 API) — where and as the Pulumi CLI v3.274.1 keeps it
// (pkg/backend/diy): the layout, the stacks' checkpoints and the locks;
// and checks a team bucket's settings before it is used (Check). It never
// writes, except RemoveLock, which deletes one lock an operator names.
package statebackend

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// backends
	_ "gocloud.dev/blob/s3blob"   // s3:// backends
	"gocloud.dev/gcerrors"
	"gopkg.in/yaml.v3"
)

// bookkeeping is the directory of the backend that Pulumi owns.
const bookkeeping = ".pulumi"

// Store is an open self-managed backend.
type Store struct {
	// URL is the backend's URL as the operator gave it.
	URL    string
	bucket *blob.Bucket
	// s3 is the S3 client under an s3:// backend, for the bucket's
	// settings; nil otherwise.
	s3         *s3.Client
	bucketName string
}

// Open opens the backend at rawURL as the Pulumi CLI does (the same URL
// parameters, the same defaults for S3-compatible stores, a path in the URL
// as a prefix of every key). It sends no request.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	u, err := parse(rawURL)
	if err != nil {
		return nil, err
	}
	b, err := blob.OpenBucket(ctx, u.blobURL)
	if err != nil {
		return nil, fmt.Errorf("backend %s: %w", rawURL, err)
	}
	if u.prefix != "" {
		b = blob.PrefixedBucket(b, u.prefix)
	}
	s := &Store{URL: rawURL, bucket: b, bucketName: u.bucket}
	if u.scheme == "s3" {
		if !b.As(&s.s3) {
			s.s3 = nil
		}
	}
	return s, nil
}

// Close releases the store.
func (s *Store) Close() error { return s.bucket.Close() }

// Layout is how a backend stores its stacks.
type Layout struct {
	// Version is meta.yaml's: 1 is the project layout
	// (.pulumi/stacks/<project>/<stack>.json); 0 the legacy one
	// (.pulumi/stacks/<stack>.json), which Pulumi CLI 3.257 and later
	// refuse until `pulumi state upgrade`.
	Version int
	// Meta reports whether .pulumi/meta.yaml exists; without it a backend
	// with stacks is legacy, and an empty one gets the project layout on
	// first use.
	Meta bool
	// LegacyStacks are stack files in the legacy place, by name; in a
	// project-layout backend, ones an older CLI wrote since the upgrade.
	LegacyStacks []string
}

// Empty reports whether the backend holds no Pulumi state at all.
func (l Layout) Empty() bool { return !l.Meta && len(l.LegacyStacks) == 0 }

// Legacy reports whether the Pulumi CLI reads the backend in the legacy
// layout.
func (l Layout) Legacy() bool { return l.Version == 0 && !l.Empty() }

// Layout reads the backend's layout, as the CLI's ensurePulumiMeta and
// legacy reference store do.
func (s *Store) Layout(ctx context.Context) (Layout, error) {
	var l Layout
	b, err := s.bucket.ReadAll(ctx, path.Join(bookkeeping, "meta.yaml"))
	switch {
	case gcerrors.Code(err) == gcerrors.NotFound:
	case err != nil:
		return l, s.wrap("reading .pulumi/meta.yaml", err)
	default:
		var meta struct {
			Version *int `yaml:"version"`
		}
		if err := yaml.Unmarshal(b, &meta); err != nil || meta.Version == nil {
			return l, fmt.Errorf("backend %s: .pulumi/meta.yaml is corrupt (%q): restore it from the bucket's versions", s.URL, b)
		}
		l.Meta, l.Version = true, *meta.Version
	}
	it := s.bucket.List(&blob.ListOptions{Prefix: bookkeeping + "/stacks/", Delimiter: "/"})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return l, s.wrap("listing .pulumi/stacks/", err)
		}
		name := path.Base(obj.Key)
		if obj.IsDir || !isCheckpointName(name) {
			continue
		}
		l.LegacyStacks = append(l.LegacyStacks, checkpointStack(name))
	}
	return l, nil
}

// checkpointExts are the encodings of a checkpoint the CLI reads, in its
// order of preference.
var checkpointExts = []string{".json", ".json.gz"}

func isCheckpointName(name string) bool {
	for _, ext := range checkpointExts {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

func checkpointStack(name string) string {
	for _, ext := range checkpointExts {
		if s, ok := strings.CutSuffix(name, ext); ok {
			return s
		}
	}
	return name
}

// CheckpointKey is where the project layout keeps a stack's checkpoint
// (uncompressed).
func CheckpointKey(project, stack string) string {
	return path.Join(bookkeeping, "stacks", project, stack+checkpointExts[0])
}

// Checkpoint reads a stack's checkpoint in the project layout,
// decompressed; found is false when the stack has none.
func (s *Store) Checkpoint(ctx context.Context, project, stack string) (b []byte, key string, found bool, err error) {
	for _, ext := range checkpointExts {
		key = path.Join(bookkeeping, "stacks", project, stack+ext)
		b, err = s.bucket.ReadAll(ctx, key)
		if gcerrors.Code(err) == gcerrors.NotFound {
			continue
		}
		if err != nil {
			return nil, key, false, s.wrap("reading "+key, err)
		}
		if strings.HasSuffix(key, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, key, true, fmt.Errorf("%s: %w", s.Describe(key), err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				return nil, key, true, fmt.Errorf("%s: %w", s.Describe(key), err)
			}
		}
		return b, key, true, nil
	}
	return nil, CheckpointKey(project, stack), false, nil
}

// Describe names a key of the backend for an operator: a path under a
// file backend, the URL and key under a bucket.
func (s *Store) Describe(key string) string {
	if rest, ok := strings.CutPrefix(s.URL, "file://"); ok {
		dir, _, _ := strings.Cut(rest, "?")
		return path.Join(dir, key)
	}
	return fmt.Sprintf("%s (key %s)", s.URL, key)
}

// wrap names the backend in an error of the bucket.
func (s *Store) wrap(what string, err error) error {
	return fmt.Errorf("backend %s: %s: %w", s.URL, what, err)
}
