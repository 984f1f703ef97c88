package stacks

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one invalid config value.
type Problem struct {
	// Key is the full config key with the path inside it, e.g.
	// "hybridlink:transitVpc.vSwitches[1].cidr".
	Key string
	// Value is the offending value ("" when missing); a secret is shown as
	// [secret].
	Value        string
	Problem, Fix string
}

func (p Problem) String() string {
	if p.Value == "" {
		return fmt.Sprintf("%s: %s; fix: %s", p.Key, p.Problem, p.Fix)
	}
	return fmt.Sprintf("%s = %s: %s; fix: %s", p.Key, p.Value, p.Problem, p.Fix)
}

// ConfigError is every problem found in one stack's configuration.
type ConfigError struct {
	Stack    string
	Problems []Problem
}

func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  - " + p.String()
	}
	return fmt.Sprintf("stack %s: %d configuration problem(s), nothing was deployed:\n%s", e.Stack, len(e.Problems), strings.Join(lines, "\n"))
}

// problems collects Problems, one per key and message.
type problems struct {
	list []Problem
	seen map[string]bool
}

func (ps *problems) add(key, value, problem, fix string) {
	if ps.seen == nil {
		ps.seen = map[string]bool{}
	}
	id := key + "\x00" + problem
	if ps.seen[id] {
		return
	}
	ps.seen[id] = true
	ps.list = append(ps.list, Problem{Key: key, Value: value, Problem: problem, Fix: fix})
}

// rekey moves the problems of key to where its value came from instead,
// with the fix there.
func (ps *problems) rekey(key, to, fix string) {
	for i, p := range ps.list {
		if p.Key == key {
			ps.list[i].Key, ps.list[i].Fix = to, fix
		}
	}
}

// keys returns the keys that have a problem so far.
func (ps *problems) keys() keySet {
	ks := keySet{}
	for _, p := range ps.list {
		ks[p.Key] = true
	}
	return ks
}

// keySet is a set of config keys.
type keySet map[string]bool

// cover reports whether key is in the set or lies inside the value of a key
// in it ("hybridlink:vpn.ike.version" inside "hybridlink:vpn").
func (ks keySet) cover(key string) bool {
	for k := range ks {
		if key == k || strings.HasPrefix(key, k+".") || strings.HasPrefix(key, k+"[") {
			return true
		}
	}
	return false
}

func (ps *problems) err(stack string) error {
	if len(ps.list) == 0 {
		return nil
	}
	sort.SliceStable(ps.list, func(i, j int) bool { return ps.list[i].Key < ps.list[j].Key })
	return &ConfigError{Stack: stack, Problems: ps.list}
}
