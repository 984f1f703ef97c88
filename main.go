// Command hybridlink is the Pulumi program: `pulumi up --stack <dev|prod>`
// deploys that environment's hybrid connection from stacks/Pulumi.<stack>.yaml.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/stacks"
)

func main() {
	pulumi.Run(stacks.Program)
}
