package alicloud

// Stand-ins for the provider's own validator helpers: the generator reads
// their names and where they are, not their bodies.
func StringInSlice(valid []string, ignoreCase bool) schema.SchemaValidateFunc { return nil }
func IntBetween(min, max int) schema.SchemaValidateFunc                       { return nil }
func IntInSlice(valid []int) schema.SchemaValidateFunc                        { return nil }
func validateCIDRNetworkAddress(v interface{}, k string) ([]string, []error)  { return nil, nil }
