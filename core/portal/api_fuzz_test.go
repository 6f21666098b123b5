package portal_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/core/portal"
	"switchboard/store/testdb"
)

// FuzzAPICreate (R-IN-6): whatever body a client sends to POST
// /api/v1/work-orders, the answer is 201 with one new work order, or a JSON
// error (400, 413, 415, 422) that writes nothing — never a crash or a 500.
func FuzzAPICreate(f *testing.F) {
	for _, s := range []string{
		`{"subject":"冷库温度过高","priority":"high","record_type":"Repair","email":"a@b.example.com","due_at":"2026-11-05T18:00:00Z"}`,
		`{"subject":"x","contact_id":"12"}`, `{"subject":null}`, `{"subject":"a","subject":"b"}`, `[]`, `{}`, `"s"`, `{"subject":"\u0000"}`,
		`{"subject":"x","due_at":"tomorrow"}`, `{"subject":"x","contact_id":-1}`, `{"subject":"x"} trailing`, `{"subject":"\ud800"}`,
	} {
		f.Add(s)
	}
	_, svc, _ := testdb.Open(f)
	admin := testdb.Admin(f, svc)
	_, secret, err := svc.AddAPIKey(admin, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	h := portal.New(svc, portal.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), APIRate: -1}).Handler()
	f.Fuzz(func(t *testing.T, body string) {
		before, _ := svc.CountWorkOrders()
		req := httptest.NewRequest(http.MethodPost, "/api/v1/work-orders", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		after, _ := svc.CountWorkOrders()
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("status %d, answer is not a JSON object: %q", rec.Code, rec.Body.String())
		}
		switch rec.Code {
		case http.StatusCreated:
			if after != before+1 || v["number"] != core.FormatNumber(uint64(after)) {
				t.Fatalf("201 but %d → %d work orders: %v", before, after, v)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
			if after != before {
				t.Fatalf("%d wrote a work order", rec.Code)
			}
			if s, _ := v["error"].(string); s == "" {
				t.Fatalf("%d without an error sentence: %v", rec.Code, v)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body.String())
		}
	})
}
