package portal

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"switchboard/core"
)

// submissionFields are the fields a work-order form posts.
var submissionFields = []string{"nonce", "name", "phone", "email", "type", "subject", "description", "address"}

// decodeSubmission reads a posted work-order form. Each field may appear at most
// once and must be UTF-8; everything else (lengths, phone and email formats) is
// core's validation. values are the fields as posted, to show the form again.
func decodeSubmission(pf url.Values, form core.WebForm) (core.WebSubmission, map[string]string, error) {
	values, errs := single(pf, submissionFields)
	in := core.WebSubmission{
		Form: form, Nonce: values["nonce"], Name: values["name"], Phone: values["phone"], Email: values["email"],
		RecordType: values["type"], Subject: values["subject"], Description: values["description"], Address: values["address"],
	}
	return in, values, errs.Err()
}

// decodeTask reads a posted terminal-task form.
func decodeTask(pf url.Values) (nonce, comment string, err error) {
	values, errs := single(pf, []string{"nonce", "comment"})
	return values["nonce"], values["comment"], errs.Err()
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
