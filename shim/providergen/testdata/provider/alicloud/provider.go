package alicloud

// A stand-in for terraform-provider-alicloud's provider.go: the registry
// the generator reads.
func Provider() interface{} {
	return &schema.Provider{
		DataSourcesMap: map[string]*schema.Resource{
			"alicloud_things": dataSourceThings(),
		},
		ResourcesMap: map[string]*schema.Resource{
			"alicloud_thing": resourceThing(),
		},
	}
}
