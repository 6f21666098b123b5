package rules

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"switchboard/core"
)

// explanation is a rule (or an unsaved condition) tried on one work order, part
// by part: the verdict comes from the service, and so does each part's.
type explanation struct {
	ruleID  core.ID // 0 for an unsaved condition
	name    string
	when    string
	number  string
	subject string
	verdict core.RuleTest
	parts   []partResult
	// engineer names the engineer the rule would pick, when it matches.
	engineer string
}

// partResult is one top-level && part of a condition on the work order.
type partResult struct {
	src     string
	matches bool
	err     string
	values  string // the work-order fields the part reads and their values
}

// explainedMsg carries an explanation back; seq drops stale ones, and form says
// whether the rule form asked (rather than the list).
type explainedMsg struct {
	form bool
	seq  int
	x    explanation
	err  error
}

// explain tries a saved rule (id ≠ 0) or an unsaved condition on work order
// number. Each && part is evaluated by the service on its own, so the console
// can say which parts hold and which do not, and show the fields they read.
func explain(svc *core.Service, id core.ID, name, when, number string, engineers map[core.ID]string) (explanation, error) {
	x := explanation{ruleID: id, name: name, when: when}
	w, err := svc.WorkOrder(number)
	if err != nil {
		return x, err
	}
	x.number, x.subject = w.Number, w.Subject
	if id != 0 {
		x.verdict, err = svc.TestRule(id, w.Number)
	} else {
		x.verdict, err = svc.TestCondition(when, w.Number)
	}
	if err != nil {
		return x, err
	}
	if x.verdict.Engineer != 0 {
		x.engineer = engineers[x.verdict.Engineer]
	}
	env := envValues(core.EnvFor(&w, svc.Now().Unix()))
	for _, p := range conjuncts(when) {
		r := partResult{src: p}
		t, err := svc.TestCondition(p, w.Number)
		if err != nil {
			r.err = err.Error()
		} else {
			r.matches = t.Matches
		}
		var vs []string
		for _, id := range identifiers(p) {
			if v, ok := env[id]; ok {
				vs = append(vs, id+" is "+v)
			}
		}
		r.values = strings.Join(vs, ", ")
		x.parts = append(x.parts, r)
	}
	return x, nil
}

func explainCmd(svc *core.Service, form bool, seq int, id core.ID, name, when, number string, engineers map[core.ID]string) tea.Cmd {
	return func() tea.Msg {
		x, err := explain(svc, id, name, when, number, engineers)
		return explainedMsg{form: form, seq: seq, x: x, err: err}
	}
}

// conjuncts splits a condition into its top-level && parts, as the engine's own
// explanations do; a condition that does not parse is one part.
func conjuncts(src string) []string {
	tree, err := parser.Parse(strings.TrimSpace(src))
	if err != nil {
		return []string{strings.TrimSpace(src)}
	}
	var out []string
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		if b, ok := n.(*ast.BinaryNode); ok && (b.Operator == "&&" || b.Operator == "and") {
			walk(b.Left)
			walk(b.Right)
			return
		}
		out = append(out, n.String())
	}
	walk(tree.Node)
	return out
}

type identVisitor map[string]bool

func (v identVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok {
		v[id.Value] = true
	}
}

// identifiers lists the names a condition reads, sorted.
func identifiers(src string) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := identVisitor{}
	ast.Walk(&tree.Node, v)
	out := make([]string, 0, len(v))
	for k := range v {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// envValues writes each field of a condition environment as a condition would
// read it, by its expression name: strings quoted, empty ones as "empty".
func envValues(env core.RuleEnv) map[string]string {
	v := reflect.ValueOf(env)
	t := v.Type()
	out := make(map[string]string, t.NumField())
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("expr")
		if name == "" {
			continue
		}
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			if f.String() == "" {
				out[name] = "empty"
			} else {
				out[name] = fmt.Sprintf("%q", f.String())
			}
		default:
			out[name] = fmt.Sprint(f.Interface())
		}
	}
	return out
}
