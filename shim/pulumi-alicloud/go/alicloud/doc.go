// Subset of the Alibaba Cloud package used by hybridlink (see README.md).
package alicloud
