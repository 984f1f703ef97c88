package localcloud

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// suppressors are the provider's DiffSuppressFuncs of the served
// properties, by token and property path: the extract says where each is
// (internal/alicloudspec/rules.json), the rule is copied here by hand, and a
// test fails when the extract has one this table lacks. A suppressor
// reports that the change from o to n is none; news are the new inputs.
var suppressors = map[string]func(news resource.PropertyMap, o, n resource.PropertyValue) bool{
	// PostPaidDiffSuppressFunc (alicloud/diff_suppress_funcs.go): the
	// subscription period matters only to a prepaid gateway.
	"alicloud:vpn/gateway:Gateway period": func(news resource.PropertyMap, _, _ resource.PropertyValue) bool {
		in := inventory.Resource{Props: news}
		if v, _ := in.String("instanceChargeType"); strings.EqualFold(v, "prepaid") {
			return false
		}
		v, _ := in.String("paymentType")
		return v != "Subscription"
	},
	// resource_alicloud_vpc_bgp_peer.go: the BFD hop count matters only
	// with BFD on.
	"alicloud:vpc/bgpPeer:BgpPeer bfdMultiHop": func(news resource.PropertyMap, _, _ resource.PropertyValue) bool {
		on, _ := inventory.Resource{Props: news}.Bool("enableBfd")
		return !on
	},
	// resource_alicloud_cms_alarm.go: dimensions are a JSON array of
	// objects; the same objects written differently are no change.
	"alicloud:cms/alarm:Alarm metricDimensions": func(_ resource.PropertyMap, o, n resource.PropertyValue) bool {
		a, aOK := canonicalJSONArray(o)
		b, bOK := canonicalJSONArray(n)
		return aOK && bOK && bytes.Equal(a, b)
	},
	// resource_alicloud_vpc.go: the deprecated secondary blocks compare as
	// a set when both sides have some.
	"alicloud:vpc/network:Network secondaryCidrBlocks": func(_ resource.PropertyMap, o, n resource.PropertyValue) bool {
		return o.IsArray() && n.IsArray() && len(o.ArrayValue()) > 0 && len(n.ArrayValue()) > 0 && sameSet(o.ArrayValue(), n.ArrayValue())
	},
}

// suppressed reports whether the provider hides the change at path.
func (d *differ) suppressed(path string, o, n resource.PropertyValue) bool {
	s, ok := suppressors[d.tok+" "+path]
	return ok && s(d.news, o, n)
}

// canonicalJSONArray is compareArrayJsonTemplateAreEquivalent's
// (alicloud/common.go) canonical form of a JSON array of objects.
func canonicalJSONArray(v resource.PropertyValue) ([]byte, bool) {
	if !v.IsString() {
		return nil, false
	}
	var objs []map[string]any
	if err := json.Unmarshal([]byte(v.StringValue()), &objs); err != nil {
		return nil, false
	}
	b, err := json.Marshal(objs)
	return b, err == nil
}
