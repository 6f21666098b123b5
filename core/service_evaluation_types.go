package core

import (
	"encoding/json"
	"strings"
)

// settingEvalTypes holds the evaluation record types and layouts (R-EVAL-1).
const settingEvalTypes = "evaluation.types"

// readEvaluationTypes returns the configured record types, or the shipped ones.
func readEvaluationTypes(tx Tx) ([]EvaluationType, error) {
	var ts []EvaluationType
	ok, err := getJSON(tx, settingEvalTypes, &ts)
	if err != nil {
		return nil, err
	}
	if !ok || len(ts) == 0 {
		return DefaultEvaluationTypes(), nil
	}
	return ts, nil
}

// findEvalType finds a record type by name, ignoring case.
func findEvalType(ts []EvaluationType, name string) (EvaluationType, bool) {
	for _, t := range ts {
		if strings.EqualFold(t.Name, strings.TrimSpace(name)) {
			return t, true
		}
	}
	return EvaluationType{}, false
}

func evalTypeNames(ts []EvaluationType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return orList(names)
}

// EvaluationTypes returns the evaluation record types with their layouts.
func (s *Service) EvaluationTypes() ([]EvaluationType, error) {
	var ts []EvaluationType
	err := s.store.View(func(tx Tx) (err error) {
		ts, err = readEvaluationTypes(tx)
		return err
	})
	return ts, err
}

// SetEvaluationTypes validates and saves the whole set of evaluation record
// types (admins only). A type that an evaluation node or an evaluation rule
// still uses cannot be removed: the refusal names who uses it. Evaluations
// already submitted keep their answers whatever happens to their type.
func (s *Service) SetEvaluationTypes(as Actor, ts []EvaluationType) ([]EvaluationType, error) {
	if err := require(as, "change evaluation record types", RoleAdmin); err != nil {
		return nil, err
	}
	ts = cloneEvalTypes(ts)
	if err := ValidateEvaluationTypes(ts); err != nil {
		return nil, err
	}
	err := s.store.Update(func(tx Tx) error {
		if err := checkEvalTypesInUse(tx, ts); err != nil {
			return err
		}
		return putJSON(tx, settingEvalTypes, ts)
	})
	if err != nil {
		return nil, err
	}
	s.broker.publish(Change{Kind: "evaluation-types"})
	return ts, nil
}

func cloneEvalTypes(ts []EvaluationType) []EvaluationType {
	out := make([]EvaluationType, len(ts))
	for i, t := range ts {
		out[i] = t
		out[i].Fields = make([]EvalField, len(t.Fields))
		for j, f := range t.Fields {
			f.Options = append([]string(nil), f.Options...)
			f.OptionsZH = append([]string(nil), f.OptionsZH...)
			out[i].Fields[j] = f
		}
	}
	return out
}

// checkEvalTypesInUse refuses a set of types that lacks one an evaluation node
// or rule names.
func checkEvalTypesInUse(tx Tx, ts []EvaluationType) error {
	for _, rt := range DefaultRecordTypes {
		p, err := readProcess(tx, rt)
		if err != nil {
			return err
		}
		if pn, ok := p.Find(NodeFollowUp); ok && pn.FollowUp != nil && pn.FollowUp.Type != "" {
			if _, ok := findEvalType(ts, pn.FollowUp.Type); !ok {
				return Invalid("types", "The follow-up node of the %s process uses the record type %q for its form: change the node first (`switchboard process export`/`import`).", rt, pn.FollowUp.Type)
			}
		}
		if pn, ok := p.Find(NodeEvaluation); ok && pn.Evaluation != nil && pn.Evaluation.Mode == EvalModeQR {
			if _, ok := findEvalType(ts, pn.Evaluation.Type); !ok {
				return Invalid("types", "The evaluation node of the %s process uses the record type %q: change the node first (`switchboard process export`/`import`).", rt, pn.Evaluation.Type)
			}
		}
	}
	rs, err := tx.Rules(RuleEvaluation)
	if err != nil {
		return err
	}
	fr, err := tx.Rules(RuleFollowUp)
	if err != nil {
		return err
	}
	for _, r := range append(rs, fr...) {
		if _, ok := findEvalType(ts, r.EvalType); !ok {
			return Invalid("types", "%s rule #%d %q uses the record type %q: change or delete the rule first.", strings.ToUpper(string(r.Kind[:1]))+string(r.Kind[1:]), r.ID, r.Name, r.EvalType)
		}
	}
	return nil
}

// checkEvaluationNode refuses a process whose QR evaluation node names a
// record type that does not exist (SetProcesses calls it in its transaction).
func checkEvaluationNode(tx Tx, p Process) error {
	pn, ok := p.Find(NodeEvaluation)
	if !ok || pn.Evaluation == nil {
		return nil
	}
	e := pn.Evaluation
	if e.Mode == EvalModeQR {
		ts, err := readEvaluationTypes(tx)
		if err != nil {
			return err
		}
		t, ok := findEvalType(ts, e.Type)
		if !ok {
			return Invalid("evaluation.type", "%s: there is no evaluation record type %q: use %s.", p.RecordType, e.Type, evalTypeNames(ts))
		}
		e.Type = t.Name
	}
	if e.Handler != "" {
		u, err := tx.UserByLogin(e.Handler)
		if err != nil {
			return Invalid("evaluation.handler", "%s: there is no user %q to handle evaluations: list them with `switchboard user list`, or leave the handler empty for the service engineer.", p.RecordType, e.Handler)
		}
		if u.Disabled {
			return Invalid("evaluation.handler", "%s: user %q is disabled and cannot handle evaluations.", p.RecordType, u.Login)
		}
	}
	return nil
}

// EvaluationTypesFile is what `switchboard evaluation type export|import`
// writes and reads.
type EvaluationTypesFile struct {
	Types []EvaluationType `json:"types"`
}

// ExportEvaluationTypes writes the record types as indented JSON.
func (s *Service) ExportEvaluationTypes() ([]byte, error) {
	ts, err := s.EvaluationTypes()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(EvaluationTypesFile{Types: ts}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ImportEvaluationTypes reads a types file and saves the whole set, or
// nothing when any part is wrong.
func (s *Service) ImportEvaluationTypes(as Actor, data []byte) ([]EvaluationType, error) {
	var f EvaluationTypesFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, Invalid("file", "The evaluation types file is not valid: %s. Start from `switchboard evaluation type export`.", jsonProblem(data, err))
	}
	if len(f.Types) == 0 {
		return nil, Invalid("file", "The file lists no record types: it needs {\"types\": [{\"name\": …, \"fields\": […]}]}. Start from `switchboard evaluation type export`.")
	}
	return s.SetEvaluationTypes(as, f.Types)
}
