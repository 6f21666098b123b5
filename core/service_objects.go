package core

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Terminal-task objects besides a device (seed 000: a terminal task may
// "create associated objects", e.g. a payment fee): an admin defines small
// object types — a name and a few fields — and a terminal-task node lets the
// customer create one; it is stored with the work order and shown to staff.

const settingObjectTypes = "task.object_types"

// ObjectType is a kind of record a customer may create on a terminal task.
type ObjectType struct {
	Name   string        `json:"name"`  // e.g. "payment"
	Label  string        `json:"label"` // e.g. "Payment fee"
	Fields []ObjectField `json:"fields"`
}

// ObjectField is one field of an object type.
type ObjectField struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Required bool   `json:"required,omitempty"`
}

// WorkOrderObject is one object a customer created on a work order's task.
type WorkOrderObject struct {
	Type      string        `json:"type"`
	Label     string        `json:"label"`
	Values    []ObjectValue `json:"values"`
	CreatedAt time.Time     `json:"created_at"`
	CreatedBy string        `json:"created_by"`
}

// ObjectValue is one field's value.
type ObjectValue struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// Summary is the object in one line: "Payment fee: Amount 120; Method cash".
func (o WorkOrderObject) Summary() string {
	var parts []string
	for _, v := range o.Values {
		if v.Value != "" {
			parts = append(parts, v.Label+" "+v.Value)
		}
	}
	return o.Label + ": " + strings.Join(parts, "; ")
}

var objectNameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// MaxObjectFields bounds an object type.
const MaxObjectFields = 12

// maxObjectValue is the longest value of an object field.
const maxObjectValue = 500

func readObjectTypes(tx Tx) ([]ObjectType, error) {
	var ts []ObjectType
	_, err := getJSON(tx, settingObjectTypes, &ts)
	return ts, err
}

func findObjectType(ts []ObjectType, name string) (ObjectType, bool) {
	i := slices.IndexFunc(ts, func(t ObjectType) bool { return t.Name == name })
	if i < 0 {
		return ObjectType{}, false
	}
	return ts[i], true
}

// ObjectTypes lists the object types.
func (s *Service) ObjectTypes() ([]ObjectType, error) {
	var ts []ObjectType
	err := s.store.View(func(tx Tx) (err error) {
		ts, err = readObjectTypes(tx)
		return err
	})
	return ts, err
}

// SaveObjectType adds an object type or replaces the one of that name
// (admins only).
func (s *Service) SaveObjectType(as Actor, t ObjectType) (ObjectType, error) {
	if err := require(as, "define terminal-task objects", RoleAdmin); err != nil {
		return ObjectType{}, err
	}
	t.Name = strings.ToLower(strings.TrimSpace(t.Name))
	var errs ValidationErrors
	switch {
	case !objectNameRE.MatchString(t.Name):
		errs = append(errs, Invalid("name", "An object type's name is lower-case letters, digits, - and _ (at most 32, starting with a letter), e.g. payment, not %q.", t.Name))
	case t.Name == "device":
		errs = append(errs, Invalid("name", "device is built in: name the new object type otherwise."))
	}
	label, verr := oneLine("label", "The label", t.Label, false, 40)
	if verr != nil {
		errs = append(errs, verr)
	}
	t.Label = label
	if t.Label == "" {
		t.Label = t.Name
	}
	if len(t.Fields) == 0 || len(t.Fields) > MaxObjectFields {
		errs = append(errs, Invalid("fields", "An object type has 1 to %d fields, e.g. --field amount:Amount:required.", MaxObjectFields))
	}
	var keys []string
	for i := range t.Fields {
		f := &t.Fields[i]
		f.Key = strings.ToLower(strings.TrimSpace(f.Key))
		if !objectNameRE.MatchString(f.Key) || strings.Contains(f.Key, "-") {
			errs = append(errs, Invalid("fields", "Field key %q: lower-case letters, digits and _ (starting with a letter).", f.Key))
		} else if slices.Contains(keys, f.Key) {
			errs = append(errs, Invalid("fields", "Field %q is there twice.", f.Key))
		}
		keys = append(keys, f.Key)
		l, verr := oneLine("fields", "A field label", f.Label, false, 40)
		if verr != nil {
			errs = append(errs, verr)
		}
		f.Label = l
		if f.Label == "" {
			f.Label = f.Key
		}
	}
	if err := errs.Err(); err != nil {
		return ObjectType{}, err
	}
	err := s.store.Update(func(tx Tx) error {
		ts, err := readObjectTypes(tx)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(ts, func(o ObjectType) bool { return o.Name == t.Name }); i >= 0 {
			ts[i] = t
		} else {
			ts = append(ts, t)
		}
		return putJSON(tx, settingObjectTypes, ts)
	})
	return t, err
}

// RemoveObjectType deletes an object type no process uses (admins only).
func (s *Service) RemoveObjectType(as Actor, name string) error {
	if err := require(as, "define terminal-task objects", RoleAdmin); err != nil {
		return err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	return s.store.Update(func(tx Tx) error {
		ts, err := readObjectTypes(tx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ts, func(o ObjectType) bool { return o.Name == name })
		if i < 0 {
			return NotFoundf("There is no object type %q: list them with `switchboard object list`.", name)
		}
		for _, rt := range DefaultRecordTypes {
			p, err := readProcess(tx, rt)
			if err != nil {
				return err
			}
			if pn, ok := p.Find(NodeTerminalTask); ok && pn.Task != nil && pn.Task.Create != nil && pn.Task.Create.Object == name {
				return Invalid("name", "The %s process's terminal task creates %s objects: change the process first.", rt, name)
			}
		}
		return putJSON(tx, settingObjectTypes, slices.Delete(ts, i, i+1))
	})
}

// checkTaskObject checks, in the transaction that saves p, that the object
// its terminal task creates exists with the fields it names (all of them
// when it names none).
func checkTaskObject(tx Tx, p *Process) error {
	for i := range p.Nodes {
		n := &p.Nodes[i]
		if n.Node != NodeTerminalTask || n.Task == nil || n.Task.Create == nil || n.Task.Create.Object == "device" {
			continue
		}
		ts, err := readObjectTypes(tx)
		if err != nil {
			return err
		}
		t, ok := findObjectType(ts, n.Task.Create.Object)
		if !ok {
			return Invalid("task.create.object", "%s: a terminal task cannot create %q: define it first (`switchboard object add --name %s --field KEY:LABEL`), or use device.", p.RecordType, n.Task.Create.Object, n.Task.Create.Object)
		}
		var fields []string
		for _, f := range t.Fields {
			if len(n.Task.Create.Fields) == 0 || f.Required || slices.Contains(n.Task.Create.Fields, f.Key) {
				fields = append(fields, f.Key)
			}
		}
		for _, f := range n.Task.Create.Fields {
			if !slices.ContainsFunc(t.Fields, func(o ObjectField) bool { return o.Key == f }) {
				return Invalid("task.create.fields", "%s: a %s has no field %q.", p.RecordType, t.Name, f)
			}
		}
		n.Task.Create.Fields = fields
	}
	return nil
}

// taskObject builds the custom object a terminal task creates (nil when the
// customer left every field empty and none is required).
func taskObject(t ObjectType, c *CreateObject, vals map[string]string, by string, now time.Time) (*WorkOrderObject, ValidationErrors) {
	var errs ValidationErrors
	for k := range vals {
		if !slices.Contains(c.Fields, k) {
			errs = append(errs, Invalid("object."+k, "A new %s has no field %s here.", t.Label, k))
		}
	}
	o := &WorkOrderObject{Type: t.Name, Label: t.Label, CreatedAt: now, CreatedBy: by}
	empty, required := true, false
	for _, f := range t.Fields {
		if !slices.Contains(c.Fields, f.Key) {
			continue
		}
		v, verr := cleanText("object."+f.Key, f.Label, vals[f.Key], false, maxObjectValue)
		if verr != nil {
			errs = append(errs, verr)
			continue
		}
		required = required || f.Required
		if v == "" && f.Required {
			errs = append(errs, Invalid("object."+f.Key, "%s is required.", f.Label))
		}
		empty = empty && v == ""
		o.Values = append(o.Values, ObjectValue{Key: f.Key, Label: f.Label, Value: v})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if empty && !required {
		return nil, nil
	}
	return o, nil
}
