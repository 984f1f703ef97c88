package lab

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// required are the programs the lab runs and the Debian packages that
// bring them.
var required = []struct{ path, pkg string }{
	{"ip", "iproute2"},
	{"chrt", "util-linux"},
	{"nft", "nftables"},
	{"vtysh", "frr"},
	{"/usr/lib/frr/zebra", "frr"},
	{"/usr/lib/frr/bfdd", "frr"},
	{charonPath, "strongswan-charon"},
	{"swanctl", "strongswan-swanctl"},
	{"/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so", "libcharon-extra-plugins"},
}

// Check reports what the lab needs and this machine lacks.
func Check() error {
	var missing []string
	for _, r := range required {
		_, err := exec.LookPath(r.path)
		if strings.HasSuffix(r.path, ".so") {
			_, err = os.Stat(r.path)
		}
		if err != nil {
			missing = append(missing, fmt.Sprintf("%s (Debian package %s)", r.path, r.pkg))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the lab needs %s: install them (apt-get install --no-install-recommends frr strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins nftables)", strings.Join(missing, ", "))
	}
	if os.Geteuid() != 0 {
		return errors.New("the lab creates network namespaces and must run as root")
	}
	return nil
}
