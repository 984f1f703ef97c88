package components

import (
	"fmt"
	"strings"
)

// ArgError is one invalid argument of a component.
type ArgError struct {
	// Field is the argument's path in the Args struct, e.g.
	// "ExpressConnect.VLANID" or "TransitVPC.VSwitches[1].CIDR".
	Field string
	// Value is the offending value as given ("" when missing). Secrets are
	// never recorded.
	Value string
	// Problem says what rule the value breaks; Fix says what to do instead.
	Problem, Fix string
	// Related is the path of another argument the problem names (the other
	// side of an overlap), or "".
	Related string
}

func (e *ArgError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s; %s", e.Field, e.Problem, e.Fix)
	}
	return fmt.Sprintf("%s = %s: %s; %s", e.Field, e.Value, e.Problem, e.Fix)
}

// ArgErrors is every problem found in one Args value (and the component's
// name). errors.As finds it, and each *ArgError in it, in a constructor's
// error.
type ArgErrors []*ArgError

// Unwrap lets errors.As and errors.Is reach each ArgError.
func (es ArgErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (es ArgErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = "  - " + e.Error()
	}
	return fmt.Sprintf("%d invalid argument(s):\n%s", len(es), strings.Join(lines, "\n"))
}

// checker collects ArgErrors under a field-path prefix.
type checker struct {
	prefix string
	errs   *ArgErrors
}

func newChecker() checker { return checker{errs: &ArgErrors{}} }

// at returns a checker for a nested struct or element: c.at("VPN").at("IKE").
func (c checker) at(field string) checker {
	return checker{prefix: c.path(field), errs: c.errs}
}

func (c checker) path(field string) string {
	switch {
	case field == "":
		return c.prefix
	case c.prefix == "":
		return field
	case strings.HasPrefix(field, "["):
		return c.prefix + field
	}
	return c.prefix + "." + field
}

// check records err, if any, against field with the value that caused it.
func (c checker) check(field string, value any, err error, fix string) {
	if err != nil {
		c.fail(field, value, err.Error(), fix)
	}
}

func (c checker) fail(field string, value any, problem, fix string) {
	v := ""
	if value != nil {
		v = fmt.Sprint(value)
	}
	*c.errs = append(*c.errs, &ArgError{Field: c.path(field), Value: v, Problem: problem, Fix: fix})
}

func (c checker) missing(field, fix string) {
	c.fail(field, nil, "is required", fix)
}

func (c checker) err() error {
	if len(*c.errs) == 0 {
		return nil
	}
	return *c.errs
}

// argsError wraps validation problems with the component they belong to.
func argsError(argsType, name string, err error) error {
	return fmt.Errorf("components: invalid %s for %q: %w", argsType, name, err)
}
