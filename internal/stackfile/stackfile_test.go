package stackfile

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/limits"
)

// stacksDir holds the committed stack files.
const stacksDir = "../../stacks"

func TestList(t *testing.T) {
	names, err := List(stacksDir)
	require.NoError(t, err)
	assert.Equal(t, []string{"dev", "prod", "prod-dual"}, names)

	dir := t.TempDir()
	for _, name := range []string{"Pulumi.b.yaml", "Pulumi.a.yaml", "Pulumi.yaml", "Pulumi.c.yml", "other.yaml", "Pulumi.a-b.c.yaml"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("config: {}\n"), 0o600))
	}
	names, err = List(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "a-b.c", "b"}, names, "only Pulumi.<stack>.yaml, sorted")

	names, err = List(filepath.Join(dir, "missing"))
	require.NoError(t, err)
	assert.Empty(t, names)
}

func TestReadErrors(t *testing.T) {
	_, err := Read(stacksDir, "staging")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `stack "staging": there is no `+filepath.Join(stacksDir, "Pulumi.staging.yaml")+"; the stacks are dev, prod")
	_, err = Read(t.TempDir(), "staging")
	assert.ErrorContains(t, err, "nor any other stack file in")

	dir := t.TempDir()
	path := filepath.Join(dir, "Pulumi.broken.yaml")
	require.NoError(t, os.WriteFile(path, []byte("config:\n  hybridlink:vpn: [unclosed\n"), 0o600))
	_, err = Read(dir, "broken")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a valid stack file")
	assert.Contains(t, err.Error(), path)
}

func TestConfigWithPassphrase(t *testing.T) {
	f, err := Read(stacksDir, "prod")
	require.NoError(t, err)
	assert.Equal(t, "prod", f.Stack)
	assert.Equal(t, filepath.Join(stacksDir, "Pulumi.prod.yaml"), f.Path)

	cfg, err := f.Config(SandboxPassphrase)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"hybridlink:vpnPsk": true, "hybridlink:bgpAuthKey": true}, cfg.Secrets)
	for key := range cfg.Secrets {
		v, ok := cfg.Get(key)
		require.True(t, ok)
		assert.NotEmpty(t, v)
		assert.NotContains(t, v, "v1:", "%s is decrypted", key)
		assert.True(t, cfg.IsSecret(key))
		assert.False(t, cfg.IsOpaque(key), "decrypted secrets are readable")
	}
	v, ok := cfg.Get("alicloud:region")
	assert.True(t, ok)
	assert.Equal(t, "cn-hangzhou", v)
	assert.False(t, cfg.IsSecret("alicloud:region"))
	vpn, _ := cfg.Get("hybridlink:vpn")
	assert.True(t, strings.HasPrefix(vpn, "{") && strings.Contains(vpn, `"dualTunnel":true`), "objects come as JSON: %s", vpn)
	prefixes, _ := cfg.Get("hybridlink:idcPrefixes")
	assert.Equal(t, `["172.16.0.0/16"]`, prefixes, "lists come as JSON")
	protect, _ := cfg.Get("hybridlink:protect")
	assert.Equal(t, "true", protect)
	_, ok = cfg.Get("hybridlink:missing")
	assert.False(t, ok)

	keys := cfg.Keys()
	assert.IsIncreasing(t, keys)
	assert.Contains(t, keys, "hybridlink:vpnPsk")
	assert.Len(t, keys, len(cfg.Values))
}

func TestConfigWithoutPassphraseKeepsSecretsOpaque(t *testing.T) {
	f, err := Read(stacksDir, "prod")
	require.NoError(t, err)
	cfg, err := f.Config("")
	require.NoError(t, err)
	decrypted, err := f.Config(SandboxPassphrase)
	require.NoError(t, err)

	for key := range decrypted.Secrets {
		assert.True(t, cfg.IsSecret(key))
		assert.True(t, cfg.IsOpaque(key), "%s is present but unreadable", key)
		v, ok := cfg.Get(key)
		assert.True(t, ok, "%s is present", key)
		plain, _ := decrypted.Get(key)
		assert.NotEqual(t, plain, v, "%s is not decrypted", key)
	}
	assert.False(t, cfg.IsOpaque("alicloud:region"), "plain values are never opaque")
	region, _ := cfg.Get("alicloud:region")
	assert.Equal(t, "cn-hangzhou", region)
	assert.Equal(t, decrypted.Keys(), cfg.Keys())
}

// A wrong passphrase fails, also after the right one was used in the same
// process (Pulumi's own secrets-manager cache is keyed by salt alone).
func TestConfigWrongPassphrase(t *testing.T) {
	f, err := Read(stacksDir, "prod")
	require.NoError(t, err)
	_, err = f.Config(SandboxPassphrase)
	require.NoError(t, err)
	for range 2 {
		_, err = f.Config("not-the-passphrase")
		require.Error(t, err)
		assert.Contains(t, err.Error(), `stack "prod"`)
		assert.Contains(t, err.Error(), "incorrect passphrase")
		assert.NotContains(t, err.Error(), SandboxPassphrase)
	}
	_, err = f.Config(SandboxPassphrase)
	assert.NoError(t, err, "the right one still works")
}

func TestConfigWithoutSecrets(t *testing.T) {
	f, err := Read(stacksDir, "dev")
	require.NoError(t, err)
	for _, phrase := range []string{"", SandboxPassphrase} {
		cfg, err := f.Config(phrase)
		require.NoError(t, err)
		assert.Empty(t, cfg.Secrets)
		for _, k := range cfg.Keys() {
			assert.False(t, cfg.IsOpaque(k))
		}
		v, _ := cfg.Get("hybridlink:vpn")
		assert.Contains(t, v, `"dualTunnel":false`)
	}
}

// A stack file copied elsewhere decrypts the same: the salt travels with it.
func TestConfigOfACopy(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.copy.yaml"), b, 0o600))
	f, err := Read(dir, "copy")
	require.NoError(t, err)
	cfg, err := f.Config(SandboxPassphrase)
	require.NoError(t, err)
	psk, _ := cfg.Get("hybridlink:vpnPsk")
	assert.NotEmpty(t, psk)
}

// writeProdCopy writes the prod stack file, edited, into a directory of its
// own as stack "copy".
func writeProdCopy(t *testing.T, oldNew ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	s := string(b)
	for i := 0; i+1 < len(oldNew); i += 2 {
		require.Equal(t, 1, strings.Count(s, oldNew[i]), "%q occurs once", oldNew[i])
		s = strings.Replace(s, oldNew[i], oldNew[i+1], 1)
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.copy.yaml"), []byte(s), 0o600))
	return dir
}

// A secure value that does not decrypt with the right passphrase is named,
// and the error says the passphrase is not the problem.
func TestConfigNamesTheSecretThatDoesNotDecrypt(t *testing.T) {
	// One character of the BGP key's ciphertext changed: authentication fails.
	dir := writeProdCopy(t, "sY9IZVbvM1yK5XFx", "sY9IZVbvM1yK5XFy")
	f, err := Read(dir, "copy")
	require.NoError(t, err)
	_, err = f.Config(SandboxPassphrase)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "hybridlink:bgpAuthKey")
	assert.NotContains(t, msg, "hybridlink:vpnPsk", "only the value at fault is named")
	assert.Contains(t, msg, "the passphrase is right")
	assert.Contains(t, msg, "pulumi config set --secret")
}

func TestConfigSaysThePassphraseIsWrong(t *testing.T) {
	f, err := Read(stacksDir, "prod")
	require.NoError(t, err)
	_, err = f.Config("not-the-passphrase")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the passphrase is wrong")
	assert.Contains(t, err.Error(), "PULUMI_CONFIG_PASSPHRASE")
}

func TestConfigWithoutSaltNamesTheSecrets(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(stacksDir, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	salt := regexp.MustCompile(`(?m)^encryptionsalt: .*$`).FindString(string(b))
	require.NotEmpty(t, salt)
	f, err := Read(writeProdCopy(t, salt, ""), "copy")
	require.NoError(t, err)
	_, err = f.Config(SandboxPassphrase)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no encryptionsalt")
	assert.Contains(t, err.Error(), "hybridlink:bgpAuthKey, hybridlink:vpnPsk")
}

// A stack file too large to deploy is refused before it is parsed.
func TestReadRefusesAnOversizedFile(t *testing.T) {
	dir := t.TempDir()
	big := "config:\n  hybridlink:tags:\n    notes: " + strings.Repeat("x", limits.MaxConfigBytes) + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.big.yaml"), []byte(big), 0o600))
	_, err := Read(dir, "big")
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("more than the %d", limits.MaxConfigBytes))
}
