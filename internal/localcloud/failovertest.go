package localcloud

import (
	"fmt"
	"slices"
	"time"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// The Express Connect failover test: a job that shuts its circuits while it
// is Testing, for at most its duration, as CreateFailoverTestJob,
// StartFailoverTestJob and StopFailoverTestJob do. The provider creates the
// job (Init, or Testing for StartNow), starts it when status is set to
// Testing and stops it when status is set to Stopped; the API deletes only a
// job in Init or Stopped (IncorrectStatus.OnlyForInitOrStopped). The
// transitional Starting and Stopping states are not modelled: the local
// cloud's operations complete at once. Every VBR on a circuit
// under test loses its BGP session, whichever stack it belongs to, as on a
// real circuit shared by several VBRs.

// checkFailoverTestJob: 1–16 circuits of this account and region
// (docCreateFailoverTestJob); a stopped job cannot start again, only a job
// in Init starts (docStartFailoverTestJob); no test starts on a circuit
// already under test, nor, in the sandbox's reading of "a failover test of
// type StartNow in the region", while another test is testing in the region
// (docCreateFailoverTestJob).
func checkFailoverTestJob(c *checker) {
	if n, ok := c.count("resourceIds"); ok && (n < 1 || n > limits.FailoverTestMaxResources) {
		c.check("resourceIds", fmt.Errorf("%d circuits given; give 1–%d", n, limits.FailoverTestMaxResources))
	}
	circuits := c.in.Strings("resourceIds")
	for i, pc := range circuits {
		if !c.st.circuitExists(pc, c.region) {
			c.fail(fmt.Sprintf("resourceIds[%d]", i), "InvalidResourceId.NotFound",
				"physical connection %s has no VBR in %s: a failover test shuts only circuits of this account and region", pc, c.region)
		}
	}
	old := c.st.get(inventory.FailoverTestJob, c.self).outputsOrNil()
	from := field(old, "status")
	to := nextFailoverStatus(from, field(c.in.Props, "jobType"), field(c.in.Props, "status"))
	if from == limits.FailoverTestStopped && field(c.in.Props, "status") == limits.FailoverTestTesting {
		c.fail("status", "IncorrectStatus.OnlyForInit", "job %s is Stopped; only a job in Init can start: create a new job to test again", c.self)
	}
	if to != limits.FailoverTestTesting || from == limits.FailoverTestTesting {
		return
	}
	for _, r := range c.others(inventory.FailoverTestJob) {
		if field(r.Outputs, "status") != limits.FailoverTestTesting {
			continue
		}
		if r.Region == c.region {
			c.fail("status", "OperationFailed.FailoverTestJobRunning", "failover test job %s%s is already testing in %s; stop it first", r.ID, urnName(r.URN), c.region)
		}
		for _, pc := range circuits {
			if slices.Contains(inventory.Resource{Props: r.Outputs}.Strings("resourceIds"), pc) {
				c.fail("resourceIds", "OperationFailed.ResourceInTest", "physical connection %s is already under test by job %s", pc, r.ID)
			}
		}
	}
}

// nextFailoverStatus is the job's state after an operation: a new job is in
// Init, or Testing when it starts now or is asked to; a job in Init starts
// when asked; any job not yet Stopped stops when asked.
func nextFailoverStatus(from, jobType, want string) string {
	switch {
	case from == "" && (jobType == limits.FailoverTestStartNow || want == limits.FailoverTestTesting):
		return limits.FailoverTestTesting
	case from == "":
		return limits.FailoverTestInit
	case from == limits.FailoverTestInit && want == limits.FailoverTestTesting:
		return limits.FailoverTestTesting
	case want == limits.FailoverTestStopped:
		return limits.FailoverTestStopped
	}
	return from
}

func failoverTestJobOutputs(b *builder) {
	b.set("status", str(nextFailoverStatus(field(b.old, "status"), field(b.in.Props, "jobType"), field(b.in.Props, "status"))))
	b.def("description", str(""))
	b.def("ecFailoverTestJobName", str(""))
}

// settleFailoverTestJob records when a job started testing and stops it
// once its duration has passed.
func settleFailoverTestJob(st *state, r *record) {
	if field(r.Outputs, "status") != limits.FailoverTestTesting {
		return
	}
	if r.Started == nil {
		now := st.now
		r.Started = &now
		return
	}
	minutes, _ := inventory.Resource{Props: r.Outputs}.Int("jobDuration")
	if !st.now.Before(r.Started.Add(time.Duration(minutes) * time.Minute)) {
		r.Outputs["status"] = str(limits.FailoverTestStopped)
	}
}

// failoverTestJobUndeletable refuses to delete a job that is testing: the
// API deletes only a job in Init or Stopped (docDeleteFailoverTestJob).
func failoverTestJobUndeletable(r *record) string {
	if s := field(r.Outputs, "status"); s != limits.FailoverTestInit && s != limits.FailoverTestStopped {
		return fmt.Sprintf("IncorrectStatus.OnlyForInitOrStopped: failover test job %s is %s; stop it first", r.ID, s)
	}
	return ""
}

// circuitExists reports whether a physical connection carries a VBR of the
// account in the region: the local cloud knows circuits only by their VBRs.
func (st *state) circuitExists(pc, region string) bool {
	for _, v := range st.ofType(inventory.VBR) {
		if field(v.Outputs, "physicalConnectionId") == pc && v.Region == region {
			return true
		}
	}
	return false
}

// underTest reports whether a failover test job is testing a circuit.
func (st *state) underTest(pc string) bool {
	for _, r := range st.ofType(inventory.FailoverTestJob) {
		if field(r.Outputs, "status") == limits.FailoverTestTesting &&
			slices.Contains(inventory.Resource{Props: r.Outputs}.Strings("resourceIds"), pc) {
			return true
		}
	}
	return false
}
