package portal

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"switchboard/core"
)

// The integration API (R-IN-6) lives under /api/v1 on the same listener. Other
// systems call it with an API key (Authorization: Bearer KEY) and never with
// cookies, which is why its writes are not subject to the browser's
// cross-origin protection that guards the customer forms. Every answer is
// JSON; every error is {"error": sentence, "field": key}.

//go:embed openapi.json
var openAPI []byte

// apiRoute is one endpoint; the OpenAPI document must describe each (a test
// checks it).
type apiRoute struct {
	method, path string
	handle       func(s *Server, w http.ResponseWriter, r *http.Request, key core.APIKey)
}

// apiRoutes are the API's endpoints; Handler builds its mux from them.
var apiRoutes = []apiRoute{
	{http.MethodPost, "/api/v1/work-orders", (*Server).apiCreate},
	{http.MethodGet, "/api/v1/work-orders", (*Server).apiList},
	{http.MethodGet, "/api/v1/work-orders/{number}", (*Server).apiGet},
	{http.MethodPatch, "/api/v1/work-orders/{number}", (*Server).apiPatch},
}

// openAPIPath serves the OpenAPI document; it needs no key.
const openAPIPath = "/api/v1/openapi.json"

// apiError is the body of every error answer.
type apiError struct {
	Error  string       `json:"error"`
	Field  string       `json:"field,omitempty"`
	Errors []fieldError `json:"errors,omitempty"`
	// For 409: the version in the store, and who changed what.
	CurrentVersion uint64 `json:"current_version,omitempty"`
	ChangedBy      string `json:"changed_by,omitempty"`
	Change         string `json:"change,omitempty"`
}

type fieldError struct {
	Field string `json:"field"`
	Error string `json:"error"`
}

// apiLimiter keeps one token bucket per API key.
type apiLimiter struct {
	r     rate.Limit
	burst int
	mu    sync.Mutex
	keys  map[core.ID]*rate.Limiter
}

// allow takes one request of key from its bucket: the key's own rate when
// an admin gave it one, else the server's.
func (l *apiLimiter) allow(key core.APIKey) bool {
	if l.r < 0 {
		return true
	}
	r, burst := l.rate(key)
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.keys[key.ID]
	if lim == nil || lim.Limit() != r || lim.Burst() != burst {
		// New, or an admin changed the key's rate: a fresh bucket at it.
		lim = rate.NewLimiter(r, burst)
		l.keys[key.ID] = lim
	}
	return lim.Allow()
}

func (l *apiLimiter) rate(key core.APIKey) (rate.Limit, int) {
	if key.Rate > 0 {
		return rate.Limit(key.Rate), max(1, int(2*key.Rate))
	}
	return l.r, l.burst
}

// apiHandler is the API's mux with its authentication, limits and headers.
func (s *Server) apiHandler() http.Handler {
	lim := &apiLimiter{r: s.cfg.APIRate, burst: s.cfg.APIBurst, keys: map[core.ID]*rate.Limiter{}}
	mux := http.NewServeMux()
	for _, rt := range apiRoutes {
		mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
			ip := clientIP(r)
			if s.badKeys.spent(ip) {
				// Guessing keys: refused before the key is even looked at.
				w.Header().Set("Retry-After", strconv.Itoa(retryAfter(s.badKeys)))
				writeAPI(w, http.StatusTooManyRequests, apiError{Error: "Too many requests with a wrong API key from your network: check the key, then retry in a minute."})
				return
			}
			key, err := s.svc.AuthenticateAPI(bearer(r))
			if err != nil {
				if errors.Is(err, core.ErrUnauthorized) {
					s.badKeys.allow(ip)
					s.cfg.Log.Warn("api: refused", "ip", ip, "path", r.URL.Path, "why", err)
					w.Header().Set("WWW-Authenticate", `Bearer realm="switchboard"`)
					writeAPI(w, http.StatusUnauthorized, apiError{Error: err.Error()})
					return
				}
				s.apiFail(w, r, err)
				return
			}
			if !lim.allow(key) {
				r, _ := lim.rate(key)
				w.Header().Set("Retry-After", "1")
				writeAPI(w, http.StatusTooManyRequests, apiError{Error: fmt.Sprintf("Too many requests for API key %s…: at most %g per second; retry after a second.", key.Prefix, float64(r))})
				return
			}
			rt.handle(s, w, r, key)
		})
	}
	mux.HandleFunc("GET "+openAPIPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		for _, rt := range apiRoutes {
			if matchPath(rt.path, r.URL.Path) {
				var allow []string
				for _, o := range apiRoutes {
					if o.path == rt.path {
						allow = append(allow, o.method)
					}
				}
				w.Header().Set("Allow", strings.Join(allow, ", "))
				writeAPI(w, http.StatusMethodNotAllowed, apiError{Error: fmt.Sprintf("%s is not allowed on %s: use %s.", r.Method, r.URL.Path, strings.Join(allow, " or "))})
				return
			}
		}
		writeAPI(w, http.StatusNotFound, apiError{Error: fmt.Sprintf("There is no endpoint %s: see %s.", r.URL.Path, openAPIPath)})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.APIMaxBody)
		}
		mux.ServeHTTP(w, r)
	})
}

// matchPath reports whether path fits a route pattern with {wildcards}.
func matchPath(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(strings.TrimSuffix(path, "/"), "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], "{") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// bearer is the key in "Authorization: Bearer KEY".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func writeAPI(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// apiFail answers an error from the service with the right status and the
// field it concerns.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	var conflict *core.ConflictError
	switch {
	case core.IsValidation(err):
		fe := core.FieldErrors(err)
		body := apiError{}
		var many core.ValidationErrors
		var one *core.ValidationError
		if errors.As(err, &many) {
			for _, e := range many {
				body.Errors = append(body.Errors, fieldError{Field: core.APIField(e.Field), Error: e.Message})
			}
			body.Error, body.Field = many[0].Message, core.APIField(many[0].Field)
		} else if errors.As(err, &one) {
			body.Error, body.Field = one.Message, core.APIField(one.Field)
		}
		if _, ok := fe["number"]; ok && body.Field == "number" {
			writeAPI(w, http.StatusNotFound, body)
			return
		}
		writeAPI(w, http.StatusUnprocessableEntity, body)
	case errors.As(err, &conflict):
		writeAPI(w, http.StatusConflict, apiError{Error: conflict.Error(), Field: "version", CurrentVersion: conflict.Current, ChangedBy: conflict.By, Change: conflict.What})
	case errors.Is(err, core.ErrNotFound):
		writeAPI(w, http.StatusNotFound, apiError{Error: err.Error()})
	case errors.Is(err, core.ErrForbidden):
		writeAPI(w, http.StatusForbidden, apiError{Error: err.Error()})
	default:
		s.cfg.Log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeAPI(w, http.StatusInternalServerError, apiError{Error: "Something went wrong on our side; the request may be retried with the same Idempotency-Key."})
	}
}

// readJSON reads a request body into v: application/json, at most the body
// limit, one JSON object whose keys are all known. It answers and returns false
// on a problem, naming the key when there is one.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any, allowed []string) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			writeAPI(w, http.StatusUnsupportedMediaType, apiError{Error: fmt.Sprintf("Send the body as JSON (Content-Type: application/json), not %q.", ct)})
			return nil, false
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeAPI(w, http.StatusRequestEntityTooLarge, apiError{Error: fmt.Sprintf("The body is larger than %d bytes.", tooBig.Limit)})
			return nil, false
		}
		writeAPI(w, http.StatusBadRequest, apiError{Error: "The body could not be read: " + err.Error()})
		return nil, false
	}
	if problem := decodeStrict(body, v, allowed); problem != nil {
		status := http.StatusUnprocessableEntity
		if problem.Field == "" {
			status = http.StatusBadRequest
		}
		writeAPI(w, status, *problem)
		return nil, false
	}
	return body, true
}

// decodeStrict decodes one JSON object into v, refusing unknown keys, values of
// the wrong type and anything after the object, with the key concerned.
func decodeStrict(body []byte, v any, allowed []string) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return &apiError{Error: "The body is empty: send a JSON object."}
	}
	if n := core.InvalidUTF8At(body); n >= 0 {
		// encoding/json would take each bad byte as U+FFFD: the text stored
		// would not be the text sent.
		return &apiError{Error: fmt.Sprintf("The body is not valid UTF-8 (at byte %d): send JSON in UTF-8.", n)}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); err != io.EOF {
			return &apiError{Error: "The body has more after its JSON object: send exactly one object."}
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &apiError{Error: fmt.Sprintf("The body is not valid JSON (at byte %d): %s.", syn.Offset, syn.Error())}
	case errors.As(err, &typ):
		if typ.Field == "" {
			return &apiError{Error: fmt.Sprintf("The body must be a JSON object, not %s.", typ.Value)}
		}
		return &apiError{Error: fmt.Sprintf("%s must be %s, not %s.", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value), Field: typ.Field}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		k := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &apiError{Error: fmt.Sprintf("%q cannot be sent here: the keys are %s.", k, strings.Join(allowed, ", ")), Field: k}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &apiError{Error: "The body ends in the middle of its JSON."}
	}
	// Errors from a field's own decoder (ids, times) name no field in
	// encoding/json; say what was wrong.
	return &apiError{Error: "The body could not be read: " + strings.TrimPrefix(err.Error(), "json: ") + "."}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "uint64", "int", "int64", "uint", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "ptr", "struct":
		return "an object or a time such as 2026-11-02T09:30:00Z"
	}
	return "another type"
}

// apiNewWorkOrder is the body of POST /api/v1/work-orders.
type apiNewWorkOrder struct {
	Subject     string     `json:"subject"`
	Description string     `json:"description"`
	RecordType  string     `json:"record_type"`
	Priority    string     `json:"priority"`
	ContactID   core.ID    `json:"contact_id"`
	Phone       string     `json:"phone"`
	Email       string     `json:"email"`
	Region      string     `json:"region"`
	Address     string     `json:"address"`
	DeviceCode  string     `json:"device_code"`
	DueAt       *time.Time `json:"due_at"`
}

// apiPatch is the body of PATCH /api/v1/work-orders/{number}.
type apiPatch struct {
	Version     uint64  `json:"version"`
	Subject     *string `json:"subject"`
	Description *string `json:"description"`
	Priority    *string `json:"priority"`
	Region      *string `json:"region"`
	Address     *string `json:"address"`
}

func apiRequest(r *http.Request, body []byte) core.APIRequest {
	return core.APIRequest{IdempotencyKey: r.Header.Get("Idempotency-Key"), Fingerprint: core.RequestHash(r.Method, r.URL.Path, body)}
}

// answer writes a write's result: the work order, or the stored first answer
// to a retried request (marked Idempotent-Replayed: true).
func answer(w http.ResponseWriter, status int, rep core.APIReply) {
	if rep.Replay != nil {
		w.Header().Set("Idempotent-Replayed", "true")
		if rep.Replay.Number != "" {
			w.Header().Set("Location", "/api/v1/work-orders/"+rep.Replay.Number)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(rep.Replay.Status)
		_, _ = w.Write(append(rep.Replay.Body, '\n'))
		return
	}
	w.Header().Set("Location", "/api/v1/work-orders/"+rep.WorkOrder.Number)
	if rep.Body != nil {
		// The body stored for retries: the same bytes now and on a retry.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(append(rep.Body, '\n'))
		return
	}
	rep.WorkOrder.History = nonNilEvents(rep.WorkOrder.History)
	writeAPI(w, status, rep.WorkOrder)
}

func nonNilEvents(es []core.Event) []core.Event {
	if es == nil {
		return []core.Event{}
	}
	return es
}

func (s *Server) apiCreate(w http.ResponseWriter, r *http.Request, key core.APIKey) {
	var in apiNewWorkOrder
	body, ok := s.readJSON(w, r, &in, core.APIWritableKeys)
	if !ok {
		return
	}
	rep, err := s.svc.APICreateWorkOrder(key, apiRequest(r, body), core.NewWorkOrder{
		Subject: in.Subject, Description: in.Description, RecordType: in.RecordType, Priority: core.Priority(in.Priority),
		ContactID: in.ContactID, Phone: in.Phone, Email: in.Email, Region: in.Region, Address: in.Address,
		DeviceCode: in.DeviceCode, DueAt: in.DueAt,
	})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if rep.Replay == nil {
		s.cfg.Log.Info("api: work order created", "number", rep.WorkOrder.Number, "key", key.Name)
	}
	answer(w, http.StatusCreated, rep)
}

func (s *Server) apiPatch(w http.ResponseWriter, r *http.Request, key core.APIKey) {
	var in apiPatch
	body, ok := s.readJSON(w, r, &in, core.APIPatchKeys)
	if !ok {
		return
	}
	if in.Version == 0 {
		if m := strings.Trim(r.Header.Get("If-Match"), `W/" `); m != "" {
			v, err := strconv.ParseUint(m, 10, 64)
			if err != nil {
				writeAPI(w, http.StatusUnprocessableEntity, apiError{Error: fmt.Sprintf("If-Match %q is not a version number.", r.Header.Get("If-Match")), Field: "version"})
				return
			}
			in.Version = v
		}
	}
	p := core.WorkOrderPatch{Subject: in.Subject, Description: in.Description, Region: in.Region, Address: in.Address}
	if in.Priority != nil {
		pr := core.Priority(*in.Priority)
		p.Priority = &pr
	}
	rep, err := s.svc.APIUpdateWorkOrder(key, apiRequest(r, body), r.PathValue("number"), in.Version, p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	answer(w, http.StatusOK, rep)
}

func (s *Server) apiGet(w http.ResponseWriter, r *http.Request, key core.APIKey) {
	wo, err := s.svc.WorkOrder(r.PathValue("number"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	wo.History = nonNilEvents(wo.History)
	w.Header().Set("ETag", strconv.Quote(strconv.FormatUint(wo.Version, 10)))
	writeAPI(w, http.StatusOK, wo)
}

// apiListParams are the query parameters of GET /api/v1/work-orders.
var apiListParams = []string{"status", "node", "search", "sort", "asc", "limit", "offset"}

func (s *Server) apiList(w http.ResponseWriter, r *http.Request, key core.APIKey) {
	qs := r.URL.Query()
	for k := range qs {
		if !core.IsAPIKey(apiListParams, k) {
			writeAPI(w, http.StatusUnprocessableEntity, apiError{Error: fmt.Sprintf("Unknown query parameter %q: use %s.", k, strings.Join(apiListParams, ", ")), Field: k})
			return
		}
	}
	q := core.WorkOrderQuery{Status: core.Status(qs.Get("status")), Node: core.Node(qs.Get("node")), Text: qs.Get("search"), Sort: core.SortKey(qs.Get("sort")), Limit: 50}
	num := func(name string, dst *int, max int) bool {
		v := qs.Get(name)
		if v == "" {
			return true
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > max {
			writeAPI(w, http.StatusUnprocessableEntity, apiError{Error: fmt.Sprintf("%s must be a whole number from 0 to %d, not %q.", name, max, v), Field: name})
			return false
		}
		*dst = n
		return true
	}
	if !num("limit", &q.Limit, 500) || !num("offset", &q.Offset, 1<<30) {
		return
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	switch qs.Get("asc") {
	case "", "false":
	case "true":
		q.Asc = true
	default:
		writeAPI(w, http.StatusUnprocessableEntity, apiError{Error: "asc must be true or false.", Field: "asc"})
		return
	}
	switch q.Sort {
	case "", core.SortCreated, core.SortUpdated, core.SortPriority, core.SortStatus, core.SortSubject, core.SortAccount:
	default:
		writeAPI(w, http.StatusUnprocessableEntity, apiError{Error: fmt.Sprintf("sort %q is unknown: use created, updated, priority, status, subject or account.", q.Sort), Field: "sort"})
		return
	}
	page, err := s.svc.ListWorkOrders(q)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	rows := page.Rows
	if rows == nil {
		rows = []core.WorkOrderRow{}
	}
	writeAPI(w, http.StatusOK, struct {
		WorkOrders []core.WorkOrderRow `json:"work_orders"`
		Total      int                 `json:"total"`
		Limit      int                 `json:"limit"`
		Offset     int                 `json:"offset"`
	}{rows, page.Total, q.Limit, q.Offset})
}

// APIRoutes lists every route the API serves, as "METHOD /path" (the OpenAPI
// document must describe each).
func APIRoutes() []string {
	out := make([]string, 0, len(apiRoutes)+1)
	for _, rt := range apiRoutes {
		out = append(out, rt.method+" "+rt.path)
	}
	return append(out, http.MethodGet+" "+openAPIPath)
}
