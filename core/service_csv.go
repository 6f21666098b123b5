package core

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// WorkOrderCSVColumns are the columns of a work-order CSV file: the SPEC's JSON
// keys (R-CLI) in their order, history left out. Import accepts any subset that
// includes subject, in any order.
var WorkOrderCSVColumns = []string{"number", "subject", "description", "record_type", "priority", "status", "node", "channel",
	"account_id", "contact_id", "phone", "email", "region", "address", "device_code", "out_owner", "created_by", "created_at", "due_at",
	"version", "assign_user", "assign_way__c", "assign_time__c", "field_partner__c", "field_fwssf__c", "field_outDealUser__c",
	"field_downstreamOuterTenantName__c", "field_downstreamOuterTenantId__c"}

// ContactCSVColumns are the columns of a contact CSV file; name is required.
var ContactCSVColumns = []string{"name", "phone", "email", "account", "terminal_user"}

// ImportProblem is one bad cell or row of an import file, located so a person can
// fix it in a spreadsheet: line 1 is the header.
type ImportProblem struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

func (p ImportProblem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Reason)
	}
	return fmt.Sprintf("line %d, column %s: %s", p.Line, p.Column, p.Reason)
}

// ImportReport says what an import did, or — with problems or as a dry run — what
// it would have done. Nothing is written unless the whole file is clean.
type ImportReport struct {
	Rows     int             `json:"rows"`
	Imported int             `json:"imported"`
	DryRun   bool            `json:"dry_run"`
	Problems []ImportProblem `json:"problems"`
	// First and Last are the numbers the imported work orders got.
	First string `json:"first,omitempty"`
	Last  string `json:"last,omitempty"`
}

// maxImportProblems bounds the report for a file that is wrong throughout.
const maxImportProblems = 1000

// errRollback ends an import transaction without writing.
var errRollback = errors.New("import rolled back")

// csvFile reads a CSV file with a header into rows keyed by column.
type csvFile struct {
	cols []string
	rows [][]string
	line []int // the line each row starts on
}

func readCSV(r io.Reader, known []string, required string) (*csvFile, []ImportProblem) {
	data, err := io.ReadAll(r) // the rows are all kept anyway
	if err != nil {
		return nil, []ImportProblem{{Reason: "the file could not be read: " + err.Error()}}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // the byte-order mark spreadsheets write
	if p := notUTF8(data); p != nil {
		return nil, []ImportProblem{*p}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, []ImportProblem{{Line: 1, Reason: "the file is empty: the first line must name the columns, e.g. " + strings.Join(known[:3], ",")}}
	}
	if err != nil {
		return nil, []ImportProblem{csvProblem(err)}
	}
	f := &csvFile{}
	var probs []ImportProblem
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if k := slices.IndexFunc(known, func(c string) bool { return strings.EqualFold(c, h) }); k >= 0 {
			h = known[k] // the canonical spelling, e.g. field_outDealUser__c
		}
		switch {
		case !slices.Contains(known, h):
			probs = append(probs, ImportProblem{Line: 1, Column: colName(i, h), Reason: fmt.Sprintf("unknown column %q; the columns are %s", h, strings.Join(known, ", "))})
		case seen[h]:
			probs = append(probs, ImportProblem{Line: 1, Column: colName(i, h), Reason: fmt.Sprintf("column %q appears twice", h)})
		}
		seen[h] = true
		f.cols = append(f.cols, h)
	}
	if !seen[required] {
		probs = append(probs, ImportProblem{Line: 1, Reason: fmt.Sprintf("there is no %s column; it is required", required)})
	}
	if len(probs) > 0 {
		return nil, probs
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			probs = append(probs, csvProblem(err))
			if len(probs) >= maxImportProblems {
				break
			}
			continue
		}
		l, _ := cr.FieldPos(0) // valid after a successful Read
		for i := range rec {
			rec[i] = UnneutraliseCSVCell(rec[i])
		}
		f.rows = append(f.rows, rec)
		f.line = append(f.line, l)
	}
	return f, probs
}

// CSVEncodings are the text encodings an import reads: UTF-8, and GBK
// (read as GB18030, which holds GBK and GB2312) — what Excel on Chinese
// Windows saves as "CSV".
var CSVEncodings = []string{"utf-8", "gbk"}

// CSVReader reads r in encoding (one of CSVEncodings; "" is UTF-8) as UTF-8.
func CSVReader(r io.Reader, encoding string) (io.Reader, error) {
	switch strings.ToLower(encoding) {
	case "", "utf-8", "utf8":
		return r, nil
	case "gbk", "gb18030", "gb2312":
		return transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder()), nil
	}
	return nil, Invalid("encoding", "The encoding is utf-8 or gbk, not %q.", encoding)
}

// InvalidUTF8At is where b stops being UTF-8: the offset of its first byte
// that is not, or -1 when all of b is UTF-8.
func InvalidUTF8At(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	at := 0
	for at < len(b) {
		r, n := utf8.DecodeRune(b[at:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		at += n
	}
	return at
}

// notUTF8 is the one problem of a file that is not UTF-8 text: where it
// stops being UTF-8 and, when the whole file reads as GBK (what Excel on
// Chinese Windows saves as "CSV"), how to bring it in. Every row's every cell
// failing on its own said nothing of the cause.
func notUTF8(data []byte) *ImportProblem {
	at := InvalidUTF8At(data)
	if at < 0 {
		return nil
	}
	line := 1 + bytes.Count(data[:at], []byte("\n"))
	if gbk, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data); err == nil && !bytes.ContainsRune(gbk, utf8.RuneError) {
		return &ImportProblem{Line: line, Reason: "the file is not UTF-8 text; it reads as GBK, which Excel on Chinese Windows saves as \"CSV\": save it from Excel as \"CSV UTF-8\", or import it as GBK (`switchboard import … --encoding gbk`; in the console's import, e)"}
	}
	return &ImportProblem{Line: line, Reason: "the file is not UTF-8 text (nor GBK): save it as UTF-8 (in Excel: \"CSV UTF-8\") and import it again"}
}

func csvProblem(err error) ImportProblem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		reason := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			reason = "this row has a different number of cells than the header"
		}
		return ImportProblem{Line: pe.Line, Reason: reason + " (check quotes and commas)"}
	}
	return ImportProblem{Line: 0, Reason: err.Error()}
}

// colName is how a column is named in problems: its header, or its letter.
func colName(i int, h string) string {
	if h != "" {
		return h
	}
	return fmt.Sprintf("#%d", i+1)
}

func (f *csvFile) get(row []string, col string) string {
	if i := slices.Index(f.cols, col); i >= 0 && i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

// validationProblems turns a service error for one row into problems.
func validationProblems(line int, err error, column func(field string) string) []ImportProblem {
	var ves ValidationErrors
	if errors.As(err, &ves) {
		var out []ImportProblem
		for _, ve := range ves {
			out = append(out, ImportProblem{Line: line, Column: column(ve.Field), Reason: ve.Message})
		}
		return out
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return []ImportProblem{{Line: line, Column: column(ve.Field), Reason: ve.Message}}
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		return []ImportProblem{{Line: line, Reason: err.Error()}}
	}
	return nil
}

// ImportContactsCSV adds the contacts of a CSV file (columns ContactCSVColumns;
// terminal_user is yes/no) in one transaction: every bad row is reported and
// nothing is written until the file is clean. dryRun checks without writing.
func (s *Service) ImportContactsCSV(as Actor, r io.Reader, dryRun bool) (ImportReport, error) {
	if err := require(as, "import contacts", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return ImportReport{}, err
	}
	f, probs := readCSV(r, ContactCSVColumns, "name")
	rep := ImportReport{DryRun: dryRun, Problems: probs}
	if f == nil {
		return rep, nil
	}
	rep.Rows = len(f.rows)
	now := s.Now()
	err := s.store.Update(func(tx Tx) error {
		for i, row := range f.rows {
			in := NewContact{Name: f.get(row, "name"), Phone: f.get(row, "phone"), Email: f.get(row, "email"), AccountName: f.get(row, "account")}
			switch strings.ToLower(f.get(row, "terminal_user")) {
			case "", "no", "n", "false", "0":
			case "yes", "y", "true", "1":
				in.TerminalUser = true
			default:
				// Reported, and the row's other cells are still checked below: the
				// transaction is rolled back anyway once there is a problem.
				rep.Problems = append(rep.Problems, ImportProblem{Line: f.line[i], Column: "terminal_user", Reason: fmt.Sprintf("%q is not yes or no", f.get(row, "terminal_user"))})
			}
			_, err := s.addContact(tx, in, now)
			if err != nil {
				p := validationProblems(f.line[i], err, func(field string) string {
					if field == "account" || slices.Contains(ContactCSVColumns, field) {
						return field
					}
					return ""
				})
				if p == nil {
					return err
				}
				rep.Problems = append(rep.Problems, p...)
				if len(rep.Problems) >= maxImportProblems {
					break
				}
				continue
			}
			rep.Imported++
		}
		if dryRun || len(rep.Problems) > 0 {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return rep, err
	}
	if err != nil {
		rep.Imported = 0
	} else {
		s.broker.publish(Change{Kind: "contact"})
	}
	return rep, nil
}

// woColumn maps a validation field of work-order creation to its CSV column.
func woColumn(field string) string {
	switch field {
	case "type":
		return "record_type"
	case "contact":
		return "contact_id"
	case "device":
		return "device_code"
	case "due":
		return "due_at"
	}
	if slices.Contains(WorkOrderCSVColumns, field) {
		return field
	}
	return ""
}

// ImportWorkOrdersCSV brings in the work orders of a CSV file (columns
// WorkOrderCSVColumns, at least subject) in one transaction, admins only. Each
// gets the next number (the file's number is kept in its history), its external
// owner by R-WO-4, and the status, node and dispatch fields the file gives. Every
// bad row is reported and nothing is written until the file is clean.
func (s *Service) ImportWorkOrdersCSV(as Actor, r io.Reader, dryRun bool) (ImportReport, error) {
	if err := require(as, "import work orders", RoleAdmin); err != nil {
		return ImportReport{}, err
	}
	f, probs := readCSV(r, WorkOrderCSVColumns, "subject")
	rep := ImportReport{DryRun: dryRun, Problems: probs}
	if f == nil {
		return rep, nil
	}
	rep.Rows = len(f.rows)
	now := s.Now()
	err := s.store.Update(func(tx Tx) error {
		for i, row := range f.rows {
			line := f.line[i]
			it, bad := s.parseWorkOrderRow(tx, f, row, line, now, as)
			// Insert even a row with bad cells: the transaction is rolled back then
			// anyway, and the report gets the field checks too.
			w, err := s.insertWorkOrder(tx, it.SubmittedBy, it.NewWorkOrder, it.CreatedAt, it)
			if err != nil {
				p := validationProblems(line, err, woColumn)
				if p == nil {
					return err
				}
				for _, q := range p {
					if !slices.ContainsFunc(bad, func(b ImportProblem) bool { return b.Column == q.Column && q.Column != "" }) {
						bad = append(bad, q)
					}
				}
			}
			if len(bad) > 0 {
				rep.Problems = append(rep.Problems, bad...)
				if len(rep.Problems) >= maxImportProblems {
					break
				}
				continue
			}
			if rep.First == "" {
				rep.First = w.Number
			}
			rep.Last = w.Number
			rep.Imported++
		}
		if dryRun || len(rep.Problems) > 0 {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return rep, err
	}
	if err != nil {
		rep.Imported, rep.First, rep.Last = 0, "", ""
	} else if rep.Imported > 0 {
		s.broker.publish(Change{Kind: "work-order"})
	}
	return rep, nil
}

// parseWorkOrderRow reads one row's cells into an import item, reporting every bad
// cell (validation of the fields themselves happens in insertWorkOrder).
func (s *Service) parseWorkOrderRow(tx Tx, f *csvFile, row []string, line int, now time.Time, as Actor) (*ImportedWorkOrder, []ImportProblem) {
	var bad []ImportProblem
	fail := func(col, format string, args ...any) {
		bad = append(bad, ImportProblem{Line: line, Column: col, Reason: fmt.Sprintf(format, args...)})
	}
	get := func(col string) string { return f.get(row, col) }
	timeCell := func(col string) *time.Time {
		v := get(col)
		if v == "" {
			return nil
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fail(col, "%q is not a time: write it as 2026-11-02T09:30:00Z", v)
			return nil
		}
		t = t.UTC()
		return &t
	}
	idCell := func(col string) ID {
		v := get(col)
		if v == "" || v == "0" {
			return 0
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 {
			fail(col, "%q is not an id (a positive whole number)", v)
			return 0
		}
		return ID(n)
	}
	it := &ImportedWorkOrder{NewWorkOrder: NewWorkOrder{
		Subject: get("subject"), Description: get("description"), RecordType: get("record_type"), Priority: Priority(strings.ToLower(get("priority"))),
		Channel: Channel(strings.ToLower(get("channel"))), Phone: get("phone"), Email: get("email"), Region: get("region"), Address: get("address"), DeviceCode: get("device_code"),
	}, SubmittedBy: as}
	it.ContactID = idCell("contact_id")
	if it.Channel == "" {
		it.Channel = ChannelInternal
	}
	if by := get("created_by"); by != "" && by != as.Label() {
		it.SubmittedBy = Actor{Name: by} // a named submitter from the other system
	}
	if t := timeCell("created_at"); t != nil {
		it.CreatedAt = *t
	} else {
		it.CreatedAt = now
	}
	it.DueAt = timeCell("due_at")
	if v := strings.ToLower(get("status")); v != "" {
		if !slices.Contains(AllStatuses, Status(v)) {
			fail("status", "status %q is unknown: use new, assigned, in-progress, completed or terminated", v)
		}
		it.Status = Status(v)
	}
	if v := strings.ToLower(get("node")); v != "" {
		if !slices.Contains(AllNodes, Node(v)) {
			fail("node", "node %q is unknown", v)
		}
		it.Node = Node(v)
	}
	it.AssignUser = get("assign_user")
	it.AssignWay = strings.ToLower(get("assign_way__c"))
	if it.AssignWay != "" && it.AssignWay != AssignAuto && it.AssignWay != AssignManual {
		fail("assign_way__c", "%q is neither auto nor manual", it.AssignWay)
	}
	it.AssignTime = timeCell("assign_time__c")
	if id := idCell("field_outDealUser__c"); id != 0 {
		e, err := tx.Engineer(id)
		if err != nil {
			fail("field_outDealUser__c", "there is no engineer %d here", id)
		} else {
			it.Engineer = &e
			if p, err := tx.Provider(e.ProviderID); err == nil {
				it.Provider = &p
			}
		}
	}
	if id := idCell("field_partner__c"); id != 0 {
		p, err := tx.Provider(id)
		switch {
		case err != nil:
			fail("field_partner__c", "there is no service provider %d here", id)
		case it.Provider != nil && it.Provider.ID != id:
			fail("field_partner__c", "provider %d is not the provider of engineer %d", id, it.Engineer.ID)
		default:
			it.Provider = &p
		}
	}
	for _, col := range []string{"account_id", "out_owner", "field_fwssf__c", "version"} {
		if v := get(col); v != "" {
			if _, err := strconv.ParseUint(v, 10, 64); err != nil {
				fail(col, "%q is not a whole number", v)
			}
		}
	}
	detail := fmt.Sprintf("imported from a CSV file, line %d", line)
	if n := get("number"); n != "" {
		detail += " (there " + n + ")"
	}
	at := it.CreatedAt
	if at.Before(now) {
		at = now
	}
	it.History = []Event{{At: at, By: as.Label(), Channel: ChannelSystem, Kind: "imported", Detail: detail}}
	return it, bad
}

// CSVWriter writes CSV that a spreadsheet opens as data: a cell starting with
// = + - @ tab or carriage return would be taken for a formula (a customer's
// subject =HYPERLINK(...) becomes a link in the dispatcher's spreadsheet), so
// it gets a leading ' (OWASP's advice), which spreadsheets show as text and
// an import by Switchboard takes off again.
type CSVWriter struct{ *csv.Writer }

// NewCSVWriter writes neutralised CSV to w.
func NewCSVWriter(w io.Writer) CSVWriter { return CSVWriter{csv.NewWriter(w)} }

// Write writes one record, every cell neutralised.
func (c CSVWriter) Write(rec []string) error {
	out := make([]string, len(rec))
	for i, v := range rec {
		out[i] = NeutraliseCSVCell(v)
	}
	return c.Writer.Write(out)
}

// NeutraliseCSVCell is v, with a leading ' when a spreadsheet would read it
// as a formula.
func NeutraliseCSVCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// UnneutraliseCSVCell undoes NeutraliseCSVCell: a cell read from a CSV file
// that starts with ' before one of = + - @ tab or carriage return loses it.
func UnneutraliseCSVCell(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}

// ExportWorkOrdersCSV writes the work orders q selects (all its pages, oldest
// first unless q sorts otherwise) as CSV with WorkOrderCSVColumns as the header.
func (s *Service) ExportWorkOrdersCSV(out io.Writer, q WorkOrderQuery) (int, error) {
	cw := NewCSVWriter(out)
	if err := cw.Write(WorkOrderCSVColumns); err != nil {
		return 0, err
	}
	q.Offset, q.Limit = 0, 0
	if q.Sort == "" {
		q.Sort, q.Asc = SortCreated, true // oldest first: an import numbers them in the same order
	}
	var ids []ID
	if err := s.store.View(func(tx Tx) error {
		p, err := tx.QueryWorkOrders(q)
		for _, r := range p.Rows {
			ids = append(ids, r.ID)
		}
		return err
	}); err != nil {
		return 0, err
	}
	n := 0
	for lo := 0; lo < len(ids); lo += 1000 {
		var ws []WorkOrder
		if err := s.store.View(func(tx Tx) error {
			for _, id := range ids[lo:min(lo+1000, len(ids))] {
				w, err := tx.WorkOrder(id)
				if err != nil {
					return err
				}
				ws = append(ws, w)
			}
			return nil
		}); err != nil {
			return n, err
		}
		for i := range ws {
			if err := cw.Write(workOrderCSVRow(&ws[i])); err != nil {
				return n, err
			}
			n++
		}
	}
	cw.Flush()
	return n, cw.Error()
}

func workOrderCSVRow(w *WorkOrder) []string {
	id := func(x ID) string {
		if x == 0 {
			return ""
		}
		return strconv.FormatUint(uint64(x), 10)
	}
	tm := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return []string{w.Number, w.Subject, w.Description, w.RecordType, string(w.Priority), string(w.Status), string(w.Node), string(w.Channel),
		id(w.AccountID), id(w.ContactID), w.Phone, w.Email, w.Region, w.Address, w.DeviceCode, id(w.OutOwner), w.CreatedBy, tm(&w.CreatedAt), tm(w.DueAt),
		strconv.FormatUint(w.Version, 10), w.AssignUser, w.AssignWay, tm(w.AssignTime), id(w.FieldPartner), id(w.FieldFwssf), id(w.FieldOutDealUser),
		w.FieldDownstreamOuterTenantName, w.FieldDownstreamOuterTenantID}
}
