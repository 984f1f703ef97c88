package alicloud

const Fast = "fast"

func tagsSchema() *schema.Schema {
	return &schema.Schema{Type: schema.TypeMap, Optional: true}
}

func resourceThing() *schema.Resource {
	return &schema.Resource{
		Create: resourceThingCreate,
		Read:   resourceThingRead,
		Update: resourceThingUpdate,
		Delete: resourceThingDelete,
		Schema: map[string]*schema.Schema{
			"name": {
				Type:     schema.TypeString,
				Required: true,
			},
			"speed": {
				Type:         schema.TypeString,
				Optional:     true,
				Default:      Fast,
				ValidateFunc: StringInSlice([]string{Fast, "slow"}, true),
			},
			"size": {
				Type:         schema.TypeInt,
				Optional:     true,
				ForceNew:     true,
				ValidateFunc: validation.Any(IntBetween(1, 9), IntInSlice([]int{12, 24})),
			},
			"zone_id": {
				Type:         schema.TypeString,
				Optional:     true,
				Computed:     true,
				ExactlyOneOf: []string{"zone_id", "availability_zone"},
			},
			"availability_zone": {
				Type:       schema.TypeString,
				Optional:   true,
				Computed:   true,
				Deprecated: "Field 'availability_zone' has been deprecated. " + "Use 'zone_id'.",
			},
			"subnet": {
				Type:     schema.TypeSet,
				Required: true,
				MinItems: 1,
				Elem:     &schema.Schema{Type: schema.TypeString, ValidateFunc: validateCIDRNetworkAddress},
			},
			"ike_config": {
				Type:     schema.TypeList,
				Optional: true,
				MaxItems: 1,
				Elem: &schema.Resource{
					Schema: map[string]*schema.Schema{
						"psk": {Type: schema.TypeString, Optional: true, Computed: true},
					},
				},
			},
			"mode": {
				Type:         schema.TypeString,
				Optional:     true,
				ValidateFunc: func(v interface{}, k string) ([]string, []error) { return nil, nil },
				DiffSuppressFunc: func(k, old, new string, d *schema.ResourceData) bool {
					return true
				},
			},
			"ignored": {
				Type:     schema.TypeBool,
				Optional: true,
			},
			"old": {
				Type:     schema.TypeString,
				Optional: true,
				Removed:  "Field 'old' has been removed.",
			},
			"internet_ip": {
				Type:     schema.TypeString,
				Computed: true,
			},
			"tags": tagsSchema(),
		},
	}
}

func resourceThingCreate(d *schema.ResourceData, meta interface{}) error {
	d.Get("ignored")
	return resourceThingUpdate(d, meta)
}

func resourceThingRead(d *schema.ResourceData, meta interface{}) error {
	d.Set("name", "x")
	d.Set("ignored", true)
	d.Set("internet_ip", "1.2.3.4")
	d.Get("speed")
	return nil
}

func resourceThingUpdate(d *schema.ResourceData, meta interface{}) error {
	if d.HasChange("name") {
		d.Get("name")
	}
	if err := setTags(d); err != nil {
		return err
	}
	return resourceThingRead(d, meta)
}

func setTags(d *schema.ResourceData) error {
	d.HasChange("tags")
	return nil
}

func resourceThingDelete(d *schema.ResourceData, meta interface{}) error { return nil }

func dataSourceThings() *schema.Resource {
	return &schema.Resource{
		Read: dataSourceThingsRead,
		Schema: map[string]*schema.Schema{
			"name_regex": {Type: schema.TypeString, Optional: true, ValidateFunc: validation.StringIsValidRegExp},
			"things":     {Type: schema.TypeList, Computed: true, Elem: &schema.Resource{Schema: map[string]*schema.Schema{"id": {Type: schema.TypeString, Computed: true}}}},
		},
	}
}

func dataSourceThingsRead(d *schema.ResourceData, meta interface{}) error { return nil }
