package portal

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"switchboard/core"
)

// submissionFields are the fields a work-order form posts.
var submissionFields = []string{"nonce", "name", "phone", "email", "type", "subject", "description", "address", "code", "op"}

// decodeSubmission reads a posted work-order form. Each field may appear at most
// once and must be UTF-8; everything else (lengths, phone and email formats) is
// core's validation. values are the fields as posted, to show the form again.
func decodeSubmission(pf url.Values, form core.WebForm) (core.WebSubmission, map[string]string, error) {
	values, errs := single(pf, submissionFields)
	in := core.WebSubmission{
		Form: form, Nonce: values["nonce"], Name: values["name"], Phone: values["phone"], Email: values["email"],
		RecordType: values["type"], Subject: values["subject"], Description: values["description"], Address: values["address"],
		Code: values["code"],
	}
	return in, values, errs.Err()
}

// decodeTask reads a posted terminal-task form: the nonce and comment, the
// editable work-order fields t shows ("f.KEY") and the new object's fields
// ("o.KEY"). Fields the page did not offer are ignored, never applied. values
// are the fields as posted (by form name), to show the form again.
func decodeTask(pf url.Values, t *core.TaskView) (core.TaskInput, map[string]string, error) {
	names := []string{"nonce", "comment"}
	for _, f := range t.Fields {
		names = append(names, "f."+f.Key)
	}
	for _, f := range t.ObjectFields {
		names = append(names, "o."+f.Key)
	}
	values, errs := single(pf, names)
	in := core.TaskInput{Nonce: values["nonce"], Comment: values["comment"], Fields: map[string]string{}}
	for _, f := range t.Fields {
		if v, ok := values["f."+f.Key]; ok {
			in.Fields[f.Key] = v
		}
	}
	if len(t.ObjectFields) > 0 {
		in.Object = map[string]string{}
		for _, f := range t.ObjectFields {
			if v, ok := values["o."+f.Key]; ok {
				in.Object[f.Key] = v
			}
		}
	}
	return in, values, errs.Err()
}

// single takes one value per known field, refusing repeats and invalid UTF-8.
func single(pf url.Values, fields []string) (map[string]string, core.ValidationErrors) {
	values := make(map[string]string, len(fields))
	var errs core.ValidationErrors
	for _, f := range fields {
		vs := pf[f]
		switch {
		case len(vs) == 0:
		case len(vs) > 1:
			errs = append(errs, core.Invalid(f, "The field was sent more than once; send the form again."))
		case !utf8.ValidString(vs[0]):
			errs = append(errs, core.Invalid(f, "The text is not valid UTF-8; type it again."))
		default:
			// Browsers send CRLF line breaks in textareas; keep plain LF.
			values[f] = strings.ReplaceAll(vs[0], "\r\n", "\n")
		}
	}
	return values, errs
}
