package core

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// SavedView is a list's filter and sort saved under a name by one user, so a
// dispatcher gets back to "urgent repairs in the East, oldest first" in two
// keys. Each user has their own views.
type SavedView struct {
	Name string `json:"name"`
	// Screen is the list it belongs to: "work-orders" or "board".
	Screen  string    `json:"screen"`
	Query   ViewQuery `json:"query"`
	SavedAt time.Time `json:"saved_at"`
}

// ViewQuery is what a saved view restores.
type ViewQuery struct {
	Status Status `json:"status,omitempty"`
	Node   Node   `json:"node,omitempty"`
	Sort   string `json:"sort,omitempty"`
	Asc    bool   `json:"asc,omitempty"`
	Text   string `json:"text,omitempty"`
}

// ViewScreens are the lists views can be saved for.
var ViewScreens = []string{"work-orders", "board"}

// maxViews bounds one user's saved views.
const maxViews = 50

func settingViews(login string) string { return "views." + strings.ToLower(login) }

// Views lists the acting user's saved views by name.
func (s *Service) Views(as Actor) ([]SavedView, error) {
	if as.Kind != SubmitterInternal {
		return nil, forbidden("Only internal users have saved views.")
	}
	var out []SavedView
	err := s.store.View(func(tx Tx) error {
		var err error
		out, err = readViews(tx, as.User.Login)
		return err
	})
	return out, err
}

func readViews(tx Tx, login string) ([]SavedView, error) {
	b, err := tx.Setting(settingViews(login))
	if err != nil || len(b) == 0 {
		return []SavedView{}, err
	}
	var vs []SavedView
	if err := json.Unmarshal(b, &vs); err != nil {
		return nil, err
	}
	return vs, nil
}

// SaveView saves v for the acting user, replacing a view of the same name.
func (s *Service) SaveView(as Actor, v SavedView) (SavedView, error) {
	if as.Kind != SubmitterInternal {
		return SavedView{}, forbidden("Only internal users have saved views.")
	}
	name, verr := oneLine("name", "View name", v.Name, true, 40)
	if verr != nil {
		return SavedView{}, verr
	}
	if !slices.Contains(ViewScreens, v.Screen) {
		return SavedView{}, Invalid("screen", "Views are saved for %s, not %q.", strings.Join(ViewScreens, " and "), v.Screen)
	}
	text, verr := oneLine("text", "Filter", v.Query.Text, false, 100)
	if verr != nil {
		return SavedView{}, verr
	}
	v.Name, v.Query.Text, v.SavedAt = name, text, s.Now()
	err := s.store.Update(func(tx Tx) error {
		vs, err := readViews(tx, as.User.Login)
		if err != nil {
			return err
		}
		vs = slices.DeleteFunc(vs, func(o SavedView) bool { return strings.EqualFold(o.Name, name) })
		if len(vs) >= maxViews {
			return Invalid("name", "You have %d saved views, the most there can be: remove one first (`switchboard view rm NAME`).", maxViews)
		}
		vs = append(vs, v)
		slices.SortFunc(vs, func(a, b SavedView) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
		b, err := json.Marshal(vs)
		if err != nil {
			return err
		}
		return tx.PutSetting(settingViews(as.User.Login), b)
	})
	if err != nil {
		return SavedView{}, err
	}
	s.broker.publish(Change{Kind: "view"})
	return v, nil
}

// DeleteView removes the acting user's view called name.
func (s *Service) DeleteView(as Actor, name string) error {
	if as.Kind != SubmitterInternal {
		return forbidden("Only internal users have saved views.")
	}
	err := s.store.Update(func(tx Tx) error {
		vs, err := readViews(tx, as.User.Login)
		if err != nil {
			return err
		}
		n := len(vs)
		vs = slices.DeleteFunc(vs, func(o SavedView) bool { return strings.EqualFold(o.Name, strings.TrimSpace(name)) })
		if len(vs) == n {
			return NotFoundf("You have no saved view called %q: list them with `switchboard view list`.", name)
		}
		b, err := json.Marshal(vs)
		if err != nil {
			return err
		}
		return tx.PutSetting(settingViews(as.User.Login), b)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "view"})
	}
	return err
}
