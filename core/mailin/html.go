package mailin

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLToText turns an HTML mail body into readable text: scripts, styles and the
// head are dropped, blocks and line breaks become new lines, list items get a
// dash, links keep their address in brackets when it differs from their text,
// images their alt text, and whitespace collapses as a browser would (except in
// <pre>).
func HTMLToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0 // depth inside script/style/head/title
	pre := 0
	var hrefs []string
	var linkText []int // where the current link's text starts in b
	space := true      // the last thing written was whitespace
	newline := func(n int) {
		s := b.String()
		have := len(s) - len(strings.TrimRight(s, "\n"))
		if len(s) == 0 {
			return
		}
		// Trailing spaces before a break are dropped by CleanMailText later.
		for ; have < n; have++ {
			b.WriteByte('\n')
		}
		space = true
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if pre > 0 {
				b.WriteString(t)
				space = strings.HasSuffix(t, "\n")
				continue
			}
			for i, f := range strings.Fields(t) {
				if i > 0 || (!space && startsWithSpace(t)) {
					b.WriteByte(' ')
				}
				b.WriteString(f)
				space = false
			}
			if endsWithSpace(t) && !space {
				b.WriteByte(' ')
				space = true
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Br:
				b.WriteByte('\n')
				space = true
			case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Table, atom.Blockquote, atom.Ul, atom.Ol, atom.Hr:
				newline(2)
			case atom.Tr:
				newline(1)
			case atom.Td, atom.Th:
				if !space {
					b.WriteString("  ")
					space = true
				}
			case atom.Li:
				newline(1)
				b.WriteString("- ")
				space = true
			case atom.Pre:
				newline(2)
				pre++
			case atom.A:
				hrefs = append(hrefs, attrs["href"])
				linkText = append(linkText, b.Len())
			case atom.Img:
				if alt := strings.TrimSpace(attrs["alt"]); alt != "" {
					if !space {
						b.WriteByte(' ')
					}
					b.WriteString("[" + alt + "]")
					space = false
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript:
				if skip > 0 {
					skip--
				}
			case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Table, atom.Blockquote, atom.Ul, atom.Ol:
				newline(2)
			case atom.Pre:
				if pre > 0 {
					pre--
				}
				newline(2)
			case atom.A:
				if n := len(hrefs); n > 0 {
					href, start := hrefs[n-1], linkText[n-1]
					hrefs, linkText = hrefs[:n-1], linkText[:n-1]
					text := strings.TrimSpace(b.String()[min(start, b.Len()):])
					if keepHref(href, text) {
						b.WriteString(" (" + href + ")")
						space = false
					}
				}
			}
		}
	}
}

// keepHref: a link's address is worth showing when it goes somewhere on the web
// or to a mailbox, and its text does not already say it.
func keepHref(href, text string) bool {
	h := strings.TrimSpace(href)
	if h == "" || strings.HasPrefix(h, "#") || strings.HasPrefix(strings.ToLower(h), "javascript:") {
		return false
	}
	plain := strings.TrimPrefix(strings.TrimPrefix(h, "mailto:"), "tel:")
	return !strings.Contains(text, plain)
}

func startsWithSpace(s string) bool { return s != "" && strings.TrimLeft(s, " \t\r\n\f") != s }
func endsWithSpace(s string) bool   { return s != "" && strings.TrimRight(s, " \t\r\n\f") != s }
