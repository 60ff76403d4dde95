package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// layoutScript finds what a reader would see as broken layout; see Layout.
//
//go:embed layout.js
var layoutScript string

// LayoutProblem is one thing wrong with a page's layout: Kind is
// "overflow", "overlap" or "svg-clip", Element a short description of the
// element (tag, id, classes, text), Detail the measurements.
type LayoutProblem struct {
	Kind    string `json:"kind"`
	Element string `json:"element"`
	Detail  string `json:"detail"`
}

func (p LayoutProblem) String() string { return p.Kind + ": " + p.Element + ": " + p.Detail }

// SetViewport makes the tab's viewport width × height CSS pixels, as a
// phone (390) or a laptop (1280) shows a page, with a device scale of 1.
// The layout is as wide as the viewport whatever the page's viewport meta
// tag says, so that a check at 390 px is a check at 390 px.
func SetViewport(ctx context.Context, width, height int64) error {
	_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: 1})
	if err != nil {
		return fmt.Errorf("browsertest: set viewport %dx%d: %w", width, height, err)
	}
	return nil
}

// Layout checks the page shown in the tab and returns its problems:
//   - "overflow": an element reaches past the left or right edge of the
//     viewport, so that the page scrolls sideways or the element is cut off
//     (elements inside a box that scrolls sideways on purpose, and elements
//     hidden on purpose, are not counted);
//   - "overlap": two citations (elements of class "cite") overlap, or a
//     citation leaves the box of the block it belongs to (a list item, a
//     paragraph, a table cell), running over its neighbours;
//   - "svg-clip": a text of an SVG drawing reaches outside the drawing's
//     viewBox, so part of it is not drawn.
func Layout(ctx context.Context) ([]LayoutProblem, error) {
	ps, err := Eval[[]LayoutProblem](ctx, layoutScript)
	if err != nil {
		return nil, fmt.Errorf("browsertest: layout check: %w", err)
	}
	return ps, nil
}

// FormatLayout writes problems one a line, for a test failure message.
func FormatLayout(ps []LayoutProblem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}
