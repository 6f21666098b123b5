package core

import (
	"slices"

	"github.com/expr-lang/expr/ast"
)

// stringFields reads the string fields of RuleEnv that rules most often test for
// equality. A condition's top-level parts of the form `field == "x"` or
// `field in ["x", "y"]` on these fields become prefilters: plain string
// comparisons checked before the expression runs, so that with hundreds of rules
// most of them are ruled out without starting the expression machine.
var stringFields = map[string]func(*RuleEnv) string{
	"record_type":   func(e *RuleEnv) string { return e.RecordType },
	"priority":      func(e *RuleEnv) string { return e.Priority },
	"region":        func(e *RuleEnv) string { return e.Region },
	"channel":       func(e *RuleEnv) string { return e.Channel },
	"status":        func(e *RuleEnv) string { return e.Status },
	"node":          func(e *RuleEnv) string { return e.Node },
	"account_name":  func(e *RuleEnv) string { return e.AccountName },
	"device_code":   func(e *RuleEnv) string { return e.DeviceCode },
	"created_by":    func(e *RuleEnv) string { return e.CreatedBy },
	"assign_way__c": func(e *RuleEnv) string { return e.AssignWay },
}

// prefilter is one necessary condition: the field's value is one of values.
type prefilter struct {
	field  string
	get    func(*RuleEnv) string
	values []string
}

func (f *prefilter) pass(env *RuleEnv) bool {
	v := f.get(env)
	for _, want := range f.values {
		if v == want {
			return true
		}
	}
	return false
}

// prefilterOf recognises `field == "lit"`, `"lit" == field` and
// `field in ["a", "b"]` on a string field.
func prefilterOf(n ast.Node) (prefilter, bool) {
	b, ok := n.(*ast.BinaryNode)
	if !ok {
		return prefilter{}, false
	}
	switch b.Operator {
	case "==":
		id, lit := b.Left, b.Right
		if _, ok := id.(*ast.IdentifierNode); !ok {
			id, lit = lit, id
		}
		idn, ok1 := id.(*ast.IdentifierNode)
		s, ok2 := lit.(*ast.StringNode)
		if !ok1 || !ok2 {
			return prefilter{}, false
		}
		if get, ok := stringFields[idn.Value]; ok {
			return prefilter{field: idn.Value, get: get, values: []string{s.Value}}, true
		}
	case "in":
		idn, ok1 := b.Left.(*ast.IdentifierNode)
		arr, ok2 := b.Right.(*ast.ArrayNode)
		if !ok1 || !ok2 {
			return prefilter{}, false
		}
		get, ok := stringFields[idn.Value]
		if !ok {
			return prefilter{}, false
		}
		var vals []string
		for _, e := range arr.Nodes {
			s, ok := e.(*ast.StringNode)
			if !ok {
				return prefilter{}, false
			}
			if !slices.Contains(vals, s.Value) {
				vals = append(vals, s.Value)
			}
		}
		return prefilter{field: idn.Value, get: get, values: vals}, true
	}
	return prefilter{}, false
}
