package oncall

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Schedule is an on-call schedule: layers of rotations, later layers on top,
// and overrides on top of all layers.
type Schedule struct {
	// Name identifies the schedule (in warroom, its key under paging.schedules).
	Name string `yaml:"-"`
	// Layers are stacked in order: where several have someone on call, the
	// last of them wins.
	Layers []Layer `yaml:"layers"`
	// Overrides put a user on call for a span of time regardless of layers.
	Overrides []Override `yaml:"overrides"`
}

// Layer is one level of a Schedule.
type Layer struct {
	// Name is reported as Shift.Layer.
	Name string `yaml:"name"`
	// Rotation says who is on call in this layer when.
	Rotation Rotation `yaml:"rotation"`
	// Restrict, when set, makes the layer active only inside the window;
	// outside it the layers below answer.
	Restrict *Window `yaml:"restrict"`
}

// Override puts User on call from Start up to, not including, End.
type Override struct {
	// User is the username on call during the override.
	User string `yaml:"user"`
	// Start is when the override begins.
	Start time.Time `yaml:"start"`
	// End is when it ends; it must be after Start.
	End time.Time `yaml:"end"`
}

// Shift is a span of time during which one user is on call for one reason.
type Shift struct {
	// User is the username on call.
	User string
	// Start is when the shift begins, inclusive.
	Start time.Time
	// End is when it ends, exclusive.
	End time.Time
	// Layer names the layer the shift comes from; it is empty for overrides.
	Layer string
	// Override is true when the shift comes from an Override.
	Override bool
}

// Validate reports every problem that keeps s from being used, joined,
// each starting with the key path of the field at fault (its name in
// warroom's config, e.g. layers[0].rotation.unit) and saying how to fix it.
func (s Schedule) Validate() error {
	_, errs := s.compile()
	return errors.Join(errs...)
}

// plan is a Schedule parsed for answering queries.
type plan struct {
	layers    []layer
	overrides []Override
}

// layer is a Layer parsed for arithmetic.
type layer struct {
	name     string
	rotation *rotation
	window   *window // nil when unrestricted
}

// compile parses s, reporting every problem it finds. Each problem's text
// starts with the key path of the field at fault, as in warroom's config
// (layers[0].rotation.unit: ...).
func (s Schedule) compile() (*plan, []error) {
	var errs []error
	if len(s.Layers) == 0 {
		errs = append(errs, errors.New("layers: empty; add at least one layer with a rotation"))
	}
	p := &plan{overrides: s.Overrides}
	for i, l := range s.Layers {
		c, lerrs := l.compile()
		errs = append(errs, under(fmt.Sprintf("layers[%d]", i), lerrs)...)
		if c != nil {
			p.layers = append(p.layers, *c)
		}
	}
	for i, o := range s.Overrides {
		errs = append(errs, under(fmt.Sprintf("overrides[%d]", i), o.validate())...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// compile parses l, reporting every problem it finds.
func (l Layer) compile() (*layer, []error) {
	var errs []error
	if strings.TrimSpace(l.Name) == "" {
		errs = append(errs, errors.New("name: empty; name the layer, it is reported as the shift's layer"))
	}
	r, rerrs := l.Rotation.compile()
	errs = append(errs, under("rotation", rerrs)...)
	c := &layer{name: l.Name, rotation: r}
	if l.Restrict != nil {
		loc := time.UTC
		if r != nil {
			loc = r.loc
		}
		var werrs []error
		c.window, werrs = l.Restrict.compile(loc)
		errs = append(errs, under("restrict", werrs)...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// validate reports every problem with one override.
func (o Override) validate() []error {
	var errs []error
	if strings.TrimSpace(o.User) == "" {
		errs = append(errs, errors.New("user: empty; set the username to put on call"))
	}
	switch {
	case o.Start.IsZero() || o.End.IsZero():
		errs = append(errs, errors.New("start: start and end must both be set, e.g. start: 2026-12-24T18:00:00+01:00"))
	case !o.End.After(o.Start):
		errs = append(errs, fmt.Errorf("end: %s is not after start %s; set end later than start",
			o.End.Format(time.RFC3339), o.Start.Format(time.RFC3339)))
	}
	return errs
}

// under puts key in front of each problem's key path: "unit: ..." under
// "rotation" becomes "rotation.unit: ...".
func under(key string, errs []error) []error {
	out := make([]error, len(errs))
	for i, err := range errs {
		out[i] = fmt.Errorf("%s.%w", key, err)
	}
	return out
}
