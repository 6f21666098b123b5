package portal_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/channels/chantest"
	"switchboard/core/portal"
	"switchboard/store/testdb"
)

// inWeChat is a client that presents itself as WeChat's browser and keeps
// cookies, as a phone's WeChat does.
type wxBrowser struct{ base http.RoundTripper }

func (b wxBrowser) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Set("User-Agent", "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 MicroMessenger/8.0.50 NetType/WIFI")
	return b.base.RoundTrip(r)
}

// TestWeChatBindsOnOpeningALink (issue 20.3): a customer opens their task
// link inside WeChat; the listener sends them through the official
// account's web authorisation (snsapi_base, against a fake speaking WeChat's
// documented requests and answers), binds the openid to their terminal user,
// and shows the page; the next visit goes straight to it. The mini program
// binds its user with its login code (code2session).
func TestWeChatBindsOnOpeningALink(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	wx := chantest.NewWeChat(t)
	wx.UserOpenID = "oCUSTOMER-0001"
	wx.MiniCodes["MINI-CODE-1"] = "oMINI-0001"
	on := true
	for _, ch := range []core.NoticeChannel{core.NoticeWeChat, core.NoticeMiniProgram} {
		if _, err := svc.SetChannelConfig(admin, ch, &on, map[string]string{"base_url": wx.URL, "app_id": wx.AppID, "app_secret": wx.Secret}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "13800138000", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	nodes := core.DefaultProcessNodes()
	nodes[2].Task = &core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink}, EditFields: []string{"address"}}
	if _, err := svc.SetProcess(admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	w := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "Install", ContactID: c.Contact.ID})
	inv, err := svc.InviteByLink(admin, w.Number, 0)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { h.ServeHTTP(rw, r) }))
	t.Cleanup(srv.Close)
	var logged bytes.Buffer
	h = portal.New(svc, portal.Config{PublicURL: srv.URL, ViewRate: rate.Inf, SubmitRate: rate.Inf, Log: slog.New(slog.NewTextHandler(&logged, nil)),
		WeChat: &channels.WeChatAuth{Svc: svc, AuthorizeBase: wx.URL}}).Handler()
	path := inv.URL[strings.Index(inv.URL, core.TaskPathPrefix):]

	jar, _ := cookiejar.New(nil)
	var hops []string
	client := &http.Client{Jar: jar, Transport: wxBrowser{http.DefaultTransport}, CheckRedirect: func(r *http.Request, via []*http.Request) error {
		hops = append(hops, r.URL.String())
		return nil
	}}
	resp, err := client.Get(srv.URL + path + "?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), w.Number) {
		t.Fatalf("the task page at the end: %d\n%s", resp.StatusCode, body)
	}
	if len(hops) != 3 || !strings.Contains(hops[0], "/connect/oauth2/authorize") || !strings.Contains(hops[1], "code=") || strings.Contains(hops[2], "code=") {
		t.Fatalf("the hops: %v", hops)
	}
	tus, _ := svc.TerminalUsers()
	if len(tus) != 1 || tus[0].WeChatOpenID != "oCUSTOMER-0001" {
		t.Fatalf("terminal users: %+v\nlog: %s", tus, logged.String())
	}
	got, _ := svc.WorkOrder(w.Number)
	if !historyHasPortal(got, "bound to WeChat (official)") {
		t.Fatalf("history: %+v", got.History)
	}
	// Bound now: straight to the page.
	hops = nil
	if resp, err = client.Get(srv.URL + path + "?lang=en"); err != nil || resp.StatusCode != 200 || len(hops) != 0 {
		t.Fatalf("second visit: %v %v hops %v", resp.StatusCode, err, hops)
	}
	resp.Body.Close()
	// A forged callback — a real code, but a state this browser was never
	// given (login CSRF) — binds nothing.
	c2, err := svc.AddContact(admin, core.NewContact{Name: "李雷", Phone: "13900139000", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	w2 := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "Other", ContactID: c2.Contact.ID})
	inv2, err := svc.InviteByLink(admin, w2.Number, 0)
	if err != nil {
		t.Fatal(err)
	}
	path2 := inv2.URL[strings.Index(inv2.URL, core.TaskPathPrefix):]
	wx.UserOpenID = "oATTACKER"
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	auth, err := noFollow.Get(wx.URL + "/connect/oauth2/authorize?appid=" + wx.AppID + "&response_type=code&scope=snsapi_base&state=x&redirect_uri=" + srv.URL + path2)
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(auth.Header.Get("Location"), "state=x", "state=forged", 1)
	victim := &http.Client{Transport: wxBrowser{http.DefaultTransport}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := victim.Get(forged); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("forged callback: %v %v", resp, err)
	}
	for _, tu := range must(svc.TerminalUsers()) {
		if tu.WeChatOpenID == "oATTACKER" {
			t.Fatalf("a forged callback bound %+v", tu)
		}
	}

	// The mini program.
	post := func(body string) (int, string) {
		resp, err := http.Post(srv.URL+"/wx/mini/bind", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tok := path[len(core.TaskPathPrefix):]
	if code, b := post(`{"code":"WRONG","token":"` + tok + `"}`); code != http.StatusBadGateway || !strings.Contains(b, "wx.login") {
		t.Fatalf("a wrong code: %d %s", code, b)
	}
	code, b := post(`{"code":"MINI-CODE-1","token":"` + tok + `"}`)
	var res map[string]bool
	_ = json.Unmarshal([]byte(b), &res)
	if code != 200 || !res["bound"] {
		t.Fatalf("mini bind: %d %s", code, b)
	}
	for _, tu := range must(svc.TerminalUsers()) {
		if (tu.Name == "王芳") != (tu.MiniProgramOpenID == "oMINI-0001") {
			t.Fatalf("mini openid: %+v", tu)
		}
	}
	if code, _ := post(`{"code":"x","token":"NOTATOKENNOTATOKENNOTATOKEN"}`); code != http.StatusBadGateway && code != http.StatusNotFound {
		t.Fatalf("an unknown token: %d", code)
	}
}

func historyHasPortal(w core.WorkOrder, s string) bool {
	for _, e := range w.History {
		if strings.Contains(e.Detail, s) {
			return true
		}
	}
	return false
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
