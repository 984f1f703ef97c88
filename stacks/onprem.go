package stacks

import "github.com/hybridlink/hybridlink/internal/routemodel"

// RouteModel is the on-premises gateway as the route model sees it: its
// BGP and static route preferences in effect (the IDC prefixes come from
// the stack's own key).
func (o OnPremConfig) RouteModel() routemodel.OnPrem {
	return routemodel.OnPrem{BGPPreference: o.BGPRoutePreference(), StaticPreference: o.Preference()}
}
