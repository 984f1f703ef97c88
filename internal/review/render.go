package review

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A review is written once as a small document and rendered twice: as
// Markdown for a pull request, as text for a terminal.
type block interface{ isBlock() }

type (
	heading struct {
		level int
		text  string
	}
	para  string
	list  []string
	table struct {
		head []string
		rows [][]string
	}
	code struct{ lang, text string }
	// details is collapsed in Markdown; a compact rendering leaves it out.
	details struct {
		summary string
		blocks  []block
	}
)

func (heading) isBlock() {}
func (para) isBlock()    {}
func (list) isBlock()    {}
func (table) isBlock()   {}
func (code) isBlock()    {}
func (details) isBlock() {}

// markdown renders blocks as GitHub Markdown; compact leaves the details
// out, with a line saying so.
func markdown(blocks []block, compact bool) string {
	var b strings.Builder
	for _, bl := range blocks {
		switch t := bl.(type) {
		case heading:
			fmt.Fprintf(&b, "%s %s\n\n", strings.Repeat("#", t.level), t.text)
		case para:
			fmt.Fprintf(&b, "%s\n\n", t)
		case list:
			for _, item := range t {
				fmt.Fprintf(&b, "- %s\n", item)
			}
			b.WriteString("\n")
		case table:
			row := func(cells []string) {
				b.WriteString("|")
				for _, c := range cells {
					fmt.Fprintf(&b, " %s |", strings.ReplaceAll(strings.ReplaceAll(c, "|", `\|`), "\n", "<br>"))
				}
				b.WriteString("\n")
			}
			row(t.head)
			b.WriteString("|" + strings.Repeat("---|", len(t.head)) + "\n")
			for _, r := range t.rows {
				row(r)
			}
			b.WriteString("\n")
		case code:
			fence := "```"
			for strings.Contains(t.text, fence) {
				fence += "`"
			}
			fmt.Fprintf(&b, "%s%s\n%s\n%s\n\n", fence, t.lang, strings.TrimRight(t.text, "\n"), fence)
		case details:
			if compact {
				fmt.Fprintf(&b, "*%s: left out to fit a comment; run the review locally or see the job summary.*\n\n", t.summary)
				continue
			}
			fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n%s</details>\n\n", t.summary, markdown(t.blocks, compact))
		}
	}
	return b.String()
}

// text renders blocks for a terminal: Markdown's inline marks dropped,
// tables aligned, details shown.
func text(blocks []block) string {
	var b strings.Builder
	for _, bl := range blocks {
		switch t := bl.(type) {
		case heading:
			line := plain(t.text)
			b.WriteString(line + "\n")
			if t.level <= 3 {
				b.WriteString(strings.Repeat("=", utf8.RuneCountInString(line)) + "\n")
			} else {
				b.WriteString(strings.Repeat("-", utf8.RuneCountInString(line)) + "\n")
			}
			b.WriteString("\n")
		case para:
			b.WriteString(plain(string(t)) + "\n\n")
		case list:
			for _, item := range t {
				b.WriteString("  • " + plain(item) + "\n")
			}
			b.WriteString("\n")
		case table:
			textTable(&b, t)
		case code:
			for _, line := range strings.Split(strings.TrimRight(t.text, "\n"), "\n") {
				b.WriteString("    " + line + "\n")
			}
			b.WriteString("\n")
		case details:
			b.WriteString(plain(t.summary) + ":\n\n")
			b.WriteString(text(t.blocks))
		}
	}
	return b.String()
}

func textTable(b *strings.Builder, t table) {
	width := make([]int, len(t.head))
	cells := append([][]string{t.head}, t.rows...)
	for _, r := range cells {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(plain(c)))
		}
	}
	for n, r := range cells {
		var line strings.Builder
		for i, c := range r {
			c = plain(c)
			if i < len(r)-1 {
				c += strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)) + "  "
			}
			line.WriteString(c)
		}
		b.WriteString("  " + strings.TrimRight(line.String(), " ") + "\n")
		if n == 0 {
			var rule strings.Builder
			for i := range r {
				rule.WriteString(strings.Repeat("─", width[i]))
				if i < len(r)-1 {
					rule.WriteString("  ")
				}
			}
			b.WriteString("  " + rule.String() + "\n")
		}
	}
	b.WriteString("\n")
}

// plain drops Markdown's inline marks: bold, code spans, HTML line breaks.
func plain(s string) string {
	return strings.NewReplacer("**", "", "`", "", "<br>", "; ").Replace(s)
}
