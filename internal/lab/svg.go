package lab

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// streamTimeline is one stream's received probes, in sequence order.
type streamTimeline struct {
	Direction routemodel.Direction
	Name      string
	Probes    []rx
}

// linkColours are the plot's colours per link: circuit A's (or the only
// circuit's) blue, circuit B's green, the VPN's orange.
var linkColours = map[routemodel.Link]string{
	routemodel.Circuit:        "#1f77b4",
	routemodel.CircuitLink(0): "#1f77b4",
	routemodel.CircuitLink(1): "#2ca02c",
	routemodel.Tunnel:         "#ff7f0e",
	routemodel.NoLink:         "#7f7f7f",
}

// Plot geometry.
const (
	plotLeft, plotRight = 250, 20
	plotWidth           = 1100
	rowHeight, rowGap   = 22, 10
	plotTop             = 60
)

// SVG draws, for one direction, a row per stream: a bar for each run of
// consecutive probes carried by one link, blank where probes were lost,
// the steps as dashed lines, and each outage of 50 ms or more labelled.
func (r *Report) SVG(dir routemodel.Direction) string {
	var rows []streamTimeline
	for _, t := range r.timeline {
		if t.Direction == dir {
			rows = append(rows, t)
		}
	}
	span := r.End.Sub(r.Start)
	if span <= 0 {
		span = time.Second
	}
	inner := float64(plotWidth - plotLeft - plotRight)
	x := func(t time.Time) float64 { return plotLeft + inner*float64(t.Sub(r.Start))/float64(span) }
	height := plotTop + len(rows)*(rowHeight+rowGap) + 70
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`, plotWidth, height)
	w(`<rect width="100%%" height="100%%" fill="white"/>`)
	w(`<text x="10" y="20" font-size="15" font-weight="bold">%s — %s: which link carried each probe (every %s)</text>`, html.EscapeString(r.Stack), html.EscapeString(string(dir)), r.Interval)
	// Steps.
	for i, s := range r.Steps {
		sx := x(s.Start)
		w(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#444" stroke-dasharray="4,3"/>`, sx, plotTop-18, sx, plotTop+len(rows)*(rowHeight+rowGap))
		w(`<text x="%.1f" y="%d" font-size="11">%d</text>`, sx+2, plotTop-6, i+1)
	}
	for i, row := range rows {
		y := plotTop + i*(rowHeight+rowGap)
		w(`<text x="10" y="%d">%s</text>`, y+15, html.EscapeString(row.Name))
		w(`<rect x="%d" y="%d" width="%.1f" height="%d" fill="#f3f3f3"/>`, plotLeft, y, inner, rowHeight)
		for _, st := range stretches(row.Probes) {
			x0, x1 := x(st.from.Sent), x(st.to.Sent.Add(r.Interval))
			w(`<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`, x0, y, max(x1-x0, 0.5), rowHeight, linkColours[st.link])
		}
		for j := 1; j < len(row.Probes); j++ {
			a, c := row.Probes[j-1], row.Probes[j]
			if gap := c.Sent.Sub(a.Sent) - r.Interval; c.Seq-a.Seq > 1 && gap >= 50*time.Millisecond {
				w(`<text x="%.1f" y="%d" font-size="10" fill="#c00">%s</text>`, x(a.Sent), y+rowHeight+9, ms(gap))
			}
		}
	}
	// Time axis and legend.
	axis := plotTop + len(rows)*(rowHeight+rowGap) + 10
	for s := time.Duration(0); s <= span; s += tick(span) {
		tx := x(r.Start.Add(s))
		w(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#999"/><text x="%.1f" y="%d" font-size="10" text-anchor="middle">%gs</text>`, tx, axis, tx, axis+4, tx, axis+16, s.Seconds())
	}
	lx := plotLeft
	for _, l := range r.Links {
		w(`<rect x="%d" y="%d" width="14" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`, lx, axis+30, linkColours[l], lx+18, axis+39, l)
		lx += 160
	}
	var steps []string
	for i, s := range r.Steps {
		steps = append(steps, fmt.Sprintf("%d %s", i+1, s.Name))
	}
	w(`<text x="%d" y="%d" font-size="10">%s</text>`, lx, axis+39, html.EscapeString(strings.Join(steps, " · ")))
	w(`</svg>`)
	return b.String()
}

// tick is the axis step for a span: about ten ticks.
func tick(span time.Duration) time.Duration {
	for _, t := range []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second} {
		if span/t <= 12 {
			return t
		}
	}
	return time.Minute
}

// stretch is a run of consecutive probes that one link carried.
type stretch struct {
	from, to rx
	link     routemodel.Link
}

func stretches(probes []rx) []stretch {
	var out []stretch
	for i, p := range probes {
		if i > 0 && p.Seq == probes[i-1].Seq+1 && p.Link == out[len(out)-1].link {
			out[len(out)-1].to = p
			continue
		}
		out = append(out, stretch{from: p, to: p, link: p.Link})
	}
	return out
}
