package statebackend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"gocloud.dev/blob"
)

// Status is how a finding of Check stands.
type Status string

const (
	// OK: nothing to do.
	OK Status = "ok"
	// Warning: the backend works, but an operator should look.
	Warning Status = "warning"
	// Problem: the backend does not work for Pulumi, or puts the state at
	// risk, until it is fixed.
	Problem Status = "problem"
	// Unknown: the store did not answer this through its S3 API, or the
	// credentials may not read it; the finding says where to check it
	// instead.
	Unknown Status = "unknown"
)

// Finding is one thing Check found, and what to do about it.
type Finding struct {
	// Check names what was checked: reachable, layout, versioning,
	// public access, locks.
	Check  string
	Status Status
	Detail string
	// Fix says what to do; empty when there is nothing to.
	Fix string
}

// Report is the result of Check.
type Report struct {
	URL      string
	Findings []Finding
}

// Problems reports whether a finding is a Problem.
func (r Report) Problems() bool {
	for _, f := range r.Findings {
		if f.Status == Problem {
			return true
		}
	}
	return false
}

// Write prints the report for an operator.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "backend %s\n", r.URL)
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %-8s %s: %s\n", f.Status, f.Check, f.Detail)
		if f.Fix != "" {
			fmt.Fprintf(w, "           fix: %s\n", f.Fix)
		}
	}
}

// Check is the preflight of a team's backend: it reaches it with the
// credentials of the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
// or a profile, as the Pulumi CLI does) and reports its layout, whether the
// bucket keeps versions (the only undo of a bad checkpoint) and is closed
// to the public, and every lock held, with its owner and age. It only
// reads: no object or setting is written, the layout's meta.yaml included.
func Check(ctx context.Context, rawURL string, now time.Time) Report {
	r := Report{URL: rawURL}
	u, err := parse(rawURL)
	if err != nil {
		r.Findings = append(r.Findings, Finding{Check: "reachable", Status: Problem, Detail: err.Error(), Fix: "give a file:// or s3:// backend URL"})
		return r
	}
	if f, ok := ossURL(u); ok {
		r.Findings = append(r.Findings, f)
	}
	s, err := Open(ctx, rawURL)
	if err != nil {
		r.Findings = append(r.Findings, Finding{Check: "reachable", Status: Problem, Detail: err.Error(), Fix: "correct the backend URL's parameters"})
		return r
	}
	defer s.Close()
	if _, _, err := s.bucket.ListPage(ctx, blob.FirstPageToken, 1, &blob.ListOptions{Prefix: bookkeeping + "/"}); err != nil {
		r.Findings = append(r.Findings, unreachable(u, err))
		return r
	}
	r.Findings = append(r.Findings, Finding{Check: "reachable", Status: OK, Detail: "listed with the credentials of the environment"})
	r.Findings = append(r.Findings, s.checkLayout(ctx))
	if s.s3 != nil {
		r.Findings = append(r.Findings, s.checkVersioning(ctx), s.checkPublic(ctx))
	}
	r.Findings = append(r.Findings, s.checkLocks(ctx, now))
	return r
}

// ossURL reports a URL that OSS refuses: path-style requests (OSS serves
// only virtual-hosted ones) and checksums sent as aws-chunked uploads
// (Alibaba Cloud, "Compatibility with Amazon S3" and error 0017-00000804).
func ossURL(u backendURL) (Finding, bool) {
	endpoint, err := url.Parse(u.query.Get("endpoint"))
	if err != nil || !strings.HasSuffix(endpoint.Hostname(), ".aliyuncs.com") {
		return Finding{}, false
	}
	var bad []string
	if u.pathStyle() {
		bad = append(bad, "it asks for path-style requests (s3ForcePathStyle or use_path_style), which OSS denies: remove that parameter")
	}
	if u.query.Get("request_checksum_calculation") == "when_supported" {
		bad = append(bad, "request_checksum_calculation=when_supported makes the AWS SDK send aws-chunked uploads, which OSS refuses: remove that parameter")
	}
	if len(bad) == 0 {
		return Finding{}, false
	}
	return Finding{Check: "URL", Status: Problem, Detail: "the URL names an OSS endpoint, but " + strings.Join(bad, "; "),
		Fix: "use s3://<bucket>?endpoint=https://s3.oss-<region>.aliyuncs.com&region=<region>"}, true
}

// unreachable explains why the bucket could not be listed.
func unreachable(u backendURL, err error) Finding {
	f := Finding{Check: "reachable", Status: Problem, Detail: err.Error()}
	var api smithy.APIError
	code := ""
	if errors.As(err, &api) {
		code = api.ErrorCode()
	}
	creds := "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the AccessKey of the RAM user that the bucket's policy names (README, \"A team's state in an OSS bucket\")"
	switch {
	case code == "NoSuchBucket":
		f.Detail = fmt.Sprintf("bucket %s does not exist at this endpoint", u.bucket)
		f.Fix = "create it (private, versioning on) in the endpoint's region, or correct the bucket's name or the endpoint"
	case code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch":
		f.Detail = fmt.Sprintf("the credentials are refused (%s)", code)
		f.Fix = creds
	case code == "AccessDenied" || code == "Forbidden":
		f.Detail = "access denied: the credentials may not list the bucket (" + firstLine(err.Error()) + ")"
		f.Fix = "grant the RAM user oss:ListObjects on the bucket, or " + creds
	case strings.Contains(err.Error(), "failed to retrieve credentials") || strings.Contains(err.Error(), "no EC2 IMDS role found"):
		f.Detail = "no credentials in the environment"
		f.Fix = creds
	case code != "":
		f.Detail = fmt.Sprintf("the store refused to list the bucket (%s): %s", code, firstLine(err.Error()))
		f.Fix = "check the URL's endpoint and region, which must be the bucket's"
	default:
		f.Detail = "the endpoint did not answer: " + firstLine(err.Error())
		f.Fix = "check the URL's endpoint (inside a VPC, OSS's internal endpoint), the network and the proxy settings"
	}
	return f
}

// checkLayout reports the backend's layout.
func (s *Store) checkLayout(ctx context.Context) Finding {
	f := Finding{Check: "layout"}
	l, err := s.Layout(ctx)
	if err != nil {
		f.Status, f.Detail, f.Fix = Problem, err.Error(), "restore .pulumi/meta.yaml from the bucket's versions"
		return f
	}
	// The CLI refuses a legacy backend even to upgrade it, unless told to
	// ignore that; at a terminal, the upgrade asks for the project of a
	// stack that has no resources, and without one it skips that stack.
	upgrade := fmt.Sprintf("once no one runs Pulumi on it, at a terminal: PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR=1 PULUMI_BACKEND_URL='%s' pulumi state upgrade "+
		"(it moves every stack to .pulumi/stacks/<project>/, and asks for the project of a stack without resources)", s.URL)
	switch {
	case l.Empty():
		f.Status, f.Detail = OK, "empty: the first `pulumi login` writes .pulumi/meta.yaml, the project layout"
	case l.Meta && l.Version > 1:
		f.Status = Problem
		f.Detail = fmt.Sprintf(".pulumi/meta.yaml has version %d, which the Pulumi CLI v3.274.1 does not read", l.Version)
		f.Fix = "use the Pulumi CLI that wrote it, or a later one, for every operator and runner"
	case l.Legacy():
		f.Status = Problem
		f.Detail = fmt.Sprintf("legacy layout (stacks %s directly under .pulumi/stacks/): the Pulumi CLI 3.257 and later refuse it (\"Legacy DIY state is deprecated\")", strings.Join(l.LegacyStacks, ", "))
		f.Fix = upgrade
	case len(l.LegacyStacks) > 0:
		f.Status = Warning
		f.Detail = fmt.Sprintf("project layout, but stack files in the legacy place too (%s), written by an older CLI since the upgrade", strings.Join(l.LegacyStacks, ", "))
		f.Fix = upgrade
	default:
		stacks, err := s.projectStacks(ctx)
		if err != nil {
			f.Status, f.Detail, f.Fix = Problem, err.Error(), "grant the RAM user oss:ListObjects on the bucket"
			return f
		}
		f.Status, f.Detail = OK, "project layout (.pulumi/meta.yaml version 1); stacks: "+orNone(stacks)
	}
	return f
}

// projectStacks lists <project>/<stack> of a project-layout backend.
func (s *Store) projectStacks(ctx context.Context) ([]string, error) {
	var out []string
	it := s.bucket.List(&blob.ListOptions{Prefix: bookkeeping + "/stacks/"})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			sort.Strings(out)
			return out, nil
		}
		if err != nil {
			return nil, s.wrap("listing .pulumi/stacks/", err)
		}
		rel := strings.TrimPrefix(obj.Key, bookkeeping+"/stacks/")
		if strings.Count(rel, "/") == 1 && isCheckpointName(rel) {
			out = append(out, checkpointStack(rel))
		}
	}
}

// notAnswered reports an error of an operation the store's S3 API does not
// serve (Alibaba OSS serves a subset of S3's bucket operations).
func notAnswered(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "NotImplemented", "MethodNotAllowed", "InvalidRequest", "InvalidArgument", "UnsupportedOperation", "NotSupported":
		return true
	}
	return false
}

// checkVersioning reports whether the bucket keeps versions: a checkpoint
// is overwritten in place (after a copy to .bak), so a bad one can be
// undone only from the bucket's versions.
func (s *Store) checkVersioning(ctx context.Context) Finding {
	f := Finding{Check: "versioning"}
	enable := fmt.Sprintf("turn versioning on: in the OSS console (the bucket's Versioning), or ossutil api put-bucket-versioning --bucket %s --versioning-configuration '{\"Status\":\"Enabled\"}'", s.bucketName)
	out, err := s.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &s.bucketName})
	switch {
	case err != nil && notAnswered(err):
		f.Status = Unknown
		f.Detail = "the store's S3 API does not report versioning (" + firstLine(err.Error()) + "); Alibaba OSS serves GetBucketVersioning only in its own API"
		f.Fix = fmt.Sprintf("check it: ossutil api get-bucket-versioning --bucket %s, or the bucket's Versioning in the OSS console; if it is off, %s", s.bucketName, enable)
	case err != nil:
		f.Status, f.Detail = Unknown, "reading versioning: "+firstLine(err.Error())
		f.Fix = "grant the RAM user oss:GetBucketVersioning on the bucket, or check it in the OSS console"
	case out.Status == types.BucketVersioningStatusEnabled:
		f.Status, f.Detail = OK, "on: every checkpoint the bucket held is kept"
	case out.Status == types.BucketVersioningStatusSuspended:
		f.Status, f.Detail, f.Fix = Problem, "suspended: an overwritten or deleted checkpoint is lost", enable
	default:
		f.Status, f.Detail, f.Fix = Problem, "off: an overwritten or deleted checkpoint is lost for good", enable
	}
	return f
}

// logDelivery is the one group of S3's ACLs that is not the public: the
// others are every user (AllUsers) and every authenticated user of any
// account (AuthenticatedUsers). Stores name a group by its URI, as S3
// does, or by an ID of their own (versitygw: "all-users").
const logDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"

// publicGrantee names a grantee of a public ACL, or "".
func publicGrantee(g *types.Grantee) string {
	if g == nil || g.Type != types.TypeGroup {
		return ""
	}
	switch {
	case g.URI != nil && *g.URI == logDelivery:
		return ""
	case g.URI != nil:
		return "the group " + *g.URI
	case g.ID != nil:
		return "the group " + *g.ID
	}
	return "a group"
}

// checkPublic reports whether the bucket's ACL or policy opens it to the
// public. Checkpoints hold every resource's properties (secrets encrypted,
// the rest in plain text) and locks name operators and hosts.
func (s *Store) checkPublic(ctx context.Context) Finding {
	f := Finding{Check: "public access"}
	private := fmt.Sprintf("make the bucket private: its ACL private and no bucket policy statement for every principal (\"*\"); Block Public Access on (OSS console, or PutBucketPublicAccessBlock)")
	acl, err := s.s3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: &s.bucketName})
	if err != nil {
		f.Status, f.Detail = Unknown, "reading the bucket's ACL: "+firstLine(err.Error())
		f.Fix = "grant the RAM user oss:GetBucketAcl on the bucket, or check the ACL in the OSS console"
		return f
	}
	var open []string
	for _, g := range acl.Grants {
		if who := publicGrantee(g.Grantee); who != "" {
			open = append(open, fmt.Sprintf("the ACL grants %s %s", who, g.Permission))
		}
	}
	policy := "the bucket policy is not public"
	status, err := s.s3.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: &s.bucketName})
	switch {
	case err == nil && status.PolicyStatus != nil && status.PolicyStatus.IsPublic != nil && *status.PolicyStatus.IsPublic:
		open = append(open, "the bucket policy is public")
	case err == nil:
	case isCode(err, "NoSuchBucketPolicy"):
		policy = "no bucket policy"
	case notAnswered(err):
		policy = ""
	default:
		policy = ""
	}
	switch {
	case len(open) > 0:
		f.Status, f.Detail, f.Fix = Problem, "public: "+strings.Join(open, "; "), private
	case policy == "":
		f.Status = Unknown
		f.Detail = "the ACL is private; the bucket policy's status could not be read (" + firstLine(err.Error()) + "): Alibaba OSS lists no bucket policy operation among its S3-compatible ones"
		f.Fix = fmt.Sprintf("check it: ossutil api get-bucket-policy-status --bucket %s, or the bucket's Bucket Policy and Block Public Access in the OSS console", s.bucketName)
	default:
		f.Status, f.Detail = OK, "private: the ACL grants no public group, "+policy
	}
	return f
}

func isCode(err error, code string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == code
}

// checkLocks reports every lock held, with its owner and age.
func (s *Store) checkLocks(ctx context.Context, now time.Time) Finding {
	f := Finding{Check: "locks"}
	locks, err := s.Locks(ctx)
	if err != nil {
		f.Status, f.Detail, f.Fix = Problem, err.Error(), "grant the RAM user oss:ListObjects and oss:GetObject on the bucket"
		return f
	}
	if len(locks) == 0 {
		f.Status, f.Detail = OK, "none held"
		return f
	}
	var held []string
	for _, l := range locks {
		held = append(held, fmt.Sprintf("%s by %s, %s old (lock %s)", l.Stack, l.Owner(), l.Age(now), l.ID()))
	}
	f.Status = Warning
	f.Detail = fmt.Sprintf("%d held: %s", len(locks), strings.Join(held, "; "))
	f.Fix = "a lock belongs to a run that is going on, or to one that was killed: ask its owner, or look on its host (ps -p <pid>). " +
		"If that run is gone, remove only its lock: hybridlink backend unlock '" + s.URL + "' --lock <lock> — not `pulumi cancel`, which deletes every lock of the stack, a live run's included; " +
		"the next hybridlink sandbox up, or pulumi refresh --clear-pending-creates, settles what the run left"
	return f
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
