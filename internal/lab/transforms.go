package lab

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Transform is one named change the lab makes to the rendered
// configuration. The report lists every transform applied; each must
// change something, so a renderer change that makes one stale fails the lab
// instead of passing silently.
type Transform struct {
	// Name is short and stable; Why says what it changes and why.
	Name, Why string
	apply     func(files map[string]string) error
}

// rendered file names (linux-frr).
const (
	frrConf     = "frr.conf"
	swanctlConf = "swanctl.conf"
)

// updownName finds the updown script among the rendered files.
func updownName(files map[string]string) string {
	for n := range files {
		if strings.HasSuffix(n, "-updown.sh") {
			return n
		}
	}
	return ""
}

// replaceAll applies a regular expression to one file and fails when it
// matches nothing.
func replaceAll(files map[string]string, file string, re *regexp.Regexp, repl func([]string) string) error {
	text, ok := files[file]
	if !ok {
		return fmt.Errorf("no %s among the rendered files", file)
	}
	n := 0
	files[file] = re.ReplaceAllStringFunc(text, func(m string) string {
		n++
		return repl(re.FindStringSubmatch(m))
	})
	if n == 0 {
		return fmt.Errorf("%s has no line matching %s", file, re)
	}
	return nil
}

var updownLine = regexp.MustCompile(`(?m)^(\s*updown = ).*/([^/\s]+)$`)

// updownPath points swanctl.conf at the updown script where the lab keeps
// it instead of /etc/swanctl.
func updownPath(dir string) Transform {
	return Transform{
		Name: "updown-path",
		Why:  "swanctl.conf's updown script path: /etc/swanctl/… → the lab's directory for the gateway (the script itself is unchanged unless another transform says so)",
		apply: func(files map[string]string) error {
			return replaceAll(files, swanctlConf, updownLine, func(m []string) string { return m[1] + filepath.Join(dir, m[2]) })
		},
	}
}

var (
	versionLine = regexp.MustCompile(`(?m)^(\s*)version = \d+$`)
	xfrmRoute   = regexp.MustCompile(`(?m)^(ip route \S+ )xfrm\d+( \d+)$`)
	xfrmLink    = regexp.MustCompile(`(?m)^(\d+\) link=)xfrm\d+( ;;)$`)
	xfrmAdd     = regexp.MustCompile(`(?m)^\s*ip link show "\$link" >/dev/null 2>&1 \|\|\n\s*ip link add "\$link" type xfrm .*\n`)
	xfrmDel     = regexp.MustCompile(`(?m)^\s*ip link del "\$link" 2>/dev/null\n`)
)

// libipsecTransforms adapt the route-based XFRM-interface configuration to
// strongSwan's kernel-libipsec, for kernels without ESP or XFRM interfaces.
func libipsecTransforms() []Transform {
	return []Transform{
		{
			Name: "libipsec-encap",
			Why:  "swanctl.conf: `encap = yes` on every connection — libipsec sends ESP only inside UDP (port 4500)",
			apply: func(files map[string]string) error {
				return replaceAll(files, swanctlConf, versionLine, func(m []string) string { return m[0] + "\n" + m[1] + "encap = yes" })
			},
		},
		{
			Name: "libipsec-tun",
			Why:  "frr.conf's static routes via xfrm<n> → via ipsec0, libipsec's one TUN device for all tunnels (the distances are unchanged); the updown script brings ipsec0 up instead of creating and deleting XFRM interfaces",
			apply: func(files map[string]string) error {
				up := updownName(files)
				if err := replaceAll(files, frrConf, xfrmRoute, func(m []string) string { return m[1] + "ipsec0" + m[2] }); err != nil {
					return err
				}
				if err := replaceAll(files, up, xfrmLink, func(m []string) string { return m[1] + "ipsec0" + m[2] }); err != nil {
					return err
				}
				if err := replaceAll(files, up, xfrmAdd, func([]string) string { return "" }); err != nil {
					return err
				}
				return replaceAll(files, up, xfrmDel, func([]string) string { return "" })
			},
		},
	}
}

var staticRoute = regexp.MustCompile(`(?m)^(ip route \S+ (?:xfrm|ipsec)\d+ )(\d+)$`)

// StaticPreference sets the distance of the gateway's static routes via the
// VPN as a box configured with that preference would have them (the
// drill's --onprem-static-preference): the last tunnel's routes at pref,
// each earlier tunnel's one better, as the renderer ranks them.
func StaticPreference(pref int) Transform {
	return Transform{
		Name: "static-preference=" + strconv.Itoa(pref),
		Why:  fmt.Sprintf("frr.conf's static routes via the VPN at distance %d (and one less for an earlier tunnel) instead of the rendered ones", pref),
		apply: func(files map[string]string) error {
			// The renderer gives the last tunnel the highest distance.
			highest := 0
			for _, m := range staticRoute.FindAllStringSubmatch(files[frrConf], -1) {
				d, _ := strconv.Atoi(m[2])
				highest = max(highest, d)
			}
			return replaceAll(files, frrConf, staticRoute, func(m []string) string {
				d, _ := strconv.Atoi(m[2])
				return m[1] + strconv.Itoa(pref-(highest-d))
			})
		},
	}
}

var localPrefLine = regexp.MustCompile(`(?m)^(route-map \S+-VBR-([AB])-IN permit 10\n match ip address prefix-list \S+\n set local-preference )(\d+)$`)

// LocalPreferences sets the BGP local preference of circuit A's and B's
// sessions as a gateway configured with them would have (the drill's
// --onprem-local-preference).
func LocalPreferences(a, b int) Transform {
	return Transform{
		Name: fmt.Sprintf("local-preference=%d,%d", a, b),
		Why:  fmt.Sprintf("frr.conf's BGP local preference %d on circuit A's session and %d on circuit B's instead of the rendered ones", a, b),
		apply: func(files map[string]string) error {
			return replaceAll(files, frrConf, localPrefLine, func(m []string) string {
				if m[2] == "A" {
					return m[1] + strconv.Itoa(a)
				}
				return m[1] + strconv.Itoa(b)
			})
		},
	}
}

var passwordLine = regexp.MustCompile(`(?m)^( neighbor \S+ password )(\S+)$`)

// WrongBGPKey changes the gateway's BGP MD5 key, as a mistyped key would:
// for tests that the lab catches a broken rendered configuration.
func WrongBGPKey() Transform {
	return Transform{
		Name: "wrong-bgp-key",
		Why:  "frr.conf's BGP MD5 key changed (a broken configuration: the VBR keeps the stack's key)",
		apply: func(files map[string]string) error {
			return replaceAll(files, frrConf, passwordLine, func(m []string) string { return m[1] + m[2] + "x" })
		},
	}
}

// applyTransforms applies the transforms in order to a copy of the files.
func applyTransforms(files map[string]string, ts []Transform) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range files {
		out[k] = v
	}
	for _, t := range ts {
		if err := t.apply(out); err != nil {
			return nil, fmt.Errorf("transform %s: %w", t.Name, err)
		}
	}
	return out, nil
}
