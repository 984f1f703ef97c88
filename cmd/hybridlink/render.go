package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/atomicfile"
	"github.com/hybridlink/hybridlink/internal/onprem"
	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/internal/toolbuild"
	"github.com/hybridlink/hybridlink/stacks"
)

// render prints the on-premises gateway's configuration for a stack and a
// vendor. Secrets are placeholders unless --show-secrets; the VPN gateway's
// public IPs come from the sandbox deployment unless given.
func render(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "onprem" {
		return fmt.Errorf("render needs what to render: onprem")
	}
	fs := flag.NewFlagSet("render onprem", flag.ContinueOnError)
	var f sandboxFlags
	f.register(fs)
	f.registerBackend(fs)
	vendor := fs.String("vendor", "", "one of "+strings.Join(onprem.Vendors, ", ")+" (required)")
	showSecrets := fs.Bool("show-secrets", false, "render the pre-shared key and the BGP key instead of placeholders")
	vpnIPs := fs.String("vpn-ip", "", "the VPN gateway's public IP(s), active tunnel first, comma-separated (default: the sandbox deployment's outputs)")
	out := fs.String("out", "", "write the files into this directory instead of printing them")
	if err := f.parse(fs, args[1:]); err != nil {
		return err
	}
	if !slices.Contains(onprem.Vendors, *vendor) {
		return fmt.Errorf("--vendor must be one of %s", strings.Join(onprem.Vendors, ", "))
	}
	env, err := loadStack(f, *showSecrets)
	if err != nil {
		return err
	}
	peers, psk, err := deployedFacts(ctx, f, env, *vpnIPs, *showSecrets)
	if err != nil {
		return err
	}
	files, err := onprem.Render(*vendor, env.OnPremSite(peers, psk, *showSecrets))
	if err != nil {
		return err
	}
	return writeFiles(files, *out)
}

// deployedFacts returns the VPN gateway's public IPs and the pre-shared key
// to render (a placeholder unless reveal).
func deployedFacts(ctx context.Context, f sandboxFlags, env *stacks.Environment, vpnIPs string, reveal bool) ([]netip.Addr, string, error) {
	var outputs map[string]string
	needOutputs := vpnIPs == "" || (reveal && env.Config.VPNPSK.Value == "")
	if needOutputs {
		var err error
		if outputs, err = sandboxOutputs(ctx, f, reveal); err != nil {
			return nil, "", err
		}
	}
	var peers []netip.Addr
	if vpnIPs != "" {
		for _, s := range strings.Split(vpnIPs, ",") {
			a, err := netip.ParseAddr(strings.TrimSpace(s))
			if err != nil {
				return nil, "", fmt.Errorf("--vpn-ip: %q is not an IP address", s)
			}
			peers = append(peers, a)
		}
	} else {
		var err error
		if peers, err = onprem.ParseVPNPeers(outputs[components.OutputVPNInternetIP], outputs[components.OutputVPNDisasterRecoveryInternetIP], env.Args.VPN.DualTunnel); err != nil {
			return nil, "", err
		}
	}
	psk := onprem.PSKPlaceholder
	if reveal {
		psk = env.Config.VPNPSK.Value
		if psk == "" {
			psk = outputs[components.OutputVPNPreSharedKey]
		}
	}
	return peers, psk, nil
}

// sandboxOutputs reads the stack's outputs from the sandbox deployment with
// `pulumi stack output`, which needs neither the policy pack nor the local
// cloud, so that rendering takes a fraction of a second.
func sandboxOutputs(ctx context.Context, f sandboxFlags, reveal bool) (map[string]string, error) {
	bin, err := toolbuild.Pulumi(ctx, f.dir, os.Stderr)
	if err != nil {
		return nil, err
	}
	state := sandbox.StateDir(f.dir, f.state)
	args := []string{"stack", "output", "--json", "--stack", f.stack, "--non-interactive"}
	if reveal {
		args = append(args, "--show-secrets")
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = f.dir
	cmd.Env = append(os.Environ(), sandbox.EnvList(sandbox.Env(state, f.backend, passphrase(), 0))...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	notDeployed := fmt.Errorf("stack %s is not deployed in the sandbox %s: run `%s sandbox up --stack %s%s`, or pass --vpn-ip", f.stack, displayPath(state), invokedAs(), f.stack, stackFlags(f))
	if err != nil {
		if strings.Contains(stderr.String(), "no stack named") {
			return nil, notDeployed
		}
		return nil, fmt.Errorf("pulumi %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var outs map[string]any
	if err := json.Unmarshal(out, &outs); err != nil {
		return nil, fmt.Errorf("pulumi %s: %w", strings.Join(args, " "), err)
	}
	if _, ok := outs[components.OutputVPNInternetIP]; !ok {
		return nil, notDeployed
	}
	m := map[string]string{}
	for k, v := range outs {
		if s, ok := v.(string); ok {
			m[k] = s
		}
	}
	return m, nil
}

// writeFiles prints the files, or writes them into dir.
func writeFiles(files map[string]string, dir string) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
			// The files may carry secrets: readable by the owner only, also
			// when they replace a file, and never written through a
			// symbolic link planted at their name or as the directory.
			if err := atomicfile.Write(dir, n, []byte(files[n])); err != nil {
				return fmt.Errorf("--out: %w", err)
			}
			fmt.Fprintln(os.Stderr, "wrote", filepath.Join(dir, n))
			continue
		}
		if len(names) > 1 {
			fmt.Printf("#### %s\n", n)
		}
		fmt.Print(files[n])
	}
	return nil
}
