// Package stackfile reads the committed stack files (stacks/Pulumi.<stack>.yaml)
// outside a running program — for offline checks, tools and tests — and
// decrypts their secrets when given the passphrase.
package stackfile

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/pkg/v3/secrets/passphrase"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/hybridlink/hybridlink/internal/limits"
)

// SandboxPassphrase encrypts the secrets of the committed stack files. They
// are sandbox values; a real deployment sets its own secrets.
const SandboxPassphrase = "hybridlink-sandbox"

// Passphrase is the passphrase that decrypts the stack files:
// PULUMI_CONFIG_PASSPHRASE as the Pulumi CLI reads it, else the sandbox
// one the committed files use.
func Passphrase() string {
	if p := os.Getenv("PULUMI_CONFIG_PASSPHRASE"); p != "" {
		return p
	}
	return SandboxPassphrase
}

// File is one stack file.
type File struct {
	Stack string
	Path  string
	stack *workspace.ProjectStack
}

// CheckName checks a stack name before it is used in a path: Pulumi's rules
// (letters, digits, '-', '_' and '.', at most 100 characters), and not a
// name of dots only, which Pulumi accepts but which names a directory ("..":
// the state would land outside the backend's stack folder).
func CheckName(stack string) error {
	if _, err := tokens.ParseStackName(stack); err != nil {
		return fmt.Errorf("stack name %q: %w", stack, err)
	}
	// PULUMI_DISABLE_VALIDATION turns Pulumi's rules off; a path stays out.
	if strings.ContainsAny(stack, "/\\\x00") {
		return fmt.Errorf("stack name %q: a stack name cannot hold a path separator", stack)
	}
	if strings.Trim(stack, ".") == "" {
		return fmt.Errorf("stack name %q: a name of dots only is not a stack; use letters, digits, '-', '_' and '.'", stack)
	}
	return nil
}

// Read reads stacks/Pulumi.<stack>.yaml under dir, once the stack's name
// has passed CheckName.
func Read(dir, stack string) (*File, error) {
	if err := CheckName(stack); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		names, lerr := List(dir)
		if lerr != nil || len(names) == 0 {
			return nil, fmt.Errorf("stack %q: there is no %s, nor any other stack file in %s", stack, path, dir)
		}
		return nil, fmt.Errorf("stack %q: there is no %s; the stacks are %s", stack, path, strings.Join(names, ", "))
	} else if err != nil {
		return nil, fmt.Errorf("stack %q: %w", stack, err)
	}
	// Refused before it is parsed: a deployment could not take it, and a
	// huge file would only make the check slow.
	if info.Size() > limits.MaxConfigBytes {
		return nil, fmt.Errorf("stack %q: %s is %d bytes, more than the %d a deployment can take (a real `pulumi up` passes the whole configuration to the program in one environment variable); shorten it", stack, path, info.Size(), limits.MaxConfigBytes)
	}
	sink := diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, &workspace.Project{Name: "hybridlink"}, path)
	if err != nil {
		return nil, fmt.Errorf("stack %q: %s is not a valid stack file: %w", stack, path, err)
	}
	return &File{Stack: stack, Path: path, stack: ps}, nil
}

// List returns the stack names that have a stack file in dir, sorted.
func List(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range paths {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "Pulumi."), ".yaml"))
	}
	sort.Strings(names)
	return names, nil
}

// Config is a stack file's configuration as a program sees it: values by
// full key (objects and arrays as JSON) and which keys are secret.
type Config struct {
	Values  map[string]string
	Secrets map[string]bool
	// opaque is set when secrets were not decrypted.
	opaque bool
}

// Config decrypts the configuration with the passphrase; with an empty
// passphrase, secrets stay opaque (present, but unreadable).
func (f *File) Config(phrase string) (*Config, error) {
	dec := config.NewBlindingDecrypter()
	if phrase != "" && f.hasSecrets() {
		if f.stack.EncryptionSalt == "" {
			return nil, fmt.Errorf("stack %q: %s holds secure values but no encryptionsalt, so no passphrase can decrypt them (%s); set them again with `pulumi config set --secret <key> <value>`", f.Stack, f.Path, strings.Join(f.secureKeys(), ", "))
		}
		crypter, err := crypterFor(phrase, f.stack.EncryptionSalt)
		if err != nil {
			return nil, fmt.Errorf("stack %q: the passphrase is wrong: it does not decrypt the stack file's encryptionsalt (%w); set PULUMI_CONFIG_PASSPHRASE to the stack's passphrase", f.Stack, err)
		}
		dec = crypter
	}
	c := &Config{Values: map[string]string{}, Secrets: map[string]bool{}, opaque: phrase == ""}
	var bad []string
	// Key by key, so that a value that does not decrypt is named.
	for k, v := range f.stack.Config {
		plain, err := v.Value(dec)
		if err != nil {
			bad = append(bad, k.String())
			continue
		}
		c.Values[k.String()] = plain
		if v.Secure() {
			c.Secrets[k.String()] = true
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, fmt.Errorf("stack %q: %s: the secure value does not decrypt, although the passphrase is right (it decrypts the encryptionsalt): the value is corrupt or was encrypted for another stack; set it again with `pulumi config set --secret`", f.Stack, strings.Join(bad, ", "))
	}
	return c, nil
}

// hasSecrets reports whether any value is a secure one.
func (f *File) hasSecrets() bool { return len(f.secureKeys()) > 0 }

// secureKeys lists the keys of secure values, sorted.
func (f *File) secureKeys() []string {
	var keys []string
	for k, v := range f.stack.Config {
		if v.Secure() {
			keys = append(keys, k.String())
		}
	}
	sort.Strings(keys)
	return keys
}

// Crypter is what encrypts and decrypts the stack's secrets with a
// passphrase, as `pulumi config set --secret` does.
func (f *File) Crypter(phrase string) (config.Crypter, error) {
	if f.stack.EncryptionSalt == "" {
		return nil, fmt.Errorf("stack %q: %s has no encryptionsalt", f.Stack, f.Path)
	}
	return crypterFor(phrase, f.stack.EncryptionSalt)
}

// crypters caches the crypter of each passphrase and salt: deriving its key
// takes a million PBKDF2 rounds. passphrase.GetPassphraseSecretsManager also
// caches, but by salt alone, so that once one call had the right passphrase
// every later one "decrypted" with any passphrase at all.
var crypters sync.Map // sha256(phrase, salt) → config.Crypter

// crypterFor checks the passphrase against the salt's check value, as the
// passphrase secrets manager does, and returns the crypter.
func crypterFor(phrase, salt string) (config.Crypter, error) {
	id := sha256.Sum256([]byte(phrase + "\x00" + salt))
	if c, ok := crypters.Load(id); ok {
		return c.(config.Crypter), nil
	}
	// salt is "v1:<base64 salt>:<the text pulumi, encrypted>".
	parts := strings.SplitN(salt, ":", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return nil, errors.New("unknown encryption salt format")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("malformed encryption salt: %w", err)
	}
	c := config.NewSymmetricCrypterFromPassphrase(phrase, raw)
	if check, err := c.DecryptValue(context.Background(), parts[2]); err != nil || check != "pulumi" {
		return nil, passphrase.ErrIncorrectPassphrase
	}
	crypters.Store(id, c)
	return c, nil
}

// Get, IsSecret, IsOpaque and Keys make a Config a stacks.Source.
func (c *Config) Get(key string) (string, bool) { v, ok := c.Values[key]; return v, ok }

func (c *Config) IsSecret(key string) bool { return c.Secrets[key] }

func (c *Config) IsOpaque(key string) bool { return c.opaque && c.Secrets[key] }

func (c *Config) Keys() []string {
	keys := make([]string, 0, len(c.Values))
	for k := range c.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
