package core

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// RuleEnv is what a rule condition sees: the work order under its SPEC JSON keys
// (R-CLI), so `record_type == "Repair" && region in ["East", "North"]` reads the
// same as the JSON a user gets from `wo show --json`. Ids are whole numbers, 0
// when unset.
type RuleEnv struct {
	Number       string `expr:"number"`
	Subject      string `expr:"subject"`
	Description  string `expr:"description"`
	RecordType   string `expr:"record_type"`
	Priority     string `expr:"priority"`
	Status       string `expr:"status"`
	Node         string `expr:"node"`
	Channel      string `expr:"channel"`
	AccountID    int    `expr:"account_id"`
	AccountName  string `expr:"account_name"`
	ContactID    int    `expr:"contact_id"`
	ContactName  string `expr:"contact_name"`
	Phone        string `expr:"phone"`
	Email        string `expr:"email"`
	Region       string `expr:"region"`
	Address      string `expr:"address"`
	DeviceCode   string `expr:"device_code"`
	OutOwner     int    `expr:"out_owner"`
	CreatedBy    string `expr:"created_by"`
	AssignUser   string `expr:"assign_user"`
	AssignWay    string `expr:"assign_way__c"`
	FieldPartner int    `expr:"field_partner__c"`
	Engineer     int    `expr:"field_outDealUser__c"`
	// AgeHours is how long ago the work order was created, in whole hours.
	AgeHours int `expr:"age_hours"`
}

// RuleFields lists the names a condition may use, for help texts.
func RuleFields() []string {
	return []string{"number", "subject", "description", "record_type", "priority", "status", "node", "channel",
		"account_id", "account_name", "contact_id", "contact_name", "phone", "email", "region", "address",
		"device_code", "out_owner", "created_by", "assign_user", "assign_way__c", "field_partner__c",
		"field_outDealUser__c", "age_hours"}
}

// EnvFor builds the condition environment of w at time now.
func EnvFor(w *WorkOrder, nowUnix int64) RuleEnv {
	age := 0
	if !w.CreatedAt.IsZero() {
		age = int((nowUnix - w.CreatedAt.Unix()) / 3600)
	}
	return RuleEnv{
		Number: w.Number, Subject: w.Subject, Description: w.Description, RecordType: w.RecordType,
		Priority: string(w.Priority), Status: string(w.Status), Node: string(w.Node), Channel: string(w.Channel),
		AccountID: int(w.AccountID), AccountName: w.AccountName, ContactID: int(w.ContactID), ContactName: w.ContactName,
		Phone: w.Phone, Email: w.Email, Region: w.Region, Address: w.Address, DeviceCode: w.DeviceCode,
		OutOwner: int(w.OutOwner), CreatedBy: w.CreatedBy, AssignUser: w.AssignUser, AssignWay: w.AssignWay,
		FieldPartner: int(w.FieldPartner), Engineer: int(w.FieldOutDealUser), AgeHours: age,
	}
}

// Condition is a compiled, type-checked rule condition. Its top-level `&&` parts
// are compiled too, so a failed match can say which part was false and why.
type Condition struct {
	Source string
	prog   *vm.Program
	parts  []conditionPart
	// filters are necessary conditions checked before prog runs (see prefilter).
	filters []prefilter
}

type conditionPart struct {
	src  string
	prog *vm.Program
	// filter is 1 + the index in filters of the prefilter that is this very
	// part (0: none): an explanation checks it without the expression machine.
	filter int
	fields []fieldGetter // the fields the part reads, for explanations
}

// fieldGetter reads one field for an explanation: straight from the
// environment struct when it is a top-level string, whole number or yes/no
// field (index), else by running prog.
type fieldGetter struct {
	name  string
	prog  *vm.Program
	index int
	kind  reflect.Kind
}

// maxConditionLen bounds what a person can type as a condition.
const maxConditionLen = 2000

// CompileCondition parses and type-checks src against RuleEnv. A bad condition is
// refused with a *ValidationError (field "when") that gives the line, column and
// reason, e.g. `Condition error at 1:8: unknown name regoin`.
func CompileCondition(src string) (*Condition, error) {
	return compileCondition(src, RuleEnv{}, RuleFields(), true,
		"A condition is required, e.g. record_type == \"Repair\" && region in [\"East\", \"North\"]; use true to match every work order.")
}

// compileCondition compiles src against env (a struct value whose expr tags are
// the names a condition may use). filters turns on the dispatch prefilters,
// which read RuleEnv and so only apply to conditions over it.
func compileCondition(src string, env any, fields []string, filters bool, missing string) (*Condition, error) {
	src = strings.TrimSpace(src)
	if src == "" {
		return nil, Invalid("when", "%s", missing)
	}
	if len(src) > maxConditionLen {
		return nil, Invalid("when", "The condition is %d characters long; the limit is %d.", len(src), maxConditionLen)
	}
	opts := []expr.Option{expr.Env(env), expr.AsBool(), expr.Optimize(true)}
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, conditionError(err, fields)
	}
	c := &Condition{Source: src, prog: prog}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, conditionError(err, fields)
	}
	direct := directFields(env)
	for _, n := range conjuncts(tree.Node) {
		filter := 0
		if filters {
			if f, ok := prefilterOf(n); ok {
				c.filters = append(c.filters, f)
				filter = len(c.filters)
			}
		}
		part := n.String()
		p, err := expr.Compile(part, opts...)
		if err != nil {
			// The whole type-checks as bool, so each && operand does too; if not,
			// explanations simply fall back to the whole condition.
			c.parts = nil
			break
		}
		cp := conditionPart{src: part, prog: p, filter: filter}
		for _, name := range identifiers(n) {
			if g, err := expr.Compile(name, expr.Env(env)); err == nil {
				fg := fieldGetter{name: name, prog: g, index: -1}
				if sf, ok := direct[name]; ok {
					fg.index, fg.kind = sf.Index[0], sf.Type.Kind()
				}
				cp.fields = append(cp.fields, fg)
			}
		}
		c.parts = append(c.parts, cp)
	}
	return c, nil
}

// directFields are env's top-level fields an explanation can read without
// the expression machine, by their expr names.
func directFields(env any) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	t := reflect.TypeOf(env)
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("expr")
		switch f.Type.Kind() {
		case reflect.String, reflect.Int, reflect.Bool:
			if name != "" && f.IsExported() {
				out[name] = f
			}
		}
	}
	return out
}

func conditionError(err error, fields []string) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		hint := ""
		switch {
		case strings.HasPrefix(fe.Message, "unknown name "):
			name := strings.TrimSpace(strings.TrimPrefix(fe.Message, "unknown name "))
			switch near := nearestField(name, fields); {
			case near != "":
				hint = " Did you mean " + near + "?"
			case slices.Contains(RuleFields(), name) || slices.Contains(MailFields(), name):
				hint = " " + name + " is a field of other rules, not of these."
			case nearestField(name, append(RuleFields(), MailFields()...)) != "":
				hint = " It is no field of these rules."
			default:
				hint = fmt.Sprintf(" To compare with the text %s, put it in quotes: \"%s\".", name, name)
			}
			hint += " Fields: " + strings.Join(fields, ", ") + "."
		case fe.Message == `unexpected token Operator("=")`:
			hint = " Compare with == (one = is not an operator), e.g. region == \"East\"."
		}
		return Invalid("when", "Condition error at %d:%d: %s.%s", fe.Line, fe.Column+1, fe.Message, hint)
	}
	return Invalid("when", "Condition error: %v; a condition must be true or false, e.g. priority == \"urgent\".", err)
}

// nearestField is the field a mistyped name most likely meant: the same but
// for case, or at most two letters off (one for short names); "" if none is.
func nearestField(name string, fields []string) string {
	best, bestD := "", 3
	if len([]rune(name)) <= 4 {
		bestD = 2
	}
	for _, f := range fields {
		if strings.EqualFold(f, name) {
			return f
		}
		if d := editDistance(strings.ToLower(name), strings.ToLower(f)); d < bestD {
			best, bestD = f, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counting a swap
// of two neighbouring letters as one edit ("regoin" is one from "region").
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range y {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// conjuncts splits a && b && c into its parts.
func conjuncts(n ast.Node) []ast.Node {
	if b, ok := n.(*ast.BinaryNode); ok && (b.Operator == "&&" || b.Operator == "and") {
		return append(conjuncts(b.Left), conjuncts(b.Right)...)
	}
	return []ast.Node{n}
}

type identVisitor struct{ names map[string]bool }

func (v *identVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok {
		v.names[id.Value] = true
	}
}

func identifiers(n ast.Node) []string {
	v := &identVisitor{names: map[string]bool{}}
	ast.Walk(&n, v)
	out := make([]string, 0, len(v.names))
	for k := range v.names {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Match evaluates the condition on env.
func (c *Condition) Match(env *RuleEnv) (bool, error) {
	for i := range c.filters {
		if !c.filters[i].pass(env) {
			return false, nil // a top-level && part is false: so is the whole
		}
	}
	m := vmPool.Get().(*vm.VM)
	out, err := m.Run(c.prog, env)
	vmPool.Put(m)
	if err != nil {
		return false, fmt.Errorf("condition %q failed to run: %w", c.Source, err)
	}
	b, _ := out.(bool)
	return b, nil
}

// vmPool keeps expr's machines (their stacks grown) for the next condition:
// dispatch matches hundreds of them per work order.
var vmPool = sync.Pool{New: func() any { return new(vm.VM) }}

// Explain says why the condition does not match env: the first top-level part
// that is false, with the values of the fields it reads.
func (c *Condition) Explain(env *RuleEnv) string { return c.explain(env) }

func (c *Condition) explain(env any) string {
	var m *vm.VM
	run := func(p *vm.Program) (any, error) {
		if m == nil {
			m = vmPool.Get().(*vm.VM)
		}
		return m.Run(p, env)
	}
	defer func() {
		if m != nil {
			vmPool.Put(m)
		}
	}()
	renv, _ := env.(*RuleEnv)
	for _, p := range c.parts {
		var ok bool
		if p.filter > 0 && renv != nil {
			ok = c.filters[p.filter-1].pass(renv)
		} else {
			out, err := run(p.prog)
			if err != nil {
				return fmt.Sprintf("%s could not be evaluated: %v", p.src, err)
			}
			ok, _ = out.(bool)
		}
		if !ok {
			return p.src + " is false (" + fieldValues(run, p.fields, env) + ")"
		}
	}
	return c.Source + " is false"
}

// fieldValues says what each field is: `region is "East", attachments is 0`.
func fieldValues(run func(*vm.Program) (any, error), fields []fieldGetter, env any) string {
	var b []byte
	ev := reflect.Indirect(reflect.ValueOf(env))
	for _, f := range fields {
		var v any
		if f.index >= 0 {
			fv := ev.Field(f.index)
			switch f.kind {
			case reflect.String:
				v = fv.String()
			case reflect.Int:
				v = int(fv.Int())
			case reflect.Bool:
				v = fv.Bool()
			}
		} else {
			var err error
			if v, err = run(f.prog); err != nil {
				continue
			}
		}
		if len(b) > 0 {
			b = append(b, ", "...)
		}
		b = append(b, f.name...)
		switch v := v.(type) {
		case string:
			if v == "" {
				b = append(b, " is empty"...)
				continue
			}
			b = strconv.AppendQuote(append(b, " is "...), v)
		case int:
			b = strconv.AppendInt(append(b, " is "...), int64(v), 10)
		case bool:
			b = strconv.AppendBool(append(b, " is "...), v)
		default:
			b = fmt.Appendf(b, " is %v", v)
		}
	}
	if len(b) == 0 {
		return "no fields involved"
	}
	return string(b)
}
